/**
 * The benchmark's ledger: what counts as delivered, duplicate, lost and unknown, and the latency
 * percentiles, from hand-made histories.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { percentile, ReadingLedger } from '../../../hil/bench/data-path/ledger.js';

test('evenQuotas splits a total with the remainder on the first sensors', () => {
  assert.equal(ReadingLedger.evenQuotas(10, 3), [4, 3, 3]);
  assert.equal(ReadingLedger.evenQuotas(2, 4), [1, 1, 0, 0]);
  assert.equal(ReadingLedger.evenQuotas(0, 2), [0, 0]);
});

test('a full history: delivered, duplicate, lost after the ack, unacked, unknown arrivals', () => {
  const l = new ReadingLedger(['s1', 's2'], [3, 2]);
  // s1: seq 1..3 sent and acked; 1 arrives twice, 2 once, 3 never (lost after the ack).
  for (const seq of [1, 2, 3]) {
    l.markSent(0, seq, 100 + seq);
    l.markAcked(0, seq, 110 + seq);
  }
  assert.is(l.markArrived('s1', 1, 200), 'first');
  assert.is(l.markArrived('s1', 1, 250), 'duplicate');
  assert.is(l.markArrived('s1', 2, 300), 'first');
  // s2: seq 1 sent, never acked, yet delivered; seq 2 never sent.
  l.markSent(1, 1, 150);
  assert.is(l.markArrived('s2', 1, 400), 'first');
  assert.is(l.markArrived('s2', 2, 401), 'unknown', 'not sent');
  assert.is(l.markArrived('s9', 1, 402), 'unknown', 'no such sensor');
  assert.is(l.markArrived('s1', 4, 403), 'unknown', 'past the quota');
  assert.is(l.markArrived('s1', -1, 404), 'unknown', 'negative');
  assert.is(l.deliveredCount, 3);
  assert.is(l.ackedCount, 3);
  assert.is(l.hasAllAcked(), false);
  const s = l.summarize(300);
  assert.equal(
    {
      sent: s.sent,
      acked: s.acked,
      delivered: s.delivered,
      duplicates: s.duplicates,
      lostAcked: s.lostAcked,
      unacked: s.unacked,
      unknown: s.unknown,
      deliveredInWindow: s.deliveredInWindow,
      firstSentMs: s.firstSentMs,
      lastArrivalMs: s.lastArrivalMs,
      lastAckedMs: s.lastAckedMs,
    },
    {
      sent: 4,
      acked: 3,
      delivered: 3,
      duplicates: 1,
      lostAcked: 1,
      unacked: 1,
      unknown: 4,
      deliveredInWindow: 2,
      firstSentMs: 101,
      lastArrivalMs: 400,
      lastAckedMs: 113,
    },
  );
  // Latencies: s1/1 = 99, s1/2 = 198, s2/1 = 250 (first arrivals only).
  assert.equal(s.latencyMs, { p50: 198, p99: 250, max: 250 });
});

test('the warm-up reading (seq 0) stays out of every figure', () => {
  const l = new ReadingLedger(['s1', 's2'], [1, 1]);
  assert.is(l.isWarm(), false);
  for (const i of [0, 1]) {
    l.markSent(i, 0, 1);
    l.markAcked(i, 0, 2);
  }
  l.markArrived('s1', 0, 3);
  assert.equal(l.coldSensors(), ['s2']);
  l.markArrived('s2', 0, 4);
  assert.is(l.isWarm(), true);
  const s = l.summarize();
  assert.equal([s.sent, s.acked, s.delivered, l.deliveredCount, l.ackedCount], [0, 0, 0, 0, 0]);
  assert.is(s.latencyMs, null);
  assert.is(s.firstSentMs, null);
  assert.is(l.hasAllAcked(), true);
});

test('an ack counts once however often it is marked', () => {
  const l = new ReadingLedger(['s1'], [1]);
  l.markSent(0, 1, 1);
  l.markAcked(0, 1, 2);
  l.markAcked(0, 1, 3);
  assert.is(l.ackedCount, 1);
  assert.is(l.summarize().lastAckedMs, 2);
});

test('percentile is nearest-rank', () => {
  const xs = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.is(percentile(xs, 50), 5);
  assert.is(percentile(xs, 99), 10);
  assert.is(percentile(xs, 0), 1);
  assert.is(percentile(Float64Array.from([7]), 99), 7);
  assert.ok(Number.isNaN(percentile(new Float64Array(0), 50)));
});

test('one quota per sensor is required', () => {
  assert.throws(() => new ReadingLedger(['s1', 's2'], [1]), /one quota per sensor/);
});

test.run();
