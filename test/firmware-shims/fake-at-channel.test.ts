import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasCode } from '../../modem/errors.js';
import { atError, FakeAtChannel } from '../fakes/fake-at-channel.js';

test('FakeAtChannel: answers steps in order with OK and records what was sent', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+CGMI', lines: ['Quectel'] },
    { command: 'AT+CGMM', lines: ['EC25'] },
  ]);
  assert.equal(await ch.send('AT+CGMI'), { command: 'AT+CGMI', lines: ['Quectel'], final: 'OK' });
  assert.equal((await ch.send('AT+CGMM', { timeoutMs: 300 })).lines, ['EC25']);
  assert.equal(ch.sent, ['AT+CGMI', 'AT+CGMM']);
  assert.equal(ch.options, [undefined, { timeoutMs: 300 }]);
  ch.assertDone();
});

test('FakeAtChannel: an error step rejects with that error', async () => {
  const ch = new FakeAtChannel([{ command: 'AT+QCCID', error: atError('AT+QCCID') }]);
  try {
    await ch.send('AT+QCCID');
    assert.unreachable('should reject');
  } catch (e) {
    assert.ok(hasCode(e, 'AT_ERROR'));
  }
  ch.assertDone();
});

test('FakeAtChannel: an unplanned command rejects with AT_BAD_COMMAND and fails assertDone', async () => {
  const ch = new FakeAtChannel([{ command: 'AT+CCID', lines: [] }]);
  try {
    await ch.send('AT+CICCID');
    assert.unreachable('should reject');
  } catch (e) {
    assert.ok(hasCode(e, 'AT_BAD_COMMAND'));
  }
  assert.equal(ch.unplanned, ['AT+CICCID']);
  assert.throws(() => ch.assertDone(), /never sent: AT\+CCID; unplanned: AT\+CICCID/);
});

test('FakeAtChannel: assertDone lists steps never used', () => {
  const ch = new FakeAtChannel([{ command: 'AT!RESET', lines: [] }]);
  assert.throws(() => ch.assertDone(), /never sent: AT!RESET/);
});

test.run();
