/**
 * The recovery ladder for a stuck modem, as a pure planner. Each failed rung escalates to the next;
 * a success starts over at the bottom. Waits between rungs back off exponentially with a cap, and the
 * rungs that reset the modem are limited per hour so a flapping modem is not reset to death.
 *
 *   reprobe ─▶ cfun-cycle ─▶ vendor-reset ─▶ reopen-port ─▶ power-cycle ─▶ give up (loudly)
 */

export type RecoveryRung = 'reprobe' | 'cfun-cycle' | 'vendor-reset' | 'reopen-port' | 'power-cycle';

export const LADDER: readonly RecoveryRung[] = [
  'reprobe',
  'cfun-cycle',
  'vendor-reset',
  'reopen-port',
  'power-cycle',
];

/** Rungs that reset the modem and count against `maxResetsPerHour`. */
export const RESET_RUNGS: ReadonlySet<RecoveryRung> = new Set(['cfun-cycle', 'vendor-reset', 'power-cycle']);

export interface RecoveryConfig {
  /** First wait, in ms. Default 1000. */
  readonly backoffBaseMs: number;
  /** Longest wait, in ms. Default 60000. */
  readonly backoffMaxMs: number;
  /** Modem resets allowed in any 60-minute window. Default 4. */
  readonly maxResetsPerHour: number;
  /** Whether a power-cycle command (GPIO hook) is configured. */
  readonly hasPowerCycle: boolean;
  /** The rungs to climb, in order; default LADDER. A one-shot CLI command leaves out the resets. */
  readonly rungs?: readonly RecoveryRung[];
}

export const DEFAULT_RECOVERY: RecoveryConfig = {
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  maxResetsPerHour: 4,
  hasPowerCycle: false,
};

export interface RecoveryState {
  /** Failed rungs since the last success. */
  readonly failedRungs: number;
  /** When each reset rung ran, ms since the epoch, newest last. */
  readonly resetTimesMs: readonly number[];
}

export const FRESH_RECOVERY: RecoveryState = { failedRungs: 0, resetTimesMs: [] };

export type RecoveryPlan =
  | { readonly kind: 'run'; readonly rung: RecoveryRung; readonly delayMs: number }
  | { readonly kind: 'wait-reset-budget'; readonly rung: RecoveryRung; readonly delayMs: number }
  | { readonly kind: 'give-up'; readonly reason: string };

const HOUR_MS = 3_600_000;

/**
 * What to do next after `state.failedRungs` failures. When the port itself is gone (USB unplug, modem
 * re-enumerating), the rungs that talk to the modem are skipped: reopening is the first that can help.
 */
export function planRecovery(
  state: RecoveryState,
  nowMs: number,
  cfg: RecoveryConfig,
  isPortGone = false,
): RecoveryPlan {
  const rungs = cfg.rungs ?? LADDER;
  const ladder = cfg.hasPowerCycle ? rungs : rungs.filter((r) => r !== 'power-cycle');
  const reopenAt = ladder.indexOf('reopen-port');
  const rung =
    ladder[isPortGone && reopenAt !== -1 ? Math.max(state.failedRungs, reopenAt) : state.failedRungs];
  if (rung === undefined) {
    return {
      kind: 'give-up',
      reason: `modem still not answering after ${ladder.join(' → ')}${cfg.hasPowerCycle ? '' : ' (no power-cycle command configured)'}`,
    };
  }
  const delayMs =
    state.failedRungs === 0
      ? 0
      : Math.min(cfg.backoffMaxMs, cfg.backoffBaseMs * 2 ** (state.failedRungs - 1));
  if (RESET_RUNGS.has(rung)) {
    const recent = state.resetTimesMs.filter((t) => nowMs - t < HOUR_MS);
    if (recent.length >= cfg.maxResetsPerHour) {
      const oldest = recent[0] ?? nowMs;
      return { kind: 'wait-reset-budget', rung, delayMs: Math.max(delayMs, oldest + HOUR_MS - nowMs) };
    }
  }
  return { kind: 'run', rung, delayMs };
}

/** The state after running `rung` at `nowMs`, which succeeded or not. */
export function recordRecovery(
  state: RecoveryState,
  rung: RecoveryRung,
  isSuccess: boolean,
  nowMs: number,
): RecoveryState {
  const resetTimesMs = RESET_RUNGS.has(rung)
    ? [...state.resetTimesMs.filter((t) => nowMs - t < HOUR_MS), nowMs]
    : state.resetTimesMs.filter((t) => nowMs - t < HOUR_MS);
  return { failedRungs: isSuccess ? 0 : state.failedRungs + 1, resetTimesMs };
}
