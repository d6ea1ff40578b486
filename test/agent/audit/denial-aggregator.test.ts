import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  addDenial,
  type DenialState,
  denialEvent,
  drainDenials,
  EMPTY_DENIALS,
  flushDenials,
} from '../../../agent/audit/denial-aggregator.js';

const OPTS = { windowMs: 60_000, maxKeys: 3 };

function feed(state: DenialState, sensor: string, rule: string, times: readonly number[]) {
  let s = state;
  const closed = [];
  for (const t of times) {
    const step = addDenial(s, { sensor, rule, reason: `r${t}` }, t, OPTS);
    s = step.state;
    closed.push(...step.closed);
  }
  return { state: s, closed };
}

test('a storm becomes one summary per sensor and rule per window, with the count', () => {
  const a = feed(EMPTY_DENIALS, 's1', 'pub', [1000, 1100, 1200, 59_999]);
  assert.equal(a.closed, []);
  const b = feed(a.state, 's2', 'pub', [2000]);
  const f = flushDenials(b.state, 61_000, OPTS);
  assert.equal(f.closed, [
    {
      sensor: 's1',
      rule: 'pub',
      count: 4,
      firstMs: 1000,
      lastMs: 59_999,
      windowMs: 60_000,
      reason: 'r59999',
    },
  ]);
  // s2 opened at 2000: still open until 62 000.
  assert.equal(flushDenials(f.state, 61_999, OPTS).closed, []);
  assert.is(flushDenials(f.state, 62_000, OPTS).closed[0]?.count, 1);
});

test('a denial after the window closes the old one and opens a new one', () => {
  const a = feed(EMPTY_DENIALS, 's1', 'pub', [0, 10]);
  const b = addDenial(a.state, { sensor: 's1', rule: 'pub' }, 60_000, OPTS);
  assert.is(b.closed.length, 1);
  assert.is(b.closed[0]?.count, 2);
  assert.is(b.state.windows.size, 1);
  assert.is(drainDenials(b.state, OPTS).closed[0]?.firstMs, 60_000);
});

test('the state is not mutated (pure)', () => {
  const a = feed(EMPTY_DENIALS, 's1', 'pub', [0]);
  addDenial(a.state, { sensor: 's1', rule: 'pub' }, 5, OPTS);
  assert.is(a.state.windows.values().next().value?.count, 1);
  assert.is(EMPTY_DENIALS.windows.size, 0);
});

test('beyond maxKeys new keys fold into one * window', () => {
  let s: DenialState = EMPTY_DENIALS;
  for (const sensor of ['a', 'b', 'c', 'd', 'e']) s = addDenial(s, { sensor, rule: 'x' }, 0, OPTS).state;
  const d = drainDenials(s, OPTS).closed;
  assert.equal(
    d.map((x) => `${x.sensor}:${x.count}`),
    ['*:2', 'a:1', 'b:1', 'c:1'],
  );
  assert.equal(
    denialEvent(
      d[0] ?? { sensor: '', rule: '', count: 0, firstMs: 0, lastMs: 0, windowMs: 0, reason: undefined },
    ),
    {
      ev: 'policy.denied',
      actor: 'sensor:*',
      subject: 'rule:*',
      outcome: 'denied',
      data: { count: 2, firstMs: 0, lastMs: 0, windowMs: 60_000 },
    },
  );
});

test('denialEvent names the sensor and rule and carries the last reason', () => {
  const d = drainDenials(feed(EMPTY_DENIALS, 'th-12', 'topic-acl', [5, 7]).state, OPTS).closed[0];
  if (d === undefined) throw new Error('no summary');
  assert.equal(denialEvent(d), {
    ev: 'policy.denied',
    actor: 'sensor:th-12',
    subject: 'rule:topic-acl',
    outcome: 'denied',
    reason: 'r7',
    data: { count: 2, firstMs: 5, lastMs: 7, windowMs: 60_000 },
  });
});

test.run();
