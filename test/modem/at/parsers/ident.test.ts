import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAti, parseCgmi, parseCgmm, parseCgmr } from '../../../../modem/at/parsers/ident.js';
import type { Result } from '../../../../modem/at/result.js';
import type { ModemIdent } from '../../../../modem/at/types.js';

type Parser = (lines: readonly string[]) => Result<string>;

const GOOD: ReadonlyArray<readonly [string, Parser, readonly string[], string]> = [
  ['CGMI bare', parseCgmi, ['Quectel'], 'Quectel'],
  ['CGMI bare with spaces', parseCgmi, ['SIMCOM INCORPORATED'], 'SIMCOM INCORPORATED'],
  ['CGMI lower case', parseCgmi, ['u-blox'], 'u-blox'],
  ['CGMI with a comma', parseCgmi, ['Sierra Wireless, Incorporated'], 'Sierra Wireless, Incorporated'],
  ['CGMI Telit #CGMI label form', parseCgmi, ['#CGMI: Telit'], 'Telit'],
  ['CGMI +CGMI label', parseCgmi, ['+CGMI: "Huawei"'], 'Huawei'],
  [
    'CGMI Motorola quoted (ModemManager fixture)',
    parseCgmi,
    ['"Motorola CE, Copyright 2000"'],
    'Motorola CE, Copyright 2000',
  ],
  ['CGMI +GMI label', parseCgmi, ['+GMI: LG Electronics Inc.'], 'LG Electronics Inc.'],
  ['CGMM bare', parseCgmm, ['EC25'], 'EC25'],
  ['CGMM with underscore', parseCgmm, ['SIMCOM_SIM7600E-H'], 'SIMCOM_SIM7600E-H'],
  ['CGMM with dashes', parseCgmm, ['SARA-R410M-02B'], 'SARA-R410M-02B'],
  ['CGMM short', parseCgmm, ['EM7455'], 'EM7455'],
  ['CGMM with region suffix', parseCgmm, ['LE910C1-EU'], 'LE910C1-EU'],
  ['CGMM +CGMM label', parseCgmm, ['+CGMM: "ME909s-120"'], 'ME909s-120'],
  [
    'CGMM +GMM: Model: nested (LG LX265, ModemManager fixture)',
    parseCgmm,
    ['+GMM: Model:LG-LX265'],
    'LG-LX265',
  ],
  [
    'CGMM list of quoted values kept whole',
    parseCgmm,
    ['"GSM900","GSM1800","MODEL=I250-000"'],
    '"GSM900","GSM1800","MODEL=I250-000"',
  ],
  ['CGMR Quectel Revision: label form', parseCgmr, ['Revision: EC25EFAR06A06M4G'], 'EC25EFAR06A06M4G'],
  ['CGMR SIMCom +CGMR label form', parseCgmr, ['+CGMR: LE20B04SIM7600M22'], 'LE20B04SIM7600M22'],
  ['CGMR Revision: without a space', parseCgmr, ['Revision:1418B04SIM800C24'], '1418B04SIM800C24'],
  ['CGMR Telit #CGMR (ME910C1 manual example)', parseCgmr, ['#CGMR: 08.01.005'], '08.01.005'],
  [
    'CGMR long Sierra-style revision',
    parseCgmr,
    ['SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 06:23:09'],
    'SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 06:23:09',
  ],
  [
    'CGMR with a bracketed build date',
    parseCgmr,
    ['L0.0.00.00.05.06 [Feb 03 2018 13:00:41]'],
    'L0.0.00.00.05.06 [Feb 03 2018 13:00:41]',
  ],
  [
    'CGMR Motorola ROKR E2 quoted (ModemManager fixture)',
    parseCgmr,
    ['"R564_G_12.00.47P"'],
    'R564_G_12.00.47P',
  ],
  ['echo left in', parseCgmi, ['AT+CGMI', 'Quectel'], 'Quectel'],
  ['blank lines before', parseCgmr, ['', '\r', '  25.21.660  '], '25.21.660'],
];

for (const [name, parse, lines, expected] of GOOD) {
  test(`identity: ${name}`, () => {
    assert.equal(parse(lines), { ok: true, value: expected });
  });
}

const BAD: ReadonlyArray<readonly [string, Parser, readonly string[], string]> = [
  ['CGMI empty', parseCgmi, [], '+CGMI: empty response'],
  ['CGMM blank lines only', parseCgmm, ['', '  '], '+CGMM: empty response'],
  ['CGMR label without value', parseCgmr, ['+CGMR:'], '+CGMR: empty response'],
  ['CGMR garbage', parseCgmr, ['EC25\uFFFDFAR'], '+CGMR: "EC25\uFFFDFAR" has unreadable characters'],
];

for (const [name, parse, lines, reason] of BAD) {
  test(`identity rejects: ${name}`, () => {
    assert.equal(parse(lines), { ok: false, reason });
  });
}

const ATI: ReadonlyArray<readonly [string, readonly string[], ModemIdent]> = [
  [
    'three unlabelled lines: manufacturer, model, revision',
    ['Telit', 'LE910C1-EU', '25.21.660'],
    { manufacturer: 'Telit', model: 'LE910C1-EU', revision: '25.21.660' },
  ],
  [
    'Quectel EC25 form, unlabelled',
    ['Quectel', 'EC25', 'Revision: EC25EFAR06A06M4G'],
    { manufacturer: 'Quectel', model: 'EC25', revision: 'EC25EFAR06A06M4G' },
  ],
  [
    'Quectel BG96 form, unlabelled',
    ['Quectel', 'BG96', 'Revision: BG96MAR02A07M1G'],
    { manufacturer: 'Quectel', model: 'BG96', revision: 'BG96MAR02A07M1G' },
  ],
  [
    'SIMCom SIM7600 form, labelled',
    [
      'Manufacturer: SIMCOM INCORPORATED',
      'Model: SIMCOM_SIM7600E-H',
      'Revision: SIM7600M22_V1.1',
      'IMEI: 861234567890123',
      '+GCAP: +CGSM,+DS,+ES',
    ],
    { manufacturer: 'SIMCOM INCORPORATED', model: 'SIMCOM_SIM7600E-H', revision: 'SIM7600M22_V1.1' },
  ],
  [
    'SIMCom SIM800 form, one line',
    ['SIM800 R14.18'],
    { manufacturer: null, model: 'SIM800', revision: 'R14.18' },
  ],
  [
    'Sierra MC7455 form, labelled with extra items',
    [
      'Manufacturer: Sierra Wireless, Incorporated',
      'Model: MC7455',
      'Revision: SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 06:23:09',
      'MEID: 35907206045169',
      'IMEI: 359072060451693',
      'IMEI SV: 9',
      'FSN: LF705100530410',
      '+GCAP: +CGSM',
    ],
    {
      manufacturer: 'Sierra Wireless, Incorporated',
      model: 'MC7455',
      revision: 'SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 06:23:09',
    },
  ],
  [
    'Sierra USBConnect Mercury with "3GPP Release 6" (ModemManager fixture)',
    [
      'Manufacturer: Sierra Wireless, Inc.',
      'Model: C885',
      'Revision: J1_0_1_26AP C:/WS/FW/J1_0_1_26AP/MSM7200A/SRC/AMSS 2009/01/30 07:58:06',
      'IMEI: 987866969112306',
      '3GPP Release 6',
      '+GCAP: +CGSM,+DS,+ES',
    ],
    {
      manufacturer: 'Sierra Wireless, Inc.',
      model: 'C885',
      revision: 'J1_0_1_26AP C:/WS/FW/J1_0_1_26AP/MSM7200A/SRC/AMSS 2009/01/30 07:58:06',
    },
  ],
  [
    'Huawei E1550 (ModemManager fixture)',
    [
      'Manufacturer: huawei',
      'Model: E1550',
      'Revision: 11.608.09.01.21',
      'IMEI: 235012412595195',
      '+GCAP: +CGSM,+FCLASS,+DS',
    ],
    { manufacturer: 'huawei', model: 'E1550', revision: '11.608.09.01.21' },
  ],
  [
    'Huawei MG323 "Manufacture:" spelling',
    ['Manufacture: HUAWEI', 'Model: MG323', 'Revision: 12.210.10.05.00'],
    { manufacturer: 'HUAWEI', model: 'MG323', revision: '12.210.10.05.00' },
  ],
  [
    'u-blox form, labelled with SVN',
    ['Manufacturer: u-blox', 'Model: SARA-R500S', 'Revision: 02.05', 'SVN: 01', 'IMEI: 490154203237518'],
    { manufacturer: 'u-blox', model: 'SARA-R500S', revision: '02.05' },
  ],
  [
    'LG LX265 nested labels (ModemManager fixture)',
    [
      'Manufacturer: +GMI: LG Electronics Inc.',
      'Model: +GMM: Model:LG-LX265',
      'Revision: +GMR: LX265V05, 50571',
    ],
    { manufacturer: 'LG Electronics Inc.', model: 'LG-LX265', revision: 'LX265V05, 50571' },
  ],
  [
    'C-MOTECH CDX-650 with \\r\\r line ends (ModemManager fixture)',
    [
      'Manufacturer: C-MOTECH Co., Ltd.\r\r',
      'Model: CDX-650 \r\r',
      'Revision: CDX65UAC03\r\r',
      'Esn: 3B0C4B98',
    ],
    { manufacturer: 'C-MOTECH Co., Ltd.', model: 'CDX-650', revision: 'CDX65UAC03' },
  ],
  [
    'Sony Ericsson MD300, model only (ModemManager fixture)',
    ['MD300'],
    { manufacturer: null, model: 'MD300', revision: null },
  ],
  ['nothing', [], { manufacturer: null, model: null, revision: null }],
  ['garbage only', ['\uFFFD\uFFFD', '\u0000'], { manufacturer: null, model: null, revision: null }],
  [
    'only other items',
    ['IMEI: 490154203237518', '+GCAP: +CGSM'],
    { manufacturer: null, model: null, revision: null },
  ],
];

for (const [name, lines, expected] of ATI) {
  test(`parseAti: ${name}`, () => {
    assert.equal(parseAti(lines), expected);
  });
}

test('a report line with another prefix (a Quectel +QIND URC) is not the revision, model or maker', () => {
  assert.equal(parseCgmr(['+QIND: "csq",20,99', 'EC25EFAR06A06M4G']), {
    ok: true,
    value: 'EC25EFAR06A06M4G',
  });
  assert.equal(parseCgmm(['+QIND: SMS DONE', 'EC25']), { ok: true, value: 'EC25' });
  assert.equal(parseCgmi(['^SYSSTART', '+CPIN: READY', 'Quectel']).ok, true);
  assert.equal(parseCgmr(['+CGMR: EC25EFAR06A06M4G']), { ok: true, value: 'EC25EFAR06A06M4G' });
  assert.not.ok(parseCgmr(['+QIND: "csq",20,99']).ok);
});

test.run();
