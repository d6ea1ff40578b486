/**
 * When to try again, and which broker: capped exponential back-off with full jitter, and the
 * failover order across brokers. Pure: the random number is an argument.
 *
 * Full jitter (delay uniform in [0, min(max, base·2^n))) is the variant that spreads a fleet out
 * best after a broker outage: every gateway behind the same cell reconnects at a different moment
 * instead of in waves (M. Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015).
 *
 * ```
 * outcome ─▶ recordOutcome ─▶ RetryState { brokerIndex, failures } ─▶ planNextAttempt ─▶ { broker, delayMs }
 * failed:  next broker, failures+1        vetoed: same broker, failures+1
 * dropped: same broker (it just worked); failures+1, or 1 when the session had been stable
 * requested (reconnect()): same broker, at once
 * ```
 */

export interface BackoffConfig {
  /** First step, in ms. */
  readonly baseMs: number;
  /** Cap, in ms. */
  readonly maxMs: number;
}

/** The upper bound of the delay after `exponent` doublings: min(maxMs, baseMs · 2^exponent). */
export function backoffCapMs(exponent: number, cfg: BackoffConfig): number {
  const n = Math.max(0, Math.floor(exponent));
  // 2^n overflows to Infinity for large n; min() then gives the cap, as wanted.
  return Math.min(cfg.maxMs, cfg.baseMs * 2 ** n);
}

/**
 * The delay before the next try, in whole ms, uniform in [0, cap) for `random01` uniform in [0, 1).
 * `attempt` is the number of doublings (0 for the first retry).
 */
export function nextDelayMs(attempt: number, cfg: BackoffConfig, random01: number): number {
  const r = Number.isFinite(random01) ? Math.min(Math.max(random01, 0), 1 - Number.EPSILON) : 0;
  return Math.floor(r * backoffCapMs(attempt, cfg));
}

export interface RetryState {
  /** The broker the next attempt goes to. */
  readonly brokerIndex: number;
  /** Failures (failed, vetoed or dropped early) since the last stable session; 0 before the first attempt. */
  readonly failures: number;
  /** Whether the next attempt goes at once: the very first one, and one asked for by reconnect(). */
  readonly isImmediate: boolean;
}

export const FRESH_RETRY: RetryState = { brokerIndex: 0, failures: 0, isImmediate: true };

export type AttemptOutcome =
  /** The attempt did not get a session: TCP, TLS, refusal, timeout. The next broker is tried. */
  | { readonly kind: 'failed' }
  /** The beforeConnect hook said no. The same broker is tried again later. */
  | { readonly kind: 'vetoed' }
  /** A session ended; `wasStable` when it had lasted stableAfterMs. The same broker is tried first. */
  | { readonly kind: 'dropped'; readonly wasStable: boolean }
  /** reconnect() was asked for: the same broker at once, the failure count kept. */
  | { readonly kind: 'requested' };

/** The state after an attempt at `state.brokerIndex` ended with `outcome`. */
export function recordOutcome(state: RetryState, outcome: AttemptOutcome, brokerCount: number): RetryState {
  if (brokerCount < 1) throw new TypeError('brokerCount must be >= 1');
  const at = state.brokerIndex % brokerCount;
  switch (outcome.kind) {
    case 'failed':
      return { brokerIndex: (at + 1) % brokerCount, failures: state.failures + 1, isImmediate: false };
    case 'vetoed':
      return { brokerIndex: at, failures: state.failures + 1, isImmediate: false };
    case 'dropped':
      return { brokerIndex: at, failures: outcome.wasStable ? 1 : state.failures + 1, isImmediate: false };
    case 'requested':
      return { brokerIndex: at, failures: state.failures, isImmediate: true };
  }
}

export interface AttemptPlan {
  /** Index into the broker list. */
  readonly brokerIndex: number;
  /** Wait before the attempt, in ms. */
  readonly delayMs: number;
  /** The bound the delay was drawn under, in ms (0 for the very first attempt). */
  readonly capMs: number;
  /** Doublings applied: one per full round of failures over every broker. */
  readonly exponent: number;
}

/**
 * The next attempt. The very first goes to broker 0 at once, as does one asked for by reconnect();
 * every other waits a jittered delay whose cap doubles after each full round of failures over the
 * broker list.
 */
export function planNextAttempt(
  state: RetryState,
  brokerCount: number,
  cfg: BackoffConfig,
  random01: number,
): AttemptPlan {
  if (brokerCount < 1) throw new TypeError('brokerCount must be >= 1');
  const brokerIndex = state.brokerIndex % brokerCount;
  if (state.isImmediate) return { brokerIndex, delayMs: 0, capMs: 0, exponent: 0 };
  const exponent = Math.floor(Math.max(0, state.failures - 1) / brokerCount);
  return {
    brokerIndex,
    delayMs: nextDelayMs(exponent, cfg, random01),
    capMs: backoffCapMs(exponent, cfg),
    exponent,
  };
}
