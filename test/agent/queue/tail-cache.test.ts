/**
 * The tail cache and the lane table, pure: consecutive seqs, dropping from the front, limits of
 * collect; placement, rotation, rollback of what is not durable, lookup by seq.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { JournalRecord } from '../../../agent/queue/index.js';
import { LaneTable } from '../../../agent/queue/lane-table.js';
import { TailCache } from '../../../agent/queue/tail-cache.js';

const rec = (seq: number, bytes = 10): JournalRecord => ({
  lane: 'telemetry',
  seq,
  atMs: seq,
  payload: new Uint8Array(bytes),
});

test('TailCache keeps consecutive records, drops from the front and collects within limits', () => {
  const c = new TailCache();
  for (let s = 5; s <= 9; s++) c.push(rec(s));
  assert.equal([c.size, c.firstSeq(), c.bytes], [5, 5, 5 * 34]);
  const out: JournalRecord[] = [];
  assert.is(c.collect(4, out, 10, 1000, 0), false, 'seq 4 is not held');
  assert.is(c.collect(6, out, 3, 1000, 0), true);
  assert.equal(
    out.map((r) => r.seq),
    [6, 7, 8],
  );
  const few: JournalRecord[] = [];
  c.collect(6, few, 10, 25, 0);
  assert.equal(
    few.map((r) => r.seq),
    [6, 7],
    'maxBytes counts payload bytes',
  );
  c.dropBelow(8);
  assert.equal([c.size, c.firstSeq(), c.get(7), c.get(8)?.seq], [2, 8, undefined, 8]);
  c.push(rec(11));
  assert.equal([c.size, c.firstSeq()], [1, 11], 'a gap starts the cache over');
  assert.is(c.dropOldest(), 34);
  assert.equal([c.size, c.bytes, c.dropOldest()], [0, 0, 0]);
});

test('LaneTable places by size, rotates, rolls back what is not durable and finds records by seq', () => {
  const t = new LaneTable([], 0, 0, 4096);
  const p = Array.from({ length: 40 }, () => t.place(124));
  assert.equal(
    p.map((x) => x.seg.num),
    [...Array<number>(32).fill(1), ...Array<number>(8).fill(2)],
  );
  assert.equal(
    [p[0]?.seq, p[39]?.seq, p[0]?.endBytes, p[31]?.endBytes, p[32]?.isNewSegment],
    [1, 40, 132, 3976, true],
  );
  for (const x of p.slice(0, 35)) t.markDurable(x, 7);
  assert.is(t.lastSeq, 35);
  assert.equal(t.rollback(), { truncate: [{ num: 2, bytes: 8 + 3 * 124 }], unlink: [] });
  const again = t.place(124);
  assert.equal([again.seq, again.seg.num, again.endBytes], [36, 2, 8 + 4 * 124]);
  assert.is(t.locate(3)?.num, 1);
  assert.is(t.locate(33)?.num, 2);
  assert.is(t.locate(36), null, 'not durable yet');
  assert.equal([t.firstSeq(), t.records()], [1, 35]);
  const first = t.segs[0];
  if (first === undefined) return assert.unreachable('segment 1 is held');
  assert.is(t.payloadBytesFrom(first, 30), 2 * 100, 'frames 30 and 31 of segment 1');
});

test.run();
