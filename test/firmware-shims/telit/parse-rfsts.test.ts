import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseRfstsServingCell } from '../../../firmware-shims/telit/parse-rfsts.js';
import type { ServingCell } from '../../../modem/at/types.js';
import { pickFields, UNKNOWN_CELL } from '../serving-cell-rows.js';

const OK_ROWS: ReadonlyArray<readonly [string, string, Partial<ServingCell>]> = [
  [
    'Telit LTE, T-Mobile band 66, no SINR (recorded transcript, firmware 32.01.150)',
    '#RFSTS: "310 260",66786,-101,-68,-13,2D18,255,,640,1,0,3089F02,"000000000000000","T-Mobile",3,66',
    {
      rat: 'lte',
      mcc: '310',
      mnc: '260',
      earfcn: 66786,
      rsrpDbm: -101,
      rssiDbm: -68,
      rsrqDb: -13,
      tac: 11544,
      cellId: 50896642,
      band: 'B66',
      sinrDb: null,
    },
  ],
  [
    'Telit LM960 AT reference example, Verizon band 66',
    '#RFSTS: "311 480",66536,-103,-68,-15,0D00,255,,1280,1,0,033C416,"000000000000000","Verizon",3,66',
    { rat: 'lte', mcc: '311', mnc: '480', earfcn: 66536, tac: 3328, cellId: 3392534, band: 'B66' },
  ],
  [
    'Telit LE910 (Turkcell), layout without RAC, band 3, SINR 108 = 1.6 dB',
    '#RFSTS: "286 01",1795,-101,-67,-15,2242,,128,3,1,0B5D121,"286016339612498","Turkcell",3,3,108',
    {
      rat: 'lte',
      mcc: '286',
      mnc: '01',
      earfcn: 1795,
      rsrpDbm: -101,
      rssiDbm: -67,
      rsrqDb: -15,
      tac: 8770,
      cellId: 11915553,
      band: 'B3',
      sinrDb: 1.6,
    },
  ],
  [
    'Telit GSM, vodafone NL (pmoerenhout atcommander)',
    '#RFSTS: "204 04",1001,-80,00DE,01,5,19,10,2,9878,"204007930002270","vodafone NL",1,2',
    { rat: 'gsm', mcc: '204', mnc: '04', rssiDbm: -80, lac: 222, cellId: 39032, band: null, earfcn: null },
  ],
  [
    'Telit GSM, KPN, empty NOM (pmoerenhout atcommander)',
    '#RFSTS: "204 08",14,-83,0CBC,00,5,19,10,,BEE9,"204007930002270","NL KPN",0,2',
    { rat: 'gsm', mcc: '204', mnc: '08', rssiDbm: -83, lac: 0x0cbc, cellId: 0xbee9 },
  ],
  [
    'constructed from the documented WCDMA layout (pmoerenhout atcommander), one active-set cell',
    '#RFSTS: "222 10",10588,25,-5.0,-80,-75,1F4A,01,-4,64,19,0,1,0,2AE41,"222107701772423","vodafone IT",3,1,10588,25,-5.0',
    { rat: 'umts', mcc: '222', mnc: '10', rssiDbm: -75, lac: 0x1f4a, cellId: 0x2ae41 },
  ],
];

for (const [name, line, expected] of OK_ROWS) {
  test(`#RFSTS ok: ${name}`, () => {
    const r = parseRfstsServingCell([line]);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    if (r.ok) assert.equal(pickFields(r.value, expected), expected);
  });
}

test('#RFSTS ok: Turkcell LTE line, every field', () => {
  const r = parseRfstsServingCell([
    '#RFSTS: "286 01",1795,-101,-67,-15,2242,,128,3,1,0B5D121,"286016339612498","Turkcell",3,3,108',
  ]);
  assert.equal(r, {
    ok: true,
    value: {
      ...UNKNOWN_CELL,
      rat: 'lte',
      mcc: '286',
      mnc: '01',
      earfcn: 1795,
      rsrpDbm: -101,
      rssiDbm: -67,
      rsrqDb: -15,
      tac: 8770,
      cellId: 11915553,
      band: 'B3',
      sinrDb: 1.6,
    },
  });
});

const BAD_ROWS: ReadonlyArray<readonly [string, readonly string[], string]> = [
  [
    'GSM, searching: empty PLMN (pmoerenhout atcommander)',
    ['#RFSTS: ,32767,-47,,,19,27,,,"204000090288415","",0,2'],
    '#RFSTS: not registered (PLMN "")',
  ],
  [
    'LTE with redacted cell id and IMSI (MikroTik forum post)',
    ['#RFSTS: "310 410",800,-93,-59,-14,8B1E,255,-5,1280,19,2,A20...,"310410...","AT&T",3,2'],
    '#RFSTS: unknown layout (16 fields, IMSI at -1)',
  ],
  ['no #RFSTS line', ['OK'], '#RFSTS: no #RFSTS line in the response'],
];

for (const [name, lines, reason] of BAD_ROWS) {
  test(`#RFSTS bad: ${name}`, () => {
    assert.equal(parseRfstsServingCell(lines), { ok: false, reason });
  });
}

test.run();
