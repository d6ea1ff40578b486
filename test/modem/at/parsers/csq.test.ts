import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCsq } from '../../../../modem/at/parsers/csq.js';
import type { CsqInfo } from '../../../../modem/at/types.js';

const GOOD: ReadonlyArray<readonly [string, readonly string[], CsqInfo]> = [
  ['strong signal, ber unknown', ['+CSQ: 28,99'], { csq: 28, rssiDbm: -57, ber: null }],
  ['no signal (99,99)', ['+CSQ: 99,99'], { csq: null, rssiDbm: null, ber: null }],
  ['with ber class 0 (GSM)', ['+CSQ: 21,0'], { csq: 21, rssiDbm: -71, ber: 0 }],
  ['top of the scale', ['+CSQ: 31,99'], { csq: 31, rssiDbm: -51, ber: null }],
  ['mid range', ['+CSQ: 19,99'], { csq: 19, rssiDbm: -75, ber: null }],
  ['weak', ['+CSQ: 12,99'], { csq: 12, rssiDbm: -89, ber: null }],
  ['bottom of the scale, ber 7', ['+CSQ: 0,7'], { csq: 0, rssiDbm: -113, ber: 7 }],
  ['space after the comma', ['+CSQ: 15, 99'], { csq: 15, rssiDbm: -83, ber: null }],
  ['no space after colon', ['+CSQ:20,99'], { csq: 20, rssiDbm: -73, ber: null }],
  ['lower-case prefix', ['+csq: 20,99'], { csq: 20, rssiDbm: -73, ber: null }],
  ['stray blank lines and CR', ['', '\r', '+CSQ: 17,99\r', ''], { csq: 17, rssiDbm: -79, ber: null }],
  ['leading NUL from a UART glitch', ['\u0000+CSQ: 10,99'], { csq: 10, rssiDbm: -93, ber: null }],
  ['TD-SCDMA range (27.007 §8.5) 100', ['+CSQ: 100,99'], { csq: 100, rssiDbm: -116, ber: null }],
  ['TD-SCDMA range 191', ['+CSQ: 191,99'], { csq: 191, rssiDbm: -25, ber: null }],
  ['TD-SCDMA not known 199', ['+CSQ: 199,99'], { csq: null, rssiDbm: null, ber: null }],
  ['other lines around it', ['+CREG: 1', '+CSQ: 5,99'], { csq: 5, rssiDbm: -103, ber: null }],
];

for (const [name, lines, expected] of GOOD) {
  test(`parseCsq: ${name}`, () => {
    assert.equal(parseCsq(lines), { ok: true, value: expected });
  });
}

const BAD: ReadonlyArray<readonly [string, readonly string[], string]> = [
  ['one field', ['+CSQ: 20'], '+CSQ: expected 2 fields, got 1'],
  ['three fields', ['+CSQ: 20,99,1'], '+CSQ: expected 2 fields, got 3'],
  ['empty', ['+CSQ: '], '+CSQ: expected 2 fields, got 0'],
  ['no line', ['OK'], '+CSQ: no +CSQ line in the response'],
  ['no lines at all', [], '+CSQ: no +CSQ line in the response'],
  ['wrong prefix', ['+CESQ: 99,99,255,255,20,50'], '+CSQ: no +CSQ line in the response'],
  ['non-numeric rssi', ['+CSQ: ab,99'], '+CSQ: rssi "ab" is not a number'],
  ['non-numeric ber', ['+CSQ: 20,x'], '+CSQ: ber "x" is not a number'],
  ['rssi 32 out of range', ['+CSQ: 32,99'], '+CSQ: rssi 32 out of range 0..31, 99'],
  ['negative rssi', ['+CSQ: -1,99'], '+CSQ: rssi -1 out of range 0..31, 99'],
  ['ber 8 out of range', ['+CSQ: 20,8'], '+CSQ: ber 8 out of range 0..7, 99'],
  ['decimal point', ['+CSQ: 20.5,99'], '+CSQ: rssi "20.5" is not a number'],
  ['garbage bytes', ['+CSQ: \uFFFD\uFFFD,99'], '+CSQ: rssi "\uFFFD\uFFFD" is not a number'],
];

for (const [name, lines, reason] of BAD) {
  test(`parseCsq rejects: ${name}`, () => {
    assert.equal(parseCsq(lines), { ok: false, reason });
  });
}

test.run();
