/**
 * A token bucket, pure: the caller keeps the state and passes the time. One message takes one
 * token; tokens refill continuously at `ratePerS` up to `burst`.
 */

import type { BucketState, RateLimit } from './types.js';

/** The outcome of one `takeToken`: the new state, whether the message may pass, and the wait. */
export interface TakeResult {
  readonly state: BucketState;
  readonly isAllowed: boolean;
  /** 0 when allowed; otherwise milliseconds until one whole token is back (rounded up). */
  readonly retryAfterMs: number;
}

/** A full bucket at `nowMs`: what a sensor starts with. */
export function fullBucket(nowMs: number, rate: RateLimit): BucketState {
  return { tokens: rate.burst, updatedAtMs: nowMs };
}

/**
 * Takes one token at `nowMs` (milliseconds, any monotonic or wall clock). `state` undefined means a
 * full bucket. If the clock went backwards nothing is refilled and the bucket restarts its clock
 * at `nowMs`, so a step back neither grants tokens nor starves the sensor afterwards.
 * Throws `TypeError` for a rate that is not positive and finite (validated policies never have one).
 */
export function takeToken(state: BucketState | undefined, nowMs: number, rate: RateLimit): TakeResult {
  if (!(rate.ratePerS > 0) || !Number.isFinite(rate.ratePerS) || !(rate.burst >= 1)) {
    throw new TypeError(`token bucket: bad rate ${rate.ratePerS}/s burst ${rate.burst}`);
  }
  const prev = state ?? fullBucket(nowMs, rate);
  const elapsedMs = Math.max(0, nowMs - prev.updatedAtMs);
  const tokens = Math.min(rate.burst, prev.tokens + (elapsedMs * rate.ratePerS) / 1000);
  if (tokens >= 1) {
    return { state: { tokens: tokens - 1, updatedAtMs: nowMs }, isAllowed: true, retryAfterMs: 0 };
  }
  const retryAfterMs = Math.max(1, Math.ceil(((1 - tokens) * 1000) / rate.ratePerS));
  return { state: { tokens, updatedAtMs: nowMs }, isAllowed: false, retryAfterMs };
}
