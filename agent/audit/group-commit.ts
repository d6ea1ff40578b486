/**
 * Group commit: appends queue up for at most `groupCommitMs` (or until `maxRecords` wait), then go
 * to disk in one write and one fsync per touched segment; whatever arrives during an fsync forms the
 * next batch at once. Each append's promise resolves when its batch is durable.
 *
 *   enqueue ─▶ pending ──(timer | full)──▶ writer.write(batch, evictions) ──▶ resolve each
 *                 ▲                                  │ meanwhile: new pending
 *                 └──────────────────────────────────┘ loop until empty
 */
import type { SegmentWriter } from './segment-writer.js';

export interface GroupCommitOptions {
  /** Longest wait for companions, ms. */
  readonly groupCommitMs: number;
  /** Write at once when this many wait. */
  readonly maxRecords: number;
  /**
   * Default false: what arrives during a write goes to disk as soon as that write returns. True:
   * it too waits for companions, up to `groupCommitMs` after the first of it arrived (unless
   * `maxRecords` wait), so a steady trickle costs at most one fsync per `groupCommitMs` instead of
   * back-to-back fsyncs of a few records each: less flash wear, a little more latency.
   */
  readonly isPaced?: boolean;
  /**
   * Called with each batch's groups just before they are written, synchronously with taking them
   * (nothing can be queued in between): may append frames to a group, e.g. a pad to a page boundary.
   */
  readonly beforeWrite?: (groups: BatchGroup[]) => void;
}

/** One segment's frames of a batch, in order; {@link GroupCommitOptions.beforeWrite} may append. */
export interface BatchGroup {
  readonly num: number;
  readonly frames: Uint8Array[];
}

export interface Queued<M> {
  readonly num: number;
  readonly frame: Uint8Array;
  readonly meta: M;
}

export interface GroupCommit<M> {
  /** Queues one frame for segment `num`; resolves once it is durable. */
  enqueue(item: Queued<M>): Promise<void>;
  /** Queues segment files to unlink before the next batch is written. */
  evict(nums: readonly number[]): void;
  /** Writes everything queued now and waits for it (for close). */
  drain(): Promise<void>;
}

/** The one promise every item of a batch is handed: items settle together, as their write does. */
interface Settle {
  readonly done: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

function newSettle(): Settle {
  let resolve: () => void = () => undefined;
  let reject: (err: unknown) => void = () => undefined;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { done, resolve, reject };
}

/**
 * `onDurable` is told each written batch's items in order (before their promises resolve);
 * `onFail` once, on the first write error, after which every queued and later item is rejected.
 */
export function createGroupCommit<M>(
  writer: SegmentWriter,
  opts: GroupCommitOptions,
  onDurable: (items: readonly Queued<M>[]) => void,
  onFail: (err: unknown) => void,
): GroupCommit<M> {
  let pending: Queued<M>[] = [];
  /** Settles everything in `pending`; made by the first enqueue into it. */
  let pendingSettle: Settle | null = null;
  let evictions: number[] = [];
  let timer: NodeJS.Timeout | null = null;
  let isRunning = false;
  let runDone: Promise<void> = Promise.resolve();
  let failure: unknown = null;
  /** When the oldest pending item was queued (performance.now(), ms). */
  let firstPendingAtMs = 0;

  /** Hands over what is pending, with its promise, and starts a new pending batch. */
  const takePending = (): { readonly items: Queued<M>[]; readonly settle: Settle | null } => {
    const taken = { items: pending, settle: pendingSettle };
    pending = [];
    pendingSettle = null;
    return taken;
  };

  const run = async (): Promise<void> => {
    isRunning = true;
    let isFirst = true;
    while (pending.length > 0 || evictions.length > 0) {
      if (opts.isPaced === true && !isFirst && pending.length < opts.maxRecords && evictions.length === 0) {
        const waitMs = firstPendingAtMs + opts.groupCommitMs - performance.now();
        if (waitMs > 0) {
          timer = setTimeout(start, waitMs);
          break;
        }
      }
      isFirst = false;
      const { items: batch, settle } = takePending();
      const evict = evictions;
      evictions = [];
      const groups: BatchGroup[] = [];
      for (const p of batch) {
        const g = groups.at(-1);
        if (g !== undefined && g.num === p.num) g.frames.push(p.frame);
        else groups.push({ num: p.num, frames: [p.frame] });
      }
      try {
        opts.beforeWrite?.(groups);
        await writer.write(groups, evict);
      } catch (err) {
        failure = err;
        onFail(err);
        settle?.reject(err);
        takePending().settle?.reject(err);
        break;
      }
      onDurable(batch);
      settle?.resolve();
    }
    // Cleared synchronously with the loop's last check, so an enqueue right after starts a new run.
    isRunning = false;
  };

  const start = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (!isRunning) runDone = run();
  };

  return {
    enqueue(item) {
      if (failure !== null) return Promise.reject(failure);
      if (pending.length === 0) firstPendingAtMs = performance.now();
      pending.push(item);
      pendingSettle ??= newSettle();
      const { done } = pendingSettle;
      // While a batch is being written, the loop picks this up when it returns.
      if (!isRunning) {
        if (pending.length >= opts.maxRecords) start();
        else timer ??= setTimeout(start, opts.groupCommitMs);
      }
      return done;
    },
    evict(nums) {
      evictions.push(...nums);
    },
    async drain() {
      await runDone;
      if (pending.length > 0 || evictions.length > 0) start();
      await runDone;
    },
  };
}
