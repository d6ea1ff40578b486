import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { luhnCheckDigit, luhnValid } from '../../../modem/at/luhn.js';

const ROWS: ReadonlyArray<readonly [string, string, boolean]> = [
  ['IMEI example of 3GPP TS 23.003 Annex B', '490154203237518', true],
  ['IMEI, Sierra EM7455 ATI', '359072060451693', true],
  ['IMEI, one digit wrong', '359072060451694', false],
  ['ICCID 19 digits, u-blox SARA-R4 +CCID', '8939104520002046137', true],
  ['ICCID 20 digits, Sierra !ICCID', '89014103211118510720', true],
  ['ICCID 20 digits, bad check digit (ModemManager test vector)', '89324102234690160476', false],
  ['two digits, valid', '18', true],
  ['two digits, invalid', '19', false],
  ['all zeros', '0000000000', true],
  ['one digit', '0', false],
  ['empty', '', false],
  ['letters', '89F1', false],
  ['spaces', '4901 5420 3237 518', false],
  ['sign', '+490154203237518', false],
  ['garbage', '\uFFFD\uFFFD', false],
];

for (const [name, digits, expected] of ROWS) {
  test(`luhnValid: ${name}`, () => {
    assert.is(luhnValid(digits), expected);
  });
}

test('luhnCheckDigit: computes the digit that makes the number valid', () => {
  assert.is(luhnCheckDigit('49015420323751'), 8);
  assert.is(luhnCheckDigit('35209900176148'), 1);
  assert.is(luhnCheckDigit('893910452000204613'), 7);
  assert.is(luhnCheckDigit(''), null);
  assert.is(luhnCheckDigit('12a'), null);
});

test('luhnCheckDigit and luhnValid agree for every check digit of a body', () => {
  const body = '8901410321111851072';
  for (let d = 0; d <= 9; d++) assert.is(luhnValid(`${body}${d}`), d === luhnCheckDigit(body));
});

test.run();
