import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_COMMAND_TIMEOUT_MS, timeoutFor } from '../../../modem/engine/timeouts.js';

test('per command class timeouts', () => {
  assert.is(timeoutFor('AT'), 1000);
  assert.is(timeoutFor('at'), 1000);
  assert.is(timeoutFor('AT+CPIN?'), 10_000);
  assert.is(timeoutFor('AT+COPS=?'), 315_000);
  assert.is(timeoutFor('AT+COPS=0'), 180_000);
  assert.is(timeoutFor('AT+COPS?'), DEFAULT_COMMAND_TIMEOUT_MS);
  assert.is(timeoutFor('AT+CGACT=1,1'), 150_000);
  assert.is(timeoutFor('AT+CFUN=1,1'), 30_000);
  assert.is(timeoutFor('ATS7=45'), 1000);
});

test('custom rules and default', () => {
  assert.is(timeoutFor('AT+CSQ', [{ match: /^AT\+CSQ/, timeoutMs: 77 }], 5), 77);
  assert.is(timeoutFor('AT+CGMI', [], 5), 5);
});

test.run();
