/**
 * The journal on real files: seqs per lane and across reopen, lanes read independently, read
 * limits, the tail cache, stats, onDurable, bad arguments, and close.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type JournalIo, NODE_JOURNAL_IO } from '../../../agent/queue/index.js';
import { hasCode } from '../../../modem/errors.js';
import { open, payload, readAll, refusal, T0, text, withTempDir } from './journal-kit.js';

test('seqs start at 1 per lane, increase, and go on after a reopen', () =>
  withTempDir(async (dir) => {
    const { journal: j, report } = await open(dir);
    assert.equal(report, {
      lanes: {
        alert: { lastSeq: 0, ackedThrough: 0, records: 0, segments: 0 },
        audit: { lastSeq: 0, ackedThrough: 0, records: 0, segments: 0 },
        telemetry: { lastSeq: 0, ackedThrough: 0, records: 0, segments: 0 },
      },
      tails: [],
      setAside: [],
      cursor: 'missing',
    });
    const seqs = await Promise.all([
      j.append('telemetry', payload('telemetry', 1), T0),
      j.append('alert', payload('alert', 1), T0),
      j.append('telemetry', payload('telemetry', 2), T0 + 1),
      j.append('telemetry', payload('telemetry', 3), T0 + 2),
      j.append('alert', payload('alert', 2), T0 + 3),
    ]);
    assert.equal(seqs, [1, 1, 2, 3, 2]);
    assert.is(j.lastSeq('telemetry'), 3);
    assert.is(j.lastSeq('alert'), 2);
    assert.is(j.lastSeq('audit'), 0);
    await j.close();
    const again = await open(dir);
    assert.equal(again.report.lanes.telemetry, { lastSeq: 3, ackedThrough: 0, records: 3, segments: 1 });
    assert.equal(again.report.lanes.alert, { lastSeq: 2, ackedThrough: 0, records: 2, segments: 1 });
    assert.is(again.report.cursor, 'ok');
    assert.is(await again.journal.append('telemetry', payload('telemetry', 4), T0 + 4), 4);
    assert.is(await again.journal.append('audit', payload('audit', 1), T0 + 5), 1);
    const tele = await readAll(again.journal, 'telemetry');
    assert.equal(
      tele.map((r) => [r.seq, r.atMs, text(r.payload)]),
      [1, 2, 3, 4].map((i) => [i, T0 + (i === 1 ? 0 : i === 4 ? 4 : i - 1), text(payload('telemetry', i))]),
    );
    assert.equal(
      (await readAll(again.journal, 'alert')).map((r) => text(r.payload)),
      [text(payload('alert', 1)), text(payload('alert', 2))],
    );
    await again.journal.close();
  }));

test('read honours afterSeq, maxRecords and maxBytes, and returns one record even if it is larger', () =>
  withTempDir(async (dir) => {
    const { journal: j } = await open(dir, { segmentBytes: 4096 });
    await Promise.all(
      Array.from({ length: 100 }, (_, k) =>
        j.append('telemetry', new Uint8Array(50).fill(k + 1), T0 + k + 1),
      ),
    );
    assert.equal(
      (await j.read('telemetry', 0, 3, 1 << 20)).map((r) => r.seq),
      [1, 2, 3],
    );
    assert.equal(
      (await j.read('telemetry', 10, 100, 120)).map((r) => r.seq),
      [11, 12],
    );
    assert.equal(
      (await j.read('telemetry', 10, 100, 10)).map((r) => r.seq),
      [11],
    );
    assert.equal(await j.read('telemetry', 100, 10, 1 << 20), []);
    assert.equal(await j.read('telemetry', 5000, 10, 1 << 20), []);
    assert.equal(await j.read('alert', 0, 10, 1 << 20), []);
    const all = await j.read('telemetry', 0, 1000, 1 << 20);
    assert.is(all.length, 100);
    assert.ok(all.every((r, k) => r.seq === k + 1 && r.payload.length === 50 && r.payload[0] === k + 1));
    await j.close();
  }));

/** The real file layer, counting reads. */
function countingReads(): { io: JournalIo; reads: () => number } {
  let n = 0;
  const io: JournalIo = {
    ...NODE_JOURNAL_IO,
    readRange: (path, from, to) => {
      n++;
      return NODE_JOURNAL_IO.readRange(path, from, to);
    },
  };
  return { io, reads: () => n };
}

test('recent records come from the tail cache; older ones from the files, across segments', () =>
  withTempDir(async (dir) => {
    const c = countingReads();
    const { journal: j } = await open(dir, { io: c.io, segmentBytes: 4096, tailCacheBytes: 100 * 124 });
    await Promise.all(
      Array.from({ length: 300 }, (_, k) =>
        j.append('telemetry', new Uint8Array(100).fill((k + 1) % 251), T0 + k + 1),
      ),
    );
    const readsAtStart = c.reads();
    const recent = await j.read('telemetry', 250, 50, 1 << 20);
    assert.equal(
      recent.map((r) => r.seq),
      Array.from({ length: 50 }, (_, k) => 251 + k),
    );
    assert.is(c.reads(), readsAtStart, 'no file read for cached records');
    // 100 records are cached (201..300): 1..200 come from the files, 32 records per segment.
    const old = await j.read('telemetry', 0, 300, 1 << 20);
    assert.equal(
      old.map((r) => r.seq),
      Array.from({ length: 300 }, (_, k) => k + 1),
    );
    assert.ok(
      old.every((r) => r.payload.length === 100 && r.payload[0] === r.seq % 251 && r.atMs === T0 + r.seq),
    );
    assert.is(c.reads() - readsAtStart, 7, 'one read per segment holding 1..200 (32 each)');
    await j.close();
  }));

test('lanes are read and acknowledged independently', () =>
  withTempDir(async (dir) => {
    const { journal: j } = await open(dir);
    for (let i = 1; i <= 5; i++) {
      await Promise.all([
        j.append('alert', payload('alert', i), T0),
        j.append('audit', payload('audit', i), T0),
        j.append('telemetry', payload('telemetry', i), T0),
      ]);
    }
    j.ack('audit', 3);
    assert.is(j.ackedThrough('audit'), 3);
    assert.is(j.ackedThrough('alert'), 0);
    assert.is(j.ackedThrough('telemetry'), 0);
    for (const lane of ['alert', 'audit', 'telemetry'] as const) {
      const recs = await j.read(lane, 2, 10, 1 << 20);
      assert.equal(
        recs.map((r) => [r.lane, r.seq, text(r.payload)]),
        [3, 4, 5].map((i) => [lane, i, text(payload(lane, i))]),
      );
    }
    const s = j.stats();
    assert.is(s.lanes.audit.depthRecords, 2);
    assert.is(s.lanes.audit.acked, 3);
    assert.is(s.lanes.alert.depthRecords, 5);
    await j.close();
  }));

test('stats: depth to the byte, counters, oldest time, and onDurable once per batch', () =>
  withTempDir(async (dir) => {
    const { journal: j } = await open(dir, { groupCommitMs: 50 });
    const told: string[] = [];
    const off = j.onDurable((lane) => told.push(lane));
    await Promise.all([1, 2, 3, 4].map((i) => j.append('telemetry', new Uint8Array(10 * i), T0 + i)));
    assert.equal(told, ['telemetry']);
    j.ack('telemetry', 2);
    const s = j.stats();
    assert.equal(s.lanes.telemetry, {
      depthRecords: 2,
      depthBytes: 70,
      appended: 4,
      acked: 2,
      evicted: 0,
      evictedBytes: 0,
      oldestAtMs: T0 + 3,
      lastSeq: 4,
      ackedThrough: 2,
      segments: 1,
    });
    assert.is(s.diskBytes, 8 + 4 * 24 + 100);
    assert.is(s.bytesWritten, 8 + 4 * 24 + 100);
    assert.is(s.isAccepting, true);
    assert.is(s.notAcceptingReason, null);
    assert.is(s.pendingBytes, 0);
    off();
    await j.append('alert', new Uint8Array(1), T0);
    assert.equal(told, ['telemetry']);
    j.ack('telemetry', 99);
    assert.is(j.ackedThrough('telemetry'), 4, 'an ack beyond the durable end is clamped');
    await j.close();
  }));

test('bad arguments are TypeErrors naming the problem', () =>
  withTempDir(async (dir) => {
    const { journal: j } = await open(dir, { maxRecordBytes: 100 });
    const why = async (p: Promise<unknown>): Promise<string> =>
      p.then(
        () => 'resolved',
        (e: unknown) => (e instanceof TypeError ? e.message : `not a TypeError: ${String(e)}`),
      );
    assert.is(await why(j.append('nope' as never, new Uint8Array(1), T0)), 'unknown journal lane nope');
    assert.is(
      await why(j.append('alert', new Uint8Array(101), T0)),
      'journal payload of 101 bytes is over maxRecordBytes 100',
    );
    assert.is(
      await why(j.append('alert', new Uint8Array(1), Number.NaN)),
      'journal record time must be a finite number of ms, got NaN',
    );
    assert.is(await why(j.read('alert', -1, 1, 1)), 'read afterSeq must be a whole number ≥ 0, got -1');
    assert.is(await why(j.read('alert', 0, 0, 1)), 'read maxRecords must be ≥ 1, got 0');
    assert.is(j.lastSeq('alert'), 0);
    await j.close();
    let err: unknown = null;
    await open(dir, { segmentBytes: 100 }).catch((e: unknown) => {
      err = e;
    });
    assert.instance(err, TypeError);
    assert.match(
      String(err),
      'journal option segmentBytes must be a whole number in 4096..67108864, got 100',
    );
  }));

test('close waits for appends in flight, then refuses; a second open of a held journal is refused', () =>
  withTempDir(async (dir) => {
    const { journal: j } = await open(dir, { groupCommitMs: 1000 });
    const inFlight = [1, 2, 3].map((i) => j.append('telemetry', payload('telemetry', i), T0));
    let second: unknown = null;
    await open(dir).catch((e: unknown) => {
      second = e;
    });
    assert.ok(hasCode(second, 'JOURNAL_IO'), String(second));
    assert.match(String(second), `journal ${dir} in use by pid ${process.pid}`);
    const closing = j.close();
    assert.is(await refusal(j.append('telemetry', payload('telemetry', 4), T0)), 'closed');
    assert.is(await refusal(j.read('telemetry', 0, 1, 1)), 'closed');
    assert.equal(await Promise.all(inFlight), [1, 2, 3]);
    await closing;
    await j.close();
    j.ack('telemetry', 3);
    assert.is(j.ackedThrough('telemetry'), 0, 'an ack after close is ignored');
    assert.is(j.stats().isAccepting, false);
    const again = await open(dir);
    assert.is(again.report.lanes.telemetry.lastSeq, 3);
    assert.equal((await readdir(dir)).sort(), ['alert', 'audit', 'cursor.json', 'lock', 'telemetry']);
    assert.equal(await readdir(join(dir, 'telemetry')), ['000001.seg']);
    await again.journal.close();
    assert.equal((await readdir(dir)).sort(), ['alert', 'audit', 'cursor.json', 'telemetry']);
  }));

test.run();
