import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sendReset, sendResetWithFallback } from '../../../firmware-shims/generic/soft-reset.js';
import { hasCode } from '../../../modem/errors.js';
import { atError, channelError, FakeAtChannel } from '../../fakes/fake-at-channel.js';

test('sendReset: OK resolves; timeoutMs option is passed to the channel', async () => {
  const ch = new FakeAtChannel([{ command: 'AT+CFUN=1,1', lines: [] }]);
  await sendReset(ch, 'AT+CFUN=1,1', { timeoutMs: 2_500 }, 15_000);
  assert.equal(ch.options, [{ timeoutMs: 2_500 }]);
  ch.assertDone();
});

test('sendReset: the signal is passed along with the default timeout', async () => {
  const ac = new AbortController();
  const ch = new FakeAtChannel([{ command: 'AT#REBOOT', lines: [] }]);
  await sendReset(ch, 'AT#REBOOT', { signal: ac.signal }, 8_000);
  assert.equal(ch.options, [{ timeoutMs: 8_000, signal: ac.signal }]);
});

test('sendReset: a timeout after the write counts as success (the modem dropped off the bus)', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+CFUN=1,1', error: channelError('AT_TIMEOUT', 'AT+CFUN=1,1') },
  ]);
  await sendReset(ch, 'AT+CFUN=1,1', undefined, 15_000);
  ch.assertDone();
});

test('sendReset: a closed port after the write counts as success', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+CRESET', error: channelError('AT_PORT_CLOSED', 'AT+CRESET') },
  ]);
  await sendReset(ch, 'AT+CRESET', undefined, 15_000);
  ch.assertDone();
});

test('sendReset: a refusal rejects', async () => {
  const ch = new FakeAtChannel([{ command: 'AT+CRESET', error: atError('AT+CRESET') }]);
  try {
    await sendReset(ch, 'AT+CRESET', undefined, 15_000);
    assert.unreachable('should reject');
  } catch (e) {
    assert.ok(hasCode(e, 'AT_ERROR'));
  }
});

test('sendResetWithFallback: a refusal moves to the next command', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+CRESET', error: atError('AT+CRESET') },
    { command: 'AT+CFUN=1,1', lines: [] },
  ]);
  await sendResetWithFallback(ch, ['AT+CRESET', 'AT+CFUN=1,1'], undefined, 15_000);
  assert.equal(ch.sent, ['AT+CRESET', 'AT+CFUN=1,1']);
  ch.assertDone();
});

test('sendResetWithFallback: the last refusal rejects', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+CFUN=16', error: atError('AT+CFUN=16') },
    { command: 'AT+CFUN=15', error: atError('AT+CFUN=15') },
  ]);
  try {
    await sendResetWithFallback(ch, ['AT+CFUN=16', 'AT+CFUN=15'], undefined, 15_000);
    assert.unreachable('should reject');
  } catch (e) {
    assert.ok(hasCode(e, 'AT_ERROR'));
  }
  ch.assertDone();
});

test('sendResetWithFallback: an aborted command propagates without trying the next', async () => {
  const ch = new FakeAtChannel([{ command: 'AT+CFUN=16', error: channelError('AT_ABORTED', 'AT+CFUN=16') }]);
  try {
    await sendResetWithFallback(ch, ['AT+CFUN=16', 'AT+CFUN=15'], undefined, 15_000);
    assert.unreachable('should reject');
  } catch (e) {
    assert.ok(hasCode(e, 'AT_ABORTED'));
  }
  assert.equal(ch.sent, ['AT+CFUN=16']);
});

test('sendResetWithFallback: no commands is a programming error', async () => {
  try {
    await sendResetWithFallback(new FakeAtChannel([]), [], undefined, 15_000);
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, TypeError);
  }
});

test.run();
