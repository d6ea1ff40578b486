import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type AttemptOutcome,
  backoffCapMs,
  FRESH_RETRY,
  nextDelayMs,
  planNextAttempt,
  type RetryState,
  recordOutcome,
} from '../../../agent/uplink/backoff.js';
import { seededRandom } from './seeded-random.js';

const CFG = { baseMs: 1000, maxMs: 300_000 };

test('the cap doubles from baseMs and stops at maxMs', () => {
  assert.equal(
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => backoffCapMs(n, CFG)),
    [1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000],
  );
  assert.is(backoffCapMs(5000, CFG), 300_000, '2^5000 is Infinity; the cap still holds');
  assert.is(backoffCapMs(-3, CFG), 1000, 'a negative attempt counts as the first');
});

test('delays are whole ms in [0, cap): the bounds of random01 included', () => {
  assert.is(nextDelayMs(0, CFG, 0), 0);
  assert.is(nextDelayMs(0, CFG, 0.5), 500);
  assert.is(nextDelayMs(3, CFG, 0.999_999_999), 7999);
  assert.is(nextDelayMs(3, CFG, 1), 7999, 'random01 = 1 would reach the cap; it is clamped below it');
  assert.is(nextDelayMs(3, CFG, -0.5), 0);
  assert.is(nextDelayMs(3, CFG, Number.NaN), 0);
  const rnd = seededRandom(1);
  for (let n = 0; n < 20; n++) {
    for (let i = 0; i < 500; i++) {
      const d = nextDelayMs(n, CFG, rnd());
      assert.ok(Number.isInteger(d) && d >= 0 && d < backoffCapMs(n, CFG), `attempt ${n}: ${d}`);
    }
  }
});

test('full jitter: delay/cap is uniform on [0, 1) (mean, variance, chi-square, KS on 20000 seeded draws)', () => {
  const rnd = seededRandom(20_240_601);
  const n = 20_000;
  const cap = backoffCapMs(8, CFG); // 256000 ms: fine enough that flooring does not bias the ratio
  const ratios = Array.from({ length: n }, () => nextDelayMs(8, CFG, rnd()) / cap);
  const mean = ratios.reduce((a, b) => a + b, 0) / n;
  const variance = ratios.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / 12) < 0.005, `variance ${variance}`);
  const bins = new Array<number>(10).fill(0);
  for (const r of ratios)
    bins[Math.min(9, Math.floor(r * 10))] = (bins[Math.min(9, Math.floor(r * 10))] ?? 0) + 1;
  const expected = n / 10;
  const chi2 = bins.reduce((a, o) => a + (o - expected) ** 2 / expected, 0);
  assert.ok(chi2 < 21.67, `chi-square ${chi2} over 9 degrees of freedom (p = 0.01 is 21.67)`);
  const sorted = [...ratios].sort((a, b) => a - b);
  const ks = sorted.reduce((m, x, i) => Math.max(m, Math.abs((i + 1) / n - x), Math.abs(x - i / n)), 0);
  assert.ok(ks < 1.63 / Math.sqrt(n), `KS ${ks} (p = 0.01 bound ${1.63 / Math.sqrt(n)})`);
  // Jitter, not a fixed step: many distinct values.
  assert.ok(new Set(ratios).size > n * 0.9);
});

test('the median delay doubles with each attempt until the cap', () => {
  const rnd = seededRandom(7);
  const medians = [0, 1, 2, 3, 4].map((k) => {
    const ds = Array.from({ length: 2001 }, () => nextDelayMs(k, { baseMs: 100, maxMs: 1000 }, rnd())).sort(
      (a, b) => a - b,
    );
    return ds[1000] ?? 0;
  });
  // caps 100, 200, 400, 800, 1000: medians near half of each
  const expected = [50, 100, 200, 400, 500];
  medians.forEach((m, i) => {
    assert.ok(Math.abs(m - (expected[i] ?? 0)) <= (expected[i] ?? 0) * 0.1, `attempt ${i}: ${m}`);
  });
});

/** Runs outcomes through the state machine, returning [broker, exponent] for each planned attempt. */
function walk(outcomes: AttemptOutcome[], brokers: number): [number, number][] {
  let s: RetryState = FRESH_RETRY;
  const out: [number, number][] = [];
  for (const o of outcomes) {
    const p = planNextAttempt(s, brokers, CFG, 0.5);
    out.push([p.brokerIndex, p.exponent]);
    s = recordOutcome(s, o, brokers);
  }
  const last = planNextAttempt(s, brokers, CFG, 0.5);
  out.push([last.brokerIndex, last.exponent]);
  return out;
}

const FAIL: AttemptOutcome = { kind: 'failed' };

test('the first attempt goes to broker 0 at once', () => {
  assert.equal(planNextAttempt(FRESH_RETRY, 3, CFG, 0.9), {
    brokerIndex: 0,
    delayMs: 0,
    capMs: 0,
    exponent: 0,
  });
});

test('one broker: every failure doubles the cap', () => {
  assert.equal(walk([FAIL, FAIL, FAIL, FAIL], 1), [
    [0, 0],
    [0, 0],
    [0, 1],
    [0, 2],
    [0, 3],
  ]);
});

test('failover: a failure moves to the next broker in order, wrapping; the cap doubles once per round', () => {
  assert.equal(walk([FAIL, FAIL, FAIL, FAIL, FAIL, FAIL, FAIL], 3), [
    [0, 0],
    [1, 0],
    [2, 0],
    [0, 0],
    [1, 1],
    [2, 1],
    [0, 1],
    [1, 2],
  ]);
});

test('a dropped session retries the same broker; only a stable one resets the back-off', () => {
  const early: AttemptOutcome = { kind: 'dropped', wasStable: false };
  const stable: AttemptOutcome = { kind: 'dropped', wasStable: true };
  // connect to broker 1 after one failure at 0, then drop early three times, then a stable session
  assert.equal(walk([FAIL, early, early, early, stable], 2), [
    [0, 0],
    [1, 0],
    [1, 0],
    [1, 1],
    [1, 1],
    [1, 0],
  ]);
  const s = recordOutcome({ brokerIndex: 1, failures: 9, isImmediate: false }, stable, 2);
  assert.equal(s, { brokerIndex: 1, failures: 1, isImmediate: false });
  const p = planNextAttempt(s, 2, CFG, 0.25);
  assert.equal(
    p,
    { brokerIndex: 1, delayMs: 250, capMs: 1000, exponent: 0 },
    'even after a stable session the retry is jittered',
  );
});

test('a veto keeps the broker and still backs off', () => {
  const veto: AttemptOutcome = { kind: 'vetoed' };
  assert.equal(walk([veto, veto, veto], 2), [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 1],
  ]);
});

test('a requested reconnect goes at once to the same broker and keeps the failure count', () => {
  const s = recordOutcome({ brokerIndex: 1, failures: 5, isImmediate: false }, { kind: 'requested' }, 2);
  assert.equal(s, { brokerIndex: 1, failures: 5, isImmediate: true });
  assert.equal(planNextAttempt(s, 2, CFG, 0.7), { brokerIndex: 1, delayMs: 0, capMs: 0, exponent: 0 });
  const after = recordOutcome(s, FAIL, 2);
  assert.is(planNextAttempt(after, 2, CFG, 0.5).exponent, 2, 'a failure after it continues the back-off');
});

test('misuse throws TypeError', () => {
  assert.throws(() => planNextAttempt(FRESH_RETRY, 0, CFG, 0.5), TypeError);
  assert.throws(() => recordOutcome(FRESH_RETRY, FAIL, 0), TypeError);
});

test.run();
