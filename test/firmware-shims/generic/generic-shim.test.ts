import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { genericShim } from '../../../firmware-shims/generic/generic-shim.js';
import { hasCode } from '../../../modem/errors.js';
import { atError, channelError, cmeError, FakeAtChannel } from '../../fakes/fake-at-channel.js';

const CRSM = 'AT+CRSM=176,12258,0,0,10';

test('generic readIccid: AT+CCID answers, nothing else is sent', async () => {
  const ch = new FakeAtChannel([{ command: 'AT+CCID', lines: ['+CCID: 89441100000000000009'] }]);
  assert.equal(await genericShim.readIccid(ch), {
    ok: true,
    value: { iccid: '89441100000000000009', valid: true },
  });
  assert.equal(ch.sent, ['AT+CCID']);
  ch.assertDone();
});

test('generic readIccid: AT+CCID refused (ERROR) falls back to AT+ICCID', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+CCID', error: atError('AT+CCID') },
    { command: 'AT+ICCID', lines: ['+ICCID: 89441100000000000009'] },
  ]);
  assert.equal(await genericShim.readIccid(ch), {
    ok: true,
    value: { iccid: '89441100000000000009', valid: true },
  });
  assert.equal(ch.sent, ['AT+CCID', 'AT+ICCID']);
  ch.assertDone();
});

test('generic readIccid: both refused, EF_ICCID read with +CRSM (swapped BCD, F filler)', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+CCID', error: cmeError('AT+CCID', 4, 'operation not supported') },
    { command: 'AT+ICCID', error: atError('AT+ICCID') },
    { command: CRSM, lines: ['+CRSM: 144,0,"989401000000000000F9"'] },
  ]);
  assert.equal(await genericShim.readIccid(ch), {
    ok: true,
    value: { iccid: '8949100000000000009', valid: true },
  });
  ch.assertDone();
});

test('generic readIccid: an answer without an ICCID moves on like a refusal', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+CCID', lines: [] },
    { command: 'AT+ICCID', lines: ['ICCID: 89441100000000000009'] },
  ]);
  assert.equal(await genericShim.readIccid(ch), {
    ok: true,
    value: { iccid: '89441100000000000009', valid: true },
  });
  ch.assertDone();
});

test('generic readIccid: all three fail, the reason names each command and why', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+CCID', error: atError('AT+CCID') },
    { command: 'AT+ICCID', error: cmeError('AT+ICCID', 10, 'SIM not inserted') },
    { command: CRSM, lines: ['+CRSM: 106,130,""'] },
  ]);
  assert.equal(await genericShim.readIccid(ch), {
    ok: false,
    reason:
      'ICCID not read: AT+CCID: ERROR; AT+ICCID: +CME ERROR: 10 (SIM not inserted); ' +
      'AT+CRSM=176,12258,0,0,10: +CRSM: SIM refused the read, sw1=106 sw2=130 (0x6A82)',
  });
  ch.assertDone();
});

test('generic readIccid: a timeout is not a refusal: it propagates and nothing more is sent', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+CCID', error: channelError('AT_TIMEOUT', 'AT+CCID', { phase: 'final' }) },
  ]);
  try {
    await genericShim.readIccid(ch);
    assert.unreachable('should reject');
  } catch (e) {
    assert.ok(hasCode(e, 'AT_TIMEOUT'));
  }
  assert.equal(ch.sent, ['AT+CCID']);
  ch.assertDone();
});

test('generic readServingCell: not supported, nothing sent', async () => {
  const ch = new FakeAtChannel([]);
  assert.equal(await genericShim.readServingCell(ch), {
    ok: false,
    reason: 'serving cell query is not supported by generic 27.007',
  });
  assert.equal(ch.sent, []);
});

test('generic detect: scores 1 for anything, so any vendor match wins', () => {
  assert.is(genericShim.detect({ manufacturer: null, model: null, revision: null }, []), 1);
  assert.is(
    genericShim.detect({ manufacturer: 'Quectel', model: 'EC25', revision: 'EC25EFAR06A06M4G' }, []),
    1,
  );
});

test('generic reset: AT+CFUN=1,1 with the 15 s default timeout', async () => {
  const ch = new FakeAtChannel([{ command: 'AT+CFUN=1,1', lines: [] }]);
  await genericShim.reset(ch);
  assert.equal(ch.options, [{ timeoutMs: 15_000 }]);
  ch.assertDone();
});

test.run();
