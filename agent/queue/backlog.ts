/**
 * Backpressure of the journal: the bytes handed to the group commit and not yet durable are
 * bounded by `maxPendingBytes`. Past it, appends wait here in order (up to as many bytes again),
 * and are let in as batches become durable; beyond that they are refused with 'full'.
 *
 * Waiting rather than refusing at the first bound: a fsync that stalls for a moment (flash doing
 * its housekeeping) then slows the sensors down through their PUBACKs instead of bouncing their
 * readings back to be sent again; the second bound keeps RAM bounded when the stall lasts.
 */
import type { LaneState } from './lane-state.js';

export interface Waiter {
  readonly l: LaneState;
  readonly frame: Uint8Array;
  readonly atMs: number;
  readonly resolve: (seq: number) => void;
  readonly reject: (err: unknown) => void;
}

export class Backlog {
  /** Bytes handed to the group commit and not yet durable (or failed). */
  pendingBytes = 0;
  /** Bytes of the appends waiting here. */
  waitingBytes = 0;
  private readonly waiters: Waiter[] = [];

  constructor(
    private readonly maxPendingBytes: number,
    private readonly admit: (l: LaneState, frame: Uint8Array, atMs: number) => Promise<number>,
  ) {}

  get waiting(): number {
    return this.waiters.length;
  }

  /** Admits now, queues, or returns null when even the queue is full. */
  submit(l: LaneState, frame: Uint8Array, atMs: number): Promise<number> | null {
    if (this.waiters.length === 0 && this.pendingBytes + frame.length <= this.maxPendingBytes) {
      return this.admit(l, frame, atMs);
    }
    if (this.waitingBytes + frame.length > this.maxPendingBytes) return null;
    this.waitingBytes += frame.length;
    return new Promise((resolve, reject) => this.waiters.push({ l, frame, atMs, resolve, reject }));
  }

  /** A frame of `frameBytes` went to the group commit. */
  entered(frameBytes: number): void {
    this.pendingBytes += frameBytes;
  }

  /** A frame left the group commit (durable or failed): let waiting appends in. */
  settled(frameBytes: number): void {
    this.pendingBytes -= frameBytes;
    while (this.waiters.length > 0) {
      const w = this.waiters[0];
      if (w === undefined || this.pendingBytes + w.frame.length > this.maxPendingBytes) break;
      this.waiters.shift();
      this.waitingBytes -= w.frame.length;
      this.admit(w.l, w.frame, w.atMs).then(w.resolve, w.reject);
    }
  }

  /** Rejects every waiting append with the error `why` makes for its lane. */
  rejectAll(why: (w: Waiter) => unknown): void {
    for (const w of this.waiters.splice(0)) w.reject(why(w));
    this.waitingBytes = 0;
  }
}
