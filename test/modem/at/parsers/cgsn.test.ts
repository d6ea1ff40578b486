import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCgsn } from '../../../../modem/at/parsers/cgsn.js';
import type { ImeiInfo } from '../../../../modem/at/types.js';

const GOOD: ReadonlyArray<readonly [string, readonly string[], ImeiInfo]> = [
  ['SIMCom +SIMEI', ['+SIMEI: 352099001761481'], { imei: '352099001761481', valid: true, kind: 'imei' }],
  [
    'Quectel +EGMR quoted',
    ['+EGMR: "352099001761481"'],
    { imei: '352099001761481', valid: true, kind: 'imei' },
  ],
  ['bare digits, 27.007 form', ['490154203237518'], { imei: '490154203237518', valid: true, kind: 'imei' }],
  [
    '+CGSN quoted (27.007 AT+CGSN=1 form)',
    ['+CGSN: "490154203237518"'],
    { imei: '490154203237518', valid: true, kind: 'imei' },
  ],
  ['+CGSN unquoted', ['+CGSN: 359072060451693'], { imei: '359072060451693', valid: true, kind: 'imei' }],
  [
    'IMEI: label (ATI style)',
    ['IMEI: 359072060451693'],
    { imei: '359072060451693', valid: true, kind: 'imei' },
  ],
  ['Telit #CGSN form', ['#CGSN: 352099001761481'], { imei: '352099001761481', valid: true, kind: 'imei' }],
  [
    'bad check digit (ModemManager Huawei E1550 fixture)',
    ['235012412595195'],
    { imei: '235012412595195', valid: false, kind: 'imei' },
  ],
  [
    'IMEISV, 16 digits (AT+CGSN=2)',
    ['+CGSN: "4901542032375181"'],
    { imei: '4901542032375181', valid: true, kind: 'imeisv' },
  ],
  [
    '14 digits get their check digit',
    ['49015420323751'],
    { imei: '490154203237518', valid: true, kind: 'imei' },
  ],
  [
    'Option GTM378 <imei>,<serial> (ModemManager fixture)',
    ['129512359199159,SE393939TS'],
    { imei: '129512359199159', valid: false, kind: 'imei' },
  ],
  [
    'printed with dashes',
    ['IMEI: 49-015420-323751-8'],
    { imei: '490154203237518', valid: true, kind: 'imei' },
  ],
  [
    'blank line first, lower-case label',
    ['', '+cgsn:490154203237518'],
    { imei: '490154203237518', valid: true, kind: 'imei' },
  ],
];

for (const [name, lines, expected] of GOOD) {
  test(`parseCgsn: ${name}`, () => {
    assert.equal(parseCgsn(lines), { ok: true, value: expected });
  });
}

const BAD: ReadonlyArray<readonly [string, readonly string[], string]> = [
  ['nothing', [], '+CGSN: no IMEI in the response'],
  ['CDMA ESN (Huawei EC121)', ['12de4fa6'], '+CGSN: IMEI "12de4fa6" is not all digits'],
  ['13 digits', ['4901542032375'], '+CGSN: IMEI has 13 digits, expected 15 (or 14, or 16 for an IMEISV)'],
  ['17 digits', ['49015420323751812'], '+CGSN: IMEI has 17 digits, expected 15 (or 14, or 16 for an IMEISV)'],
  ['empty label', ['+CGSN: '], '+CGSN: IMEI "" is not all digits'],
  ['garbage', ['4901542\uFFFD3237518'], '+CGSN: IMEI "4901542\uFFFD3237518" is not all digits'],
];

for (const [name, lines, reason] of BAD) {
  test(`parseCgsn rejects: ${name}`, () => {
    assert.equal(parseCgsn(lines), { ok: false, reason });
  });
}

test.run();
