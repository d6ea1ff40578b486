import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { takeToken } from '../../../agent/policy/token-bucket.js';
import type { BucketState } from '../../../agent/policy/types.js';

const rate = { ratePerS: 10, burst: 3 };

test('a new bucket is full: burst passes, then the next is refused with the wait', () => {
  let state: BucketState | undefined;
  const allowed: boolean[] = [];
  for (let i = 0; i < 3; i++) {
    const r = takeToken(state, 1000, rate);
    allowed.push(r.isAllowed);
    state = r.state;
  }
  assert.equal(allowed, [true, true, true]);
  assert.equal(state, { tokens: 0, updatedAtMs: 1000 });
  const refused = takeToken(state, 1000, rate);
  assert.equal(refused, { state: { tokens: 0, updatedAtMs: 1000 }, isAllowed: false, retryAfterMs: 100 });
});

test('tokens refill with time: half a token after 50 ms, one after 100 ms', () => {
  const empty = { tokens: 0, updatedAtMs: 1000 };
  const half = takeToken(empty, 1050, rate);
  assert.equal(half, { state: { tokens: 0.5, updatedAtMs: 1050 }, isAllowed: false, retryAfterMs: 50 });
  const whole = takeToken(half.state, 1100, rate);
  assert.equal(whole, { state: { tokens: 0, updatedAtMs: 1100 }, isAllowed: true, retryAfterMs: 0 });
});

test('refill stops at burst', () => {
  const r = takeToken({ tokens: 0, updatedAtMs: 0 }, 60_000, rate);
  assert.equal(r, { state: { tokens: 2, updatedAtMs: 60_000 }, isAllowed: true, retryAfterMs: 0 });
});

test('a clock step back grants nothing and restarts the bucket clock', () => {
  const back = takeToken({ tokens: 0, updatedAtMs: 5000 }, 1000, rate);
  assert.equal(back, { state: { tokens: 0, updatedAtMs: 1000 }, isAllowed: false, retryAfterMs: 100 });
  const later = takeToken(back.state, 1100, rate);
  assert.is(later.isAllowed, true);
});

test('slow rates: 0.5/s needs 2000 ms for a token', () => {
  const r = takeToken({ tokens: 0, updatedAtMs: 0 }, 0, { ratePerS: 0.5, burst: 1 });
  assert.is(r.retryAfterMs, 2000);
});

test('a bad rate is a programmer mistake', () => {
  assert.throws(() => takeToken(undefined, 0, { ratePerS: 0, burst: 1 }), TypeError);
  assert.throws(() => takeToken(undefined, 0, { ratePerS: 1, burst: 0 }), TypeError);
});

test.run();
