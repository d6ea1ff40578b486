import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveTraits, selectShim } from '../../../firmware-shims/index.js';
import { ubloxShim } from '../../../firmware-shims/ublox/ublox-shim.js';
import { ubloxVariant } from '../../../firmware-shims/ublox/ublox-variant.js';
import type { ModemIdent } from '../../../modem/at/types.js';
import { atError, channelError, cmeError, FakeAtChannel } from '../../fakes/fake-at-channel.js';

const R410M: ModemIdent = {
  manufacturer: 'u-blox',
  model: 'SARA-R410M-02B',
  revision: 'L0.0.00.00.05.06 [Feb 03 2018 13:00:41]',
};
const R412M: ModemIdent = { manufacturer: 'u-blox', model: 'SARA-R412M-02B', revision: null };
const R422: ModemIdent = { manufacturer: 'u-blox', model: 'SARA-R422M8S', revision: null };
const R510: ModemIdent = { manufacturer: 'u-blox', model: 'SARA-R510M8S', revision: null };
const R4_MODE5 = ['+RSRP: 476,5110,"-096.50",', '+RSRQ: 476,5110,"-20.00",'];
const R5_MODE2 = [
  '+UCGED: 2',
  '6,4,001,01',
  '2525,5,50,50,e8fe,1a2d001,1,d60814d1,8001,01,28,31,13.75,3,1,10,28,-50,-6,0,255,255,0',
];

test('ubloxVariant: SARA-R4xx, SARA-R5xx, others unknown', () => {
  assert.is(ubloxVariant(R410M), 'sara-r4');
  assert.is(ubloxVariant(R510), 'sara-r5');
  assert.is(ubloxVariant({ manufacturer: 'u-blox', model: 'LARA-R6001', revision: null }), 'unknown');
  assert.is(
    ubloxVariant({ manufacturer: null, model: null, revision: null }, ['Model: SARA-R410M-02B']),
    'sara-r4',
  );
});

test('ublox readIccid: AT+CCID answers +CCID:', async () => {
  const ch = new FakeAtChannel([{ command: 'AT+CCID', lines: ['+CCID: 89610135002619526296'] }]);
  assert.equal(await ubloxShim.readIccid(ch), {
    ok: true,
    value: { iccid: '89610135002619526296', valid: false },
  });
  assert.equal(ch.sent, ['AT+CCID']);
  ch.assertDone();
});

test('ublox readIccid: AT+CCID refused, AT+ICCID answers (generic fallback, no duplicate AT+CCID)', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+CCID', error: atError('AT+CCID') },
    { command: 'AT+ICCID', lines: ['ICCID: 89490200001234567892'] },
  ]);
  const r = await ubloxShim.readIccid(ch);
  assert.equal(r.ok && r.value.iccid, '89490200001234567892');
  ch.assertDone();
});

test('ublox-sara-r4-ucged5-only: reporting off, the SARA-R4 shim enables mode 5 and reads +RSRP/+RSRQ', async () => {
  assert.ok(resolveTraits(ubloxShim, R410M).quirks.some((q) => q.id === 'ublox-sara-r4-ucged5-only'));
  assert.not.ok(resolveTraits(ubloxShim, R422).quirks.some((q) => q.id === 'ublox-sara-r4-ucged5-only'));
  const ch = new FakeAtChannel([
    { command: 'AT+UCGED?', lines: ['+UCGED: 0'] },
    { command: 'AT+UCGED=5', lines: [] },
    { command: 'AT+UCGED?', lines: R4_MODE5 },
  ]);
  const r = await selectShim(R410M, []).readServingCell(ch);
  assert.equal(
    r.ok && [r.value.pci, r.value.earfcn, r.value.rsrpDbm, r.value.rsrqDb],
    [476, 5110, -96.5, -20],
  );
  ch.assertDone();
});

test('ublox SARA-R5 readServingCell: mode 2 already on, one query', async () => {
  const ch = new FakeAtChannel([{ command: 'AT+UCGED?', lines: R5_MODE2 }]);
  const r = await selectShim(R510, []).readServingCell(ch);
  assert.equal(r.ok && [r.value.rat, r.value.band, r.value.rsrpDbm], ['cat-m', 'B5', -113]);
  ch.assertDone();
});

test('ublox SARA-R5 readServingCell: reporting off, enables mode 2', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+UCGED?', lines: ['+UCGED: 0'] },
    { command: 'AT+UCGED=2', lines: [] },
    { command: 'AT+UCGED?', lines: R5_MODE2 },
  ]);
  const r = await selectShim(R510, []).readServingCell(ch);
  assert.ok(r.ok);
  ch.assertDone();
});

test('ublox model-agnostic readServingCell: query refused, mode 2 refused, mode 5 accepted', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+UCGED?', error: atError('AT+UCGED?') },
    { command: 'AT+UCGED=2', error: cmeError('AT+UCGED=2', 4, 'operation not supported') },
    { command: 'AT+UCGED=5', lines: [] },
    { command: 'AT+UCGED?', lines: R4_MODE5 },
  ]);
  const r = await ubloxShim.readServingCell(ch);
  assert.equal(r.ok && r.value.pci, 476);
  ch.assertDone();
});

test('ublox readServingCell: not registered is reported without touching the mode', async () => {
  const ch = new FakeAtChannel([
    {
      command: 'AT+UCGED?',
      lines: [
        '+UCGED: 2',
        '6,2,fff,fff',
        '65535,255,255,255,ffff,0000000,65535,00000000,ffff,ff,255,255,255,1,255,255,255,255,255,0,255,255,0',
      ],
    },
  ]);
  assert.equal(await selectShim(R510, []).readServingCell(ch), {
    ok: false,
    reason: '+UCGED: no serving cell (svc 2)',
  });
  ch.assertDone();
});

test('ublox readServingCell: no mode can be enabled, both refusals named', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+UCGED?', error: atError('AT+UCGED?') },
    { command: 'AT+UCGED=2', error: atError('AT+UCGED=2') },
    { command: 'AT+UCGED=5', error: atError('AT+UCGED=5') },
  ]);
  assert.equal(await ubloxShim.readServingCell(ch), {
    ok: false,
    reason: '+UCGED: reporting could not be enabled: AT+UCGED?: ERROR; AT+UCGED=2: ERROR; AT+UCGED=5: ERROR',
  });
  ch.assertDone();
});

test('ublox-sara-r4-reboot-cfun15: SARA-R4 resets with AT+CFUN=15', async () => {
  assert.ok(resolveTraits(ubloxShim, R410M).quirks.some((q) => q.id === 'ublox-sara-r4-reboot-cfun15'));
  const ch = new FakeAtChannel([{ command: 'AT+CFUN=15', error: channelError('AT_TIMEOUT', 'AT+CFUN=15') }]);
  await selectShim(R410M, []).reset(ch);
  ch.assertDone();
});

test('ublox reset: SARA-R5 AT+CFUN=16; model-agnostic 16 refused then 15', async () => {
  const r5 = new FakeAtChannel([{ command: 'AT+CFUN=16', lines: [] }]);
  await selectShim(R510, []).reset(r5);
  r5.assertDone();
  const any = new FakeAtChannel([
    { command: 'AT+CFUN=16', error: atError('AT+CFUN=16') },
    { command: 'AT+CFUN=15', lines: [] },
  ]);
  await ubloxShim.reset(any, { timeoutMs: 20_000 });
  assert.equal(any.options, [{ timeoutMs: 20_000 }, { timeoutMs: 20_000 }]);
  any.assertDone();
});

test('ublox-sara-r5-reboot-15s: SARA-R5 resetRecoverMs 15000; SARA-R410M keeps the family 5000', () => {
  assert.is(resolveTraits(ubloxShim, R510).traits.resetRecoverMs, 15_000);
  assert.is(resolveTraits(ubloxShim, R410M).traits.resetRecoverMs, 5_000);
});

test('ublox-sara-r412m-r422-reboot-10s: SARA-R412M and SARA-R422 resetRecoverMs 10000', () => {
  assert.is(resolveTraits(ubloxShim, R412M).traits.resetRecoverMs, 10_000);
  assert.is(resolveTraits(ubloxShim, R422).traits.resetRecoverMs, 10_000);
});

test('ublox dialect: socket and PSD URCs', () => {
  for (const p of ['+UUSORD:', '+UUPSDA:', '+UUSOCL:']) assert.ok(ubloxShim.urcPrefixes.includes(p), p);
  assert.equal(ubloxShim.finals, []);
});

test('ublox-sara-r410m-act8-catm: R410M-02B reads <AcT> 8 as Cat-M1; R5 and R410M-52B do not', () => {
  assert.is(resolveTraits(ubloxShim, R410M).traits.isAct8CatM, true);
  assert.is(resolveTraits(ubloxShim, R510).traits.isAct8CatM, false);
  assert.is(resolveTraits(ubloxShim, { ...R410M, model: 'SARA-R410M-52B' }).traits.isAct8CatM, false);
});

test.run();
