import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveTraits, selectShim } from '../../../firmware-shims/index.js';
import { parseCpsiServingCell } from '../../../firmware-shims/simcom/parse-cpsi.js';
import { simcomShim } from '../../../firmware-shims/simcom/simcom-shim.js';
import { simcomVariant } from '../../../firmware-shims/simcom/simcom-variant.js';
import type { ModemIdent } from '../../../modem/at/types.js';
import { atError, channelError, FakeAtChannel } from '../../fakes/fake-at-channel.js';

const SIM7600: ModemIdent = {
  manufacturer: 'SIMCOM INCORPORATED',
  model: 'SIMCOM_SIM7600G-H',
  revision: 'LE20B04SIM7600G22',
};
const SIM7080: ModemIdent = {
  manufacturer: 'SIMCOM INCORPORATED',
  model: 'SIMCOM_SIM7080G',
  revision: '1351B05SIM7080G',
};
const SIM800: ModemIdent = { manufacturer: null, model: 'SIM800 R14.18', revision: null };

test('simcomVariant: SIM7600/SIM7080 are the LTE set, SIM800 its own, anything else unknown', () => {
  assert.is(simcomVariant(SIM7600), 'lte');
  assert.is(simcomVariant(SIM7080), 'lte');
  assert.is(simcomVariant(SIM800), 'sim800');
  assert.is(
    simcomVariant({
      manufacturer: 'SIMCOM_Ltd',
      model: 'SIMCOM_SIM800',
      revision: 'Revision:1418B04SIM800M32',
    }),
    'sim800',
  );
  assert.is(
    simcomVariant({ manufacturer: 'SIMCOM_Ltd', model: null, revision: null }, ['SIM800 R14.18']),
    'sim800',
  );
  assert.is(simcomVariant({ manufacturer: 'SIMCOM_Ltd', model: null, revision: null }), 'unknown');
  // The 5G SIM8200 is not a SIM800.
  assert.is(
    simcomVariant({ manufacturer: 'SIMCOM INCORPORATED', model: 'SIMCOM_SIM8202G-M2', revision: null }),
    'unknown',
  );
});

test('simcom SIM7600 readIccid: AT+CICCID answers +ICCID:', async () => {
  const ch = new FakeAtChannel([{ command: 'AT+CICCID', lines: ['+ICCID: 89490200001234567892'] }]);
  assert.equal(await selectShim(SIM7600, []).readIccid(ch), {
    ok: true,
    value: { iccid: '89490200001234567892', valid: true },
  });
  assert.equal(ch.sent, ['AT+CICCID']);
  ch.assertDone();
});

test('simcom-sim800-ccid-bare-digits: SIM800 reads AT+CCID first and takes the bare line with its "f" filler', async () => {
  const shim = selectShim(SIM800, ['SIM800 R14.18']);
  assert.equal(
    resolveTraits(shim, SIM800).quirks.map((q) => q.id),
    ['simcom-sim800-ccid-bare-digits'],
  );
  const ch = new FakeAtChannel([{ command: 'AT+CCID', lines: ['8939103320004650065f'] }]);
  // The Luhn check fails for this README's number: reported, not enforced.
  assert.equal(await shim.readIccid(ch), { ok: true, value: { iccid: '8939103320004650065', valid: false } });
  assert.equal(ch.sent, ['AT+CCID']);
  ch.assertDone();
});

test('simcom model-agnostic readIccid: AT+CICCID refused (SIM800), AT+CCID answers', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+CICCID', error: atError('AT+CICCID') },
    { command: 'AT+CCID', lines: ['8939103320004650065f'] },
  ]);
  const r = await simcomShim.readIccid(ch);
  assert.equal(r.ok && r.value.iccid, '8939103320004650065');
  ch.assertDone();
});

test('simcom readServingCell: AT+CPSI?', async () => {
  const ch = new FakeAtChannel([
    {
      command: 'AT+CPSI?',
      lines: ['+CPSI: LTE CAT-M1,Online,238-01,0x07D0,12024586,465,EUTRAN-BAND20,6350,5,5,-16,-83,-53,10'],
    },
  ]);
  const r = await selectShim(SIM7080, []).readServingCell(ch);
  assert.equal(r.ok && [r.value.rat, r.value.band, r.value.rsrpDbm], ['cat-m', 'B20', -83]);
  ch.assertDone();
});

test('simcom readServingCell: NO SERVICE is { ok: false }', async () => {
  const ch = new FakeAtChannel([{ command: 'AT+CPSI?', lines: ['+CPSI: NO SERVICE,Online'] }]);
  assert.equal(await simcomShim.readServingCell(ch), { ok: false, reason: '+CPSI: no service' });
});

test('simcom reset: SIM7600 AT+CRESET; the port closing after the write is success', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+CRESET', error: channelError('AT_PORT_CLOSED', 'AT+CRESET') },
  ]);
  await selectShim(SIM7600, []).reset(ch);
  assert.equal(ch.options, [{ timeoutMs: 15_000 }]);
  ch.assertDone();
});

test('simcom reset: SIM800 AT+CFUN=1,1', async () => {
  const ch = new FakeAtChannel([{ command: 'AT+CFUN=1,1', lines: [] }]);
  await selectShim(SIM800, ['SIM800 R14.18']).reset(ch, { timeoutMs: 5_000 });
  assert.equal(ch.options, [{ timeoutMs: 5_000 }]);
  ch.assertDone();
});

test('simcom reset: model-agnostic shim falls back from AT+CRESET to AT+CFUN=1,1 on a refusal', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+CRESET', error: atError('AT+CRESET') },
    { command: 'AT+CFUN=1,1', lines: [] },
  ]);
  await simcomShim.reset(ch);
  ch.assertDone();
});

test('simcom dialect: SEND OK/SEND FAIL, SMS DONE, PB DONE, Call Ready, SMS Ready, *ATREADY, +CGEV:', () => {
  assert.equal(
    simcomShim.finals.map((f) => f.line),
    ['SEND OK', 'SEND FAIL'],
  );
  for (const p of ['SMS DONE', 'PB DONE', 'Call Ready', 'SMS Ready', '*ATREADY', '+CGEV:']) {
    assert.ok(simcomShim.urcPrefixes.includes(p), p);
  }
});

test('simcom-sim7600-cpsi-tenths: SIM7600 LTE values are tenths, SIM7080 CAT-M1 values whole', () => {
  assert.equal(
    resolveTraits(simcomShim, SIM7600).quirks.map((q) => q.id),
    ['simcom-sim7600-cpsi-tenths'],
  );
  assert.equal(resolveTraits(simcomShim, SIM7080).quirks, []);
  const lte = parseCpsiServingCell([
    '+CPSI: LTE,Online,505-02,0xCBE8,36519691,101,EUTRAN-BAND3,1800,5,5,-147,-1143,-764,11',
  ]);
  assert.equal(
    lte.ok && [lte.value.rsrqDb, lte.value.rsrpDbm, lte.value.rssiDbm, lte.value.sinrDb],
    [-14.7, -114.3, -76.4, 2],
  );
  const catm = parseCpsiServingCell([
    '+CPSI: LTE CAT-M1,Online,240-07,0x2AFE,34564631,149,EUTRAN-BAND20,6400,3,3,-12,-81,-52,10',
  ]);
  assert.equal(
    catm.ok && [catm.value.rsrqDb, catm.value.rsrpDbm, catm.value.rssiDbm, catm.value.sinrDb],
    [-12, -81, -52, 10],
  );
});

test.run();
