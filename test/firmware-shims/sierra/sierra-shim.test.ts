import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveTraits } from '../../../firmware-shims/index.js';
import { sierraShim } from '../../../firmware-shims/sierra/sierra-shim.js';
import type { ModemIdent } from '../../../modem/at/types.js';
import { hasCode } from '../../../modem/errors.js';
import { atError, channelError, cmeError, FakeAtChannel } from '../../fakes/fake-at-channel.js';

const EM7455: ModemIdent = {
  manufacturer: 'Sierra Wireless, Incorporated',
  model: 'EM7455',
  revision: 'SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 06:23:09',
};

test('sierra readIccid: AT!ICCID? answers !ICCID:', async () => {
  const ch = new FakeAtChannel([{ command: 'AT!ICCID?', lines: ['!ICCID: 89014103211118510720'] }]);
  assert.equal(await sierraShim.readIccid(ch), {
    ok: true,
    value: { iccid: '89014103211118510720', valid: true },
  });
  assert.equal(ch.sent, ['AT!ICCID?']);
  ch.assertDone();
});

test('sierra readIccid: AT!ICCID? refused, AT+CCID refused, AT+ICCID answers', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT!ICCID?', error: atError('AT!ICCID?') },
    { command: 'AT+CCID', error: atError('AT+CCID') },
    { command: 'AT+ICCID', lines: ['+ICCID: 89014103211118510720'] },
  ]);
  const r = await sierraShim.readIccid(ch);
  assert.equal(r.ok && r.value.iccid, '89014103211118510720');
  ch.assertDone();
});

test('sierra readServingCell: AT!GSTATUS?', async () => {
  const ch = new FakeAtChannel([
    {
      command: 'AT!GSTATUS?',
      lines: [
        '!GSTATUS:',
        'System mode:   LTE              PS state:    Attached',
        'LTE band:      B3               LTE bw:      15 MHz',
        'LTE Rx chan:   1392             LTE Tx chan: 19392',
        'PCC RxM RSSI:  -72              RSRP (dBm):  -105',
        'Tx Power:      --               TAC:         0E62 (3682)',
        'RSRQ (dB):     -14              Cell ID:     002AC602 (2803202)',
        'SINR (dB):      8.4',
      ],
    },
  ]);
  const r = await sierraShim.readServingCell(ch);
  assert.equal(r.ok && [r.value.band, r.value.earfcn, r.value.rsrpDbm, r.value.cellId], [
    'B3',
    1392,
    -105,
    2803202,
  ]);
  ch.assertDone();
});

test('sierra reset: AT!RESET, 10 s by default, the USB device dropping is success', async () => {
  const ch = new FakeAtChannel([{ command: 'AT!RESET', error: channelError('AT_PORT_CLOSED', 'AT!RESET') }]);
  await sierraShim.reset(ch);
  assert.equal(ch.options, [{ timeoutMs: 10_000 }]);
  ch.assertDone();
});

test('sierra-reset-password-protected: AT!RESET refused, AT!ENTERCND="A710" then AT!RESET again', async () => {
  assert.ok(resolveTraits(sierraShim, EM7455).quirks.some((q) => q.id === 'sierra-reset-password-protected'));
  const ch = new FakeAtChannel([
    { command: 'AT!RESET', error: atError('AT!RESET') },
    { command: 'AT!ENTERCND="A710"', lines: [] },
    { command: 'AT!RESET', error: channelError('AT_TIMEOUT', 'AT!RESET') },
  ]);
  await sierraShim.reset(ch, { timeoutMs: 4_000 });
  assert.equal(ch.options, [{ timeoutMs: 4_000 }, { timeoutMs: 4_000 }, { timeoutMs: 4_000 }]);
  ch.assertDone();
});

test('sierra-reset-password-protected: a wrong password rejects with its refusal', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT!RESET', error: atError('AT!RESET') },
    { command: 'AT!ENTERCND="A710"', error: cmeError('AT!ENTERCND="A710"', 16, 'incorrect password') },
  ]);
  try {
    await sierraShim.reset(ch);
    assert.unreachable('should reject');
  } catch (e) {
    assert.ok(hasCode(e, 'AT_CME'));
  }
  ch.assertDone();
});

test('sierra-ac860-c885-cfun-settle-10s: AC860 and C885 settle 10 s after +CFUN=1, EM7455 the family 5 s', () => {
  assert.is(
    resolveTraits(sierraShim, {
      manufacturer: 'Sierra Wireless, Incorporated',
      model: 'AC860',
      revision: null,
    }).traits.cfunSettleMs,
    10_000,
  );
  assert.is(
    resolveTraits(sierraShim, {
      manufacturer: 'Sierra Wireless, Incorporated',
      model: 'C885',
      revision: null,
    }).traits.cfunSettleMs,
    10_000,
  );
  assert.is(resolveTraits(sierraShim, EM7455).traits.cfunSettleMs, 5_000);
});

test('sierra dialect: +PACSP URC, no extra finals', () => {
  assert.equal(sierraShim.urcPrefixes, ['+PACSP']);
  assert.equal(sierraShim.finals, []);
});

test.run();
