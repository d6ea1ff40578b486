import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCimi } from '../../../../modem/at/parsers/cimi.js';
import type { ImsiInfo } from '../../../../modem/at/types.js';

const GOOD: ReadonlyArray<readonly [string, readonly string[], ImsiInfo]> = [
  ['bare digits, 27.007 form', ['262011234567890'], { imsi: '262011234567890', mcc: '262' }],
  ['labelled +CIMI', ['+CIMI: 310410123456789'], { imsi: '310410123456789', mcc: '310' }],
  ['quoted', ['"460001234567890"'], { imsi: '460001234567890', mcc: '460' }],
  ['labelled and quoted', ['+CIMI: "234150123456789"'], { imsi: '234150123456789', mcc: '234' }],
  ['14 digits', ['23415012345678'], { imsi: '23415012345678', mcc: '234' }],
  ['6 digits, the shortest accepted', ['001010'], { imsi: '001010', mcc: '001' }],
  ['blank line first', ['', '  262011234567890\r'], { imsi: '262011234567890', mcc: '262' }],
  ['Telit #CIMI', ['#CIMI: 222015602268648'], { imsi: '222015602268648', mcc: '222' }],
  [
    'stray echo and final result left in',
    ['AT+CIMI', '262011234567890', 'OK'],
    { imsi: '262011234567890', mcc: '262' },
  ],
];

for (const [name, lines, expected] of GOOD) {
  test(`parseCimi: ${name}`, () => {
    assert.equal(parseCimi(lines), { ok: true, value: expected });
  });
}

const BAD: ReadonlyArray<readonly [string, readonly string[], string]> = [
  ['nothing', [], '+CIMI: no IMSI in the response'],
  ['only blank lines', ['', ' '], '+CIMI: no IMSI in the response'],
  ['16 digits', ['2620112345678901'], '+CIMI: IMSI has 16 digits, expected 6..15'],
  ['5 digits', ['26201'], '+CIMI: IMSI has 5 digits, expected 6..15'],
  ['letters', ['26201ABC4567890'], '+CIMI: IMSI "26201ABC4567890" is not all digits'],
  ['an error text', ['SIM not inserted'], '+CIMI: IMSI "SIM not inserted" is not all digits'],
  ['garbage', ['2620\uFFFD1234567890'], '+CIMI: IMSI "2620\uFFFD1234567890" is not all digits'],
];

for (const [name, lines, reason] of BAD) {
  test(`parseCimi rejects: ${name}`, () => {
    assert.equal(parseCimi(lines), { ok: false, reason });
  });
}

test.run();
