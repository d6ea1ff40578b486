import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCops } from '../../../../modem/at/parsers/cops.js';
import type { CopsInfo } from '../../../../modem/at/types.js';

const NOT_REGISTERED = {
  format: null,
  operator: null,
  name: null,
  mcc: null,
  mnc: null,
  act: null,
  actName: null,
};

const GOOD: ReadonlyArray<readonly [string, readonly string[], CopsInfo]> = [
  ['not registered', ['+COPS: 0'], { mode: 0, ...NOT_REGISTERED }],
  ['deregistered', ['+COPS: 2'], { mode: 2, ...NOT_REGISTERED }],
  ['format only, no operator', ['+COPS: 0,0'], { mode: 0, ...NOT_REGISTERED }],
  [
    'long name on LTE',
    ['+COPS: 0,0,"Vodafone.de",7'],
    {
      mode: 0,
      format: 0,
      operator: 'Vodafone.de',
      name: 'Vodafone.de',
      mcc: null,
      mnc: null,
      act: 7,
      actName: 'lte',
    },
  ],
  [
    'numeric, 2-digit MNC',
    ['+COPS: 0,2,"26202",7'],
    { mode: 0, format: 2, operator: '26202', name: null, mcc: '262', mnc: '02', act: 7, actName: 'lte' },
  ],
  [
    'numeric, 3-digit MNC (AT&T)',
    ['+COPS: 0,2,"310410",7'],
    { mode: 0, format: 2, operator: '310410', name: null, mcc: '310', mnc: '410', act: 7, actName: 'lte' },
  ],
  [
    'manual, no AcT (ModemManager test-modem-helpers.c)',
    ['+COPS: 1,0,"CHINA MOBILE"'],
    {
      mode: 1,
      format: 0,
      operator: 'CHINA MOBILE',
      name: 'CHINA MOBILE',
      mcc: null,
      mnc: null,
      act: null,
      actName: null,
    },
  ],
  [
    'manual numeric, no AcT (ModemManager test-modem-helpers.c)',
    ['+COPS: 1,2,"46000"'],
    { mode: 1, format: 2, operator: '46000', name: null, mcc: '460', mnc: '00', act: null, actName: null },
  ],
  [
    'Telit ME910 on LTE-M reports AcT 8',
    ['+COPS: 0,0,"Orange F",8'],
    {
      mode: 0,
      format: 0,
      operator: 'Orange F',
      name: 'Orange F',
      mcc: null,
      mnc: null,
      act: 8,
      actName: 'ec-gsm-iot',
    },
  ],
  [
    'NB-IoT',
    ['+COPS: 0,2,"20810",9'],
    { mode: 0, format: 2, operator: '20810', name: null, mcc: '208', mnc: '10', act: 9, actName: 'nb-iot' },
  ],
  [
    'short name on GSM',
    ['+COPS: 0,1,"TMO",0'],
    { mode: 0, format: 1, operator: 'TMO', name: 'TMO', mcc: null, mnc: null, act: 0, actName: 'gsm' },
  ],
  [
    'numeric text in a name format',
    ['+COPS: 0,0,"26201",7'],
    { mode: 0, format: 0, operator: '26201', name: '26201', mcc: '262', mnc: '01', act: 7, actName: 'lte' },
  ],
  [
    'name with a comma inside the quotes (Samsung Z810 style)',
    ['+COPS: 0,0,"T-Mobile USA, In",2'],
    {
      mode: 0,
      format: 0,
      operator: 'T-Mobile USA, In',
      name: 'T-Mobile USA, In',
      mcc: null,
      mnc: null,
      act: 2,
      actName: 'umts',
    },
  ],
  [
    'u-blox LARA-R2 with AT+CSCS="UCS2", numeric',
    ['+COPS: 0,2,"00320031003400300037",7'],
    { mode: 0, format: 2, operator: '21407', name: null, mcc: '214', mnc: '07', act: 7, actName: 'lte' },
  ],
  [
    'u-blox LARA-R2 with AT+CSCS="UCS2", name',
    ['+COPS: 0,0,"004D006F007600690073007400610072",7'],
    {
      mode: 0,
      format: 0,
      operator: 'Movistar',
      name: 'Movistar',
      mcc: null,
      mnc: null,
      act: 7,
      actName: 'lte',
    },
  ],
  [
    'NR on 5GC',
    ['+cops:0,2,"310260",11'],
    {
      mode: 0,
      format: 2,
      operator: '310260',
      name: null,
      mcc: '310',
      mnc: '260',
      act: 11,
      actName: 'nr-5gc',
    },
  ],
  [
    'spaces after the commas',
    ['+COPS: 0, 0, "Vodafone.de", 7'],
    {
      mode: 0,
      format: 0,
      operator: 'Vodafone.de',
      name: 'Vodafone.de',
      mcc: null,
      mnc: null,
      act: 7,
      actName: 'lte',
    },
  ],
  [
    'unquoted numeric',
    ['', '+COPS: 0,2,23415,7'],
    { mode: 0, format: 2, operator: '23415', name: null, mcc: '234', mnc: '15', act: 7, actName: 'lte' },
  ],
];

for (const [name, lines, expected] of GOOD) {
  test(`parseCops: ${name}`, () => {
    assert.equal(parseCops(lines), { ok: true, value: expected });
  });
}

const BAD: ReadonlyArray<readonly [string, readonly string[], string]> = [
  ['no line', ['+CREG: 0,1'], '+COPS: no +COPS line in the response'],
  ['empty', ['+COPS:'], '+COPS: expected <mode>, got nothing'],
  [
    'network list',
    ['+COPS: (2,"T-Mobile","TMO","31026",0),,(0-4),(0-2)'],
    '+COPS: a network list (answer to AT+COPS=?), not AT+COPS?',
  ],
  ['mode out of range', ['+COPS: 5,0,"x",7'], '+COPS: <mode> 5 out of range 0..4'],
  ['mode not a number', ['+COPS: a'], '+COPS: <mode> "a" is not a number'],
  ['format out of range', ['+COPS: 0,3,"x",7'], '+COPS: <format> 3 out of range 0..2'],
  [
    'name with format 2',
    ['+COPS: 0,2,"Vodafone.de",7'],
    '+COPS: numeric <oper> "Vodafone.de" is not 5 or 6 digits',
  ],
  ['numeric too short', ['+COPS: 0,2,"2620",7'], '+COPS: numeric <oper> "2620" is not 5 or 6 digits'],
  ['numeric too long', ['+COPS: 0,2,"2620212",7'], '+COPS: numeric <oper> "2620212" is not 5 or 6 digits'],
  ['AcT not a number', ['+COPS: 0,0,"Orange F",LTE'], '+COPS: <AcT> "LTE" is not a number'],
  [
    'garbage in the name',
    ['+COPS: 0,0,"Or\uFFFDnge",7'],
    '+COPS: <oper> "Or\uFFFDnge" has unreadable characters',
  ],
];

for (const [name, lines, reason] of BAD) {
  test(`parseCops rejects: ${name}`, () => {
    assert.equal(parseCops(lines), { ok: false, reason });
  });
}

test.run();
