/**
 * Whether the system clock can be trusted for certificate checks, and what to do when it cannot.
 * Pure: every time is an argument.
 *
 * A gateway without a real-time clock boots in the past (1970, or the image's build date), and
 * every certificate then looks "not yet valid". Verification is never turned off; instead the
 * network's time, read from the modem (`+CCLK?`), sets the clock when the config allows it, or the
 * agent waits and says why.
 */

/** No clock reading before this instant is plausible for this release (2026-01-01T00:00:00Z). */
export const EARLIEST_PLAUSIBLE_MS = Date.UTC(2026, 0, 1);

export interface ClockInputs {
  /** The system clock now, ms since the epoch. */
  readonly nowMs: number;
  /** The device certificate's notBefore, ms; null when there is no certificate yet. */
  readonly certNotBeforeMs: number | null;
  /** The network time the modem reported, ms, and how long ago (monotonic) it was read. */
  readonly networkTimeMs: number | null;
  readonly networkTimeAgeMs: number;
  /** Oldest network time reading still used, in ms (config clock.maxNetworkTimeAgeMs). */
  readonly maxNetworkTimeAgeMs: number;
  /** config clock.mayStepClock. */
  readonly mayStepClock: boolean;
}

export type ClockDecision =
  | { readonly kind: 'trusted' }
  | { readonly kind: 'step'; readonly toMs: number; readonly reason: string }
  | { readonly kind: 'wait'; readonly reason: string };

const iso = (ms: number): string => new Date(ms).toISOString();

/** The earliest instant the clock must have reached for the certificate checks to mean anything. */
export function clockFloorMs(certNotBeforeMs: number | null): number {
  return Math.max(EARLIEST_PLAUSIBLE_MS, certNotBeforeMs ?? 0);
}

export function decideClock(i: ClockInputs): ClockDecision {
  const floorMs = clockFloorMs(i.certNotBeforeMs);
  if (i.nowMs >= floorMs) return { kind: 'trusted' };
  const behind = `the system clock (${iso(i.nowMs)}) is before ${
    i.certNotBeforeMs !== null && i.certNotBeforeMs >= EARLIEST_PLAUSIBLE_MS
      ? `the certificate's notBefore (${iso(i.certNotBeforeMs)})`
      : `the earliest plausible time (${iso(EARLIEST_PLAUSIBLE_MS)})`
  }`;
  if (i.networkTimeMs === null)
    return { kind: 'wait', reason: `${behind}; no network time from the modem yet` };
  if (i.networkTimeAgeMs > i.maxNetworkTimeAgeMs) {
    return {
      kind: 'wait',
      reason: `${behind}; the network time is ${Math.round(i.networkTimeAgeMs / 1000)} s old`,
    };
  }
  const networkNowMs = i.networkTimeMs + i.networkTimeAgeMs;
  if (networkNowMs < floorMs) {
    return { kind: 'wait', reason: `${behind}, and so is the network time (${iso(networkNowMs)})` };
  }
  if (!i.mayStepClock) {
    return {
      kind: 'wait',
      reason: `${behind}; the network says ${iso(networkNowMs)} but clock.mayStepClock is false, so the clock is left alone`,
    };
  }
  return {
    kind: 'step',
    toMs: networkNowMs,
    reason: `${behind}; set to the network time ${iso(networkNowMs)}`,
  };
}
