import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  cmeFinal,
  formatCclk,
  frameLines,
  iccidToEfHex,
  isLuhnValid,
  luhnDigit,
} from '../../../hil/sim-modem/format.js';
import { PROFILES } from '../../../hil/sim-modem/profiles/index.js';

test('cmeFinal per CMEE mode', () => {
  assert.is(cmeFinal(0, 16), 'ERROR');
  assert.is(cmeFinal(1, 16), '+CME ERROR: 16');
  assert.is(cmeFinal(2, 16), '+CME ERROR: incorrect password');
  assert.is(cmeFinal(2, 14), '+CME ERROR: SIM busy');
  assert.is(cmeFinal(2, 999), '+CME ERROR: unknown');
});

test('frameLines: CR LF around every line; the crcrlf variant', () => {
  assert.is(frameLines(['+CSQ: 20,99', 'OK']), '\r\n+CSQ: 20,99\r\n\r\nOK\r\n');
  assert.is(frameLines(['OK'], '\r\r\n'), '\r\nOK\r\r\n');
  assert.is(frameLines([]), '');
});

test('Luhn: known IMEI and ICCID', () => {
  assert.is(luhnDigit('49015420323751'), '8');
  assert.ok(isLuhnValid('490154203237518'));
  assert.not.ok(isLuhnValid('490154203237519'));
  assert.ok(isLuhnValid('8901410432109876540'));
  assert.not.ok(isLuhnValid('8901410432109876541'));
  assert.not.ok(isLuhnValid('89O1'));
});

test('EF_ICCID: nibble-swapped BCD, F-padded to 20 nibbles', () => {
  assert.is(iccidToEfHex('89491000000000000040'), '98940100000000000004');
  assert.is(iccidToEfHex('8949010000123456780'), '989410000021436587F0');
});

test('formatCclk: unset clock, offsets, running clock', () => {
  assert.is(formatCclk(null), '80/01/06,00:00:08+00');
  assert.is(formatCclk({ iso: '2026-12-01T19:05:23', tzQuarterHours: 4 }), '26/12/01,19:05:23+04');
  assert.is(formatCclk({ iso: '2026-07-04T08:00:00', tzQuarterHours: -16 }), '26/07/04,08:00:00-16');
  assert.is(formatCclk({ iso: 'garbage', tzQuarterHours: 0 }), '80/01/06,00:00:08+00');
  assert.is(
    formatCclk({ iso: '2026-12-01T19:05:23', tzQuarterHours: 4, setAtMs: 0 }, 61_000),
    '26/12/01,19:06:24+04',
  );
});

for (const p of Object.values(PROFILES)) {
  test(`${p.id}: identity is realistic (Luhn IMEI/ICCID, 15-digit IMSI matching MCC/MNC)`, () => {
    const { imei, iccid, imsi } = p.initialState.identity;
    const { mcc, mnc } = p.initialState.operator;
    assert.is(imei.length, 15);
    assert.ok(isLuhnValid(imei), imei);
    assert.ok(iccid.length === 19 || iccid.length === 20, iccid);
    assert.ok(iccid.startsWith('89'), iccid);
    assert.ok(isLuhnValid(iccid), iccid);
    assert.is(imsi.length, 15);
    assert.ok(imsi.startsWith(`${mcc}${mnc}`), `${imsi} vs ${mcc}${mnc}`);
  });
}

test('profiles have distinct identities', () => {
  const ids = Object.values(PROFILES).map((p) => p.initialState.identity);
  for (const key of ['imei', 'iccid', 'imsi'] as const) {
    assert.is(new Set(ids.map((i) => i[key])).size, ids.length, key);
  }
});

test.run();
