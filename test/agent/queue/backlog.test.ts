/**
 * Backpressure while an fsync is slow (held here by the test): appends past `maxPendingBytes`
 * wait in order, as many bytes again may wait, beyond that they are refused 'full'; when the
 * fsync returns the waiting ones go through with consecutive seqs. And the paced group commit:
 * what arrives during a write waits for companions instead of costing an fsync of its own.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createGroupCommit } from '../../../agent/audit/group-commit.js';
import type { SegmentBatch, SegmentWriter } from '../../../agent/audit/segment-writer.js';
import { type JournalIo, NODE_JOURNAL_IO } from '../../../agent/queue/index.js';
import { open, refusal, T0, waitFor, withTempDir } from './journal-kit.js';

/** The real file layer whose fsyncs wait until the test releases them. */
function heldSyncs(): { io: JournalIo; held: () => number; releaseAll: () => void } {
  const waiting: (() => void)[] = [];
  const io: JournalIo = {
    ...NODE_JOURNAL_IO,
    open: async (path, flags, mode) => {
      const h = await NODE_JOURNAL_IO.open(path, flags, mode);
      return {
        write: (d, o, l, p) => h.write(d, o, l, p),
        sync: () => new Promise<void>((resolve) => waiting.push(resolve)).then(() => h.sync()),
        close: () => h.close(),
      };
    },
  };
  const releaseAll = (): void => {
    for (const r of waiting.splice(0)) r();
  };
  return { io, held: () => waiting.length, releaseAll };
}

test('past maxPendingBytes appends wait in order, then are refused "full"; they resume with the fsync', () =>
  withTempDir(async (dir) => {
    const s = heldSyncs();
    // 1000-byte payloads are 1024-byte frames: 4 fit under 4096 pending bytes, 4 more may wait.
    const { journal: j } = await open(dir, {
      io: s.io,
      maxPendingBytes: 4096,
      maxRecordBytes: 1000,
      groupCommitMs: 0,
    });
    const first = [1, 2, 3, 4].map((i) => j.append('telemetry', new Uint8Array(1000).fill(i), T0));
    await waitFor('the first fsync to be held', () => s.held() === 1);
    const waiting = [5, 6, 7, 8].map((i) => j.append('telemetry', new Uint8Array(1000).fill(i), T0));
    assert.equal([j.stats().pendingBytes, j.stats().waitingAppends], [4096, 4]);
    assert.is(await refusal(j.append('telemetry', new Uint8Array(1000).fill(9), T0)), 'full');
    assert.is(await refusal(j.append('alert', new Uint8Array(10), T0)), 'full');
    s.releaseAll();
    assert.equal(await Promise.all(first), [1, 2, 3, 4]);
    await waitFor('the waiting batch to be held', () => s.held() === 1);
    s.releaseAll();
    assert.equal(await Promise.all(waiting), [5, 6, 7, 8]);
    const recs = await j.read('telemetry', 0, 100, 1 << 20);
    assert.equal(
      recs.map((r) => [r.seq, r.payload[0]]),
      [1, 2, 3, 4, 5, 6, 7, 8].map((i) => [i, i]),
    );
    assert.equal([j.stats().pendingBytes, j.stats().waitingAppends], [0, 0]);
  }));

/** A writer whose writes finish when the test says so. */
function gatedWriter(): { writer: SegmentWriter; calls: SegmentBatch[][]; finish: () => void } {
  const calls: SegmentBatch[][] = [];
  const gates: (() => void)[] = [];
  return {
    writer: {
      write: (groups) => {
        calls.push([...groups]);
        return new Promise<void>((resolve) => gates.push(resolve));
      },
      close: async () => undefined,
    },
    calls,
    finish: () => gates.shift()?.(),
  };
}

test('paced group commit: what arrives during a write waits for companions, up to maxRecords', async () => {
  for (const isPaced of [false, true]) {
    const g = gatedWriter();
    const gc = createGroupCommit<number>(
      g.writer,
      { groupCommitMs: 60_000, maxRecords: 3, isPaced },
      () => {},
      () => {},
    );
    const q = (n: number) => gc.enqueue({ num: 1, frame: Uint8Array.of(n), meta: n });
    const batch1 = [q(1), q(2), q(3)];
    assert.is(g.calls.length, 1, 'a full batch goes at once');
    const later = q(4);
    g.finish();
    await Promise.all(batch1);
    assert.is(g.calls.length, isPaced ? 1 : 2, isPaced ? 'the fourth waits' : 'the fourth goes at once');
    const more = [q(5), q(6)];
    assert.is(g.calls.length, 2);
    assert.equal(
      g.calls[1]?.[0]?.frames.map((f) => f[0]),
      isPaced ? [4, 5, 6] : [4],
    );
    g.finish();
    if (!isPaced) {
      await later;
      assert.is(g.calls.length, 3);
      g.finish();
    }
    await Promise.all([later, ...more]);
  }
});

test.run();
