import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createGroupCommit, type Queued } from '../../../agent/audit/group-commit.js';
import type { SegmentBatch, SegmentWriter } from '../../../agent/audit/segment-writer.js';
import { rejection, within } from './audit-kit.js';

/** A writer whose writes finish when the test says so. */
class GatedWriter implements SegmentWriter {
  readonly calls: { groups: SegmentBatch[]; evict: number[] }[] = [];
  private gates: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private onCall: (() => void) | null = null;

  write(groups: readonly SegmentBatch[], evict: readonly number[]): Promise<void> {
    this.calls.push({
      groups: groups.map((g) => ({ num: g.num, frames: [...g.frames] })),
      evict: [...evict],
    });
    this.onCall?.();
    return new Promise((resolve, reject) => this.gates.push({ resolve, reject }));
  }
  async close(): Promise<void> {}

  /** Resolves when write #n (1-based) has been called. */
  called(n: number): Promise<void> {
    return within(
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (this.calls.length >= n) resolve();
          else this.onCall = check;
        };
        check();
      }),
      1000,
      `write #${n}`,
    );
  }
  finish(): void {
    this.gates.shift()?.resolve();
  }
  fail(err: unknown): void {
    this.gates.shift()?.reject(err);
  }
}

const frame = (b: number): Queued<number> => ({ num: b < 100 ? 1 : 2, frame: Uint8Array.of(b), meta: b });
const framesOf = (c: { groups: SegmentBatch[] }): number[][] =>
  c.groups.map((g) => g.frames.map((f) => f[0] ?? -1));

test('appends while a batch is being written form the next batch; each resolves when its own is durable', async () => {
  const w = new GatedWriter();
  const durable: number[][] = [];
  const gc = createGroupCommit<number>(
    w,
    { groupCommitMs: 0, maxRecords: 100 },
    (items) => durable.push(items.map((i) => i.meta)),
    () => undefined,
  );
  const first = gc.enqueue(frame(1));
  await w.called(1);
  const later = [gc.enqueue(frame(2)), gc.enqueue(frame(3)), gc.enqueue(frame(100))];
  let isLaterDone = false;
  void Promise.all(later).then(() => {
    isLaterDone = true;
  });
  w.finish();
  await first;
  await w.called(2);
  assert.is(isLaterDone, false);
  assert.equal(
    framesOf(w.calls[1] ?? { groups: [] }),
    [[2, 3], [100]],
    'one write, grouped per segment, in order',
  );
  w.finish();
  await Promise.all(later);
  assert.equal(durable, [[1], [2, 3, 100]]);
});

test('a full batch is written at once, without waiting for the timer', async () => {
  const w = new GatedWriter();
  const gc = createGroupCommit<number>(
    w,
    { groupCommitMs: 60_000, maxRecords: 3 },
    () => undefined,
    () => undefined,
  );
  const all = [gc.enqueue(frame(1)), gc.enqueue(frame(2)), gc.enqueue(frame(3))];
  await w.called(1);
  w.finish();
  await Promise.all(all);
  assert.is(w.calls.length, 1);
});

test('evictions go with the next write; drain writes what waits', async () => {
  const w = new GatedWriter();
  const gc = createGroupCommit<number>(
    w,
    { groupCommitMs: 60_000, maxRecords: 100 },
    () => undefined,
    () => undefined,
  );
  gc.evict([1, 2]);
  const p = gc.enqueue(frame(5));
  const drained = gc.drain();
  await w.called(1);
  assert.equal(w.calls[0]?.evict, [1, 2]);
  w.finish();
  await Promise.all([p, drained]);
});

test('a write error rejects that batch, everything queued and everything after', async () => {
  const w = new GatedWriter();
  const errors: unknown[] = [];
  const gc = createGroupCommit<number>(
    w,
    { groupCommitMs: 0, maxRecords: 100 },
    () => undefined,
    (e) => errors.push(e),
  );
  const a = gc.enqueue(frame(1));
  await w.called(1);
  const b = gc.enqueue(frame(2));
  w.fail(new Error('EIO'));
  await rejection(a, /EIO/);
  await rejection(b, /EIO/);
  await rejection(gc.enqueue(frame(3)), /EIO/);
  assert.is(errors.length, 1);
  assert.is(w.calls.length, 1);
});

test.run();
