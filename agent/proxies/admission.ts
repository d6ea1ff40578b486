/**
 * Whether a new connection may be accepted: the listener's connection cap, and a token bucket per
 * source address so that one host cannot flood the listener with connects (each of which would cost
 * the gateway an scrypt). The buckets are the policy's pure token bucket; this class keeps the table
 * and bounds it.
 */
import { type BucketState, type RateLimit, takeToken } from '../policy/index.js';
import type { LimitName } from './types.js';

export type Admission =
  | { readonly ok: true }
  | { readonly ok: false; readonly limit: LimitName; readonly reason: string };

/** Most source addresses tracked at once; past it, full buckets are dropped, then new sources wait. */
export const MAX_TRACKED_SOURCES = 4096;

export class ConnectionAdmission {
  private open = 0;
  private readonly buckets = new Map<string, BucketState>();
  private readonly rate: RateLimit | null;

  /** `perSourceConnectsPerMin` null: no per-source limit (Unix sockets). */
  constructor(
    private readonly maxConnections: number,
    perSourceConnectsPerMin: number | null,
  ) {
    this.rate =
      perSourceConnectsPerMin === null
        ? null
        : { ratePerS: perSourceConnectsPerMin / 60, burst: perSourceConnectsPerMin };
  }

  /** Open connections counted now. */
  get count(): number {
    return this.open;
  }

  /** Admits one connection from `source` at `nowMs`; on ok the caller must `release()` it on close. */
  admit(source: string, nowMs: number): Admission {
    if (this.open >= this.maxConnections) {
      return { ok: false, limit: 'maxConnections', reason: `${this.maxConnections} connections open` };
    }
    if (this.rate !== null) {
      if (!this.buckets.has(source) && this.buckets.size >= MAX_TRACKED_SOURCES) this.prune(nowMs);
      if (!this.buckets.has(source) && this.buckets.size >= MAX_TRACKED_SOURCES) {
        return { ok: false, limit: 'perSourceConnectsPerMin', reason: 'too many sources connecting' };
      }
      const t = takeToken(this.buckets.get(source), nowMs, this.rate);
      this.buckets.set(source, t.state);
      if (!t.isAllowed) {
        return {
          ok: false,
          limit: 'perSourceConnectsPerMin',
          reason: `over ${this.rate.burst} connects per minute from ${source}`,
        };
      }
    }
    this.open++;
    return { ok: true };
  }

  release(): void {
    if (this.open > 0) this.open--;
  }

  /** Drops the buckets that have refilled: a source with a full bucket needs no state. */
  prune(nowMs: number): void {
    const rate = this.rate;
    if (rate === null) return;
    for (const [source, b] of this.buckets) {
      if (b.tokens + ((nowMs - b.updatedAtMs) * rate.ratePerS) / 1000 >= rate.burst)
        this.buckets.delete(source);
    }
  }
}
