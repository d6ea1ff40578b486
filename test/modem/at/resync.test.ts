import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nextNonce, resyncCommands, startResync, stepResync } from '../../../modem/at/resync.js';
import { GENERIC_DIALECT } from '../../../modem/at/urc.js';

function feed(nonce: number, lines: string[]) {
  let s = startResync(nonce);
  const outcomes: string[] = [];
  for (const l of lines) {
    const r = stepResync(s, l, GENERIC_DIALECT);
    s = r.state;
    outcomes.push(r.outcome);
  }
  return { s, outcomes };
}

test('synced only on the nonce followed by OK', () => {
  const { outcomes } = feed(45, ['OK', 'OK', '045', 'OK']);
  assert.equal(outcomes, ['pending', 'pending', 'pending', 'synced']);
});

test('a late reply before the readback is discarded, counted', () => {
  const { s, outcomes } = feed(7, ['+CSQ: 17,99', 'OK', 'OK', '007', 'OK']);
  assert.is(outcomes.at(-1), 'synced');
  assert.is(s.discarded, 3);
});

test('a readback of another value never syncs (old S7 value from a late ATS7?)', () => {
  const { outcomes } = feed(46, ['045', 'OK']);
  assert.equal(outcomes, ['pending', 'pending']);
});

test('nonce followed by ERROR is not a sync', () => {
  const { outcomes } = feed(12, ['012', 'ERROR', 'OK']);
  assert.equal(outcomes, ['pending', 'pending', 'pending']);
});

test('a URC between the nonce and OK does not break the sync', () => {
  const { outcomes } = feed(12, ['012', '+CEREG: 1', 'OK']);
  assert.is(outcomes.at(-1), 'synced');
});

test('nonce unpadded is accepted (firmware that skips V.250 zero padding)', () => {
  assert.is(feed(5, ['5', 'OK']).outcomes.at(-1), 'synced');
});

test('nextNonce stays in 1..254 and never repeats the previous one', () => {
  for (let i = 0; i < 1000; i++) {
    const r = i / 1000;
    const prev = 1 + Math.floor(r * 254);
    const n = nextNonce(prev, r);
    assert.ok(n >= 1 && n <= 254, `n=${n}`);
    assert.is.not(n, prev);
  }
  assert.is(nextNonce(null, 0), 1);
});

test('resync commands use S7', () => {
  assert.equal(resyncCommands(99), ['ATS7=99', 'ATS7?']);
});

test.run();
