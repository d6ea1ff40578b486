/**
 * Lane priority on the one uplink session: alerts and audit go before telemetry. After an outage
 * the journal may hold minutes of readings and the audit log the records of the outage itself
 * (`uplink.down`, refused sensors …); the cloud must learn what happened before it gets the backlog.
 *
 *   telemetry sender ──publish──▶ hold ──clear──▶ uplink.publish (up/t)
 *                                   ▲ held while: audit records unacknowledged > maxAuditBacklogRecords,
 *                                   │             or alerts pending in the alert queue,
 *                                   │             for at most maxHoldMs in one go
 *                     audit log, alert queue (read every recheckMs while something is held)
 *
 * The hold sits on the sender's publish, not on its budget check: a held bundle is built once and
 * waits, in order, instead of being rebuilt at every check, and the sender's cap figures stay the
 * cap's. The bound on the hold keeps telemetry from starving behind an audit lane that cannot drain
 * (a broker ACL refusing `up/audit`): once a hold has lasted maxHoldMs, telemetry goes until the
 * backlog has cleared once.
 */
import { ZtgwError } from '../../modem/errors.js';

/** What must go before telemetry, as counted now. */
export interface AheadOfTelemetry {
  /** Audit records durable and not yet acknowledged (PUBACK) by the broker. */
  readonly auditBacklogRecords: number;
  /** Alerts waiting in the alert queue for the uplink. */
  readonly pendingAlerts: number;
}

export interface HoldOptions {
  /**
   * Unacknowledged audit records that do not hold telemetry, in records. Default 0: any audit
   * record waiting holds it, because the records of an outage are few (often one `uplink.down`) and
   * are exactly those that must arrive first.
   */
  readonly maxAuditBacklogRecords: number;
  /**
   * Longest one hold lasts, in ms. Default 30 000: the audit shipper's first five retries (up to 1, 2, 4,
   * 8 and 16 s apart, with jitter) fit in it.
   */
  readonly maxHoldMs: number;
  /** While a bundle is held, how often what is ahead is counted again, in ms. Default 50. */
  readonly recheckMs: number;
}

export const DEFAULT_HOLD: HoldOptions = Object.freeze({
  maxAuditBacklogRecords: 0,
  maxHoldMs: 30_000,
  recheckMs: 50,
});

export type HoldReason = 'audit' | 'alerts';

export interface HoldState {
  /** When the current hold began, ms; null when telemetry is not held. */
  readonly heldSinceMs: number | null;
  /** The current hold ran out (maxHoldMs): telemetry goes until what was ahead has cleared. */
  readonly hasExpired: boolean;
  /** Holds begun, and how many of them ran out rather than cleared. */
  readonly holds: number;
  readonly expired: number;
}

export const NO_HOLD: HoldState = Object.freeze({
  heldSinceMs: null,
  hasExpired: false,
  holds: 0,
  expired: 0,
});

export type HoldDecision =
  | { readonly isHeld: false }
  | { readonly isHeld: true; readonly reasons: readonly HoldReason[]; readonly recheckInMs: number };

/** Why telemetry should wait, from the counts alone. */
export function holdReasons(ahead: AheadOfTelemetry, opts: HoldOptions): HoldReason[] {
  const reasons: HoldReason[] = [];
  if (ahead.auditBacklogRecords > opts.maxAuditBacklogRecords) reasons.push('audit');
  if (ahead.pendingAlerts > 0) reasons.push('alerts');
  return reasons;
}

/** Whether telemetry waits at `nowMs`, and the state after the question. Pure. */
export function decideHold(
  state: HoldState,
  ahead: AheadOfTelemetry,
  opts: HoldOptions,
  nowMs: number,
): { readonly state: HoldState; readonly decision: HoldDecision } {
  const reasons = holdReasons(ahead, opts);
  if (reasons.length === 0) {
    const cleared = { ...state, heldSinceMs: null, hasExpired: false };
    return { state: cleared, decision: { isHeld: false } };
  }
  if (state.hasExpired) return { state, decision: { isHeld: false } };
  const since = state.heldSinceMs ?? nowMs;
  const holds = state.heldSinceMs === null ? state.holds + 1 : state.holds;
  const leftMs = opts.maxHoldMs - (nowMs - since);
  if (leftMs <= 0) {
    return {
      state: { heldSinceMs: null, hasExpired: true, holds, expired: state.expired + 1 },
      decision: { isHeld: false },
    };
  }
  return {
    state: { ...state, heldSinceMs: since, holds },
    decision: { isHeld: true, reasons, recheckInMs: Math.min(opts.recheckMs, leftMs) },
  };
}

export interface TelemetryHoldStatus {
  /** Bundles waiting for the hold to clear. */
  readonly heldBundles: number;
  readonly heldSinceMs: number | null;
  /** What holds them; empty when nothing does. */
  readonly reasons: readonly HoldReason[];
  readonly auditBacklogRecords: number;
  readonly pendingAlerts: number;
  readonly holds: number;
  /** Holds that ran out at maxHoldMs and let telemetry go ahead anyway. */
  readonly expired: number;
  readonly maxAuditBacklogRecords: number;
  readonly maxHoldMs: number;
}

/**
 * The shell: `gate(publish)` wraps the uplink's publish for the telemetry sender. A publish that
 * may go goes at once; one that may not waits, in order behind those already waiting, and is
 * rejected (UPLINK_CLOSED, which the sender treats as a dropped session) if the hold is stopped.
 */
export class TelemetryHold {
  private state: HoldState = NO_HOLD;
  private readonly waiting: { go: () => void; fail: (err: Error) => void }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly opts: HoldOptions;

  constructor(
    private readonly deps: {
      readonly ahead: () => AheadOfTelemetry;
      readonly nowMs: () => number;
      readonly options?: Partial<HoldOptions>;
    },
  ) {
    this.opts = { ...DEFAULT_HOLD, ...deps.options };
  }

  /** `publish`, held while alerts or audit records are ahead of it. */
  gate<A extends unknown[]>(publish: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
    return (...args) => {
      // Behind others already waiting, a publish waits too: the timer that releases them is set.
      if (this.waiting.length === 0) {
        const d = this.decide();
        if (!d.isHeld) return publish(...args);
        this.timer = setTimeout(() => this.recheck(), d.recheckInMs);
      }
      return new Promise<void>((go, fail) => {
        this.waiting.push({ go, fail });
      }).then(() => publish(...args));
    };
  }

  /** Rejects every held publish and clears the timer. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const err = new ZtgwError('UPLINK_CLOSED', 'telemetry hold stopped', { reason: 'stopped' });
    for (const w of this.waiting.splice(0)) w.fail(err);
  }

  status(): TelemetryHoldStatus {
    const ahead = this.deps.ahead();
    return {
      heldBundles: this.waiting.length,
      heldSinceMs: this.state.heldSinceMs,
      reasons: this.waiting.length === 0 ? [] : holdReasons(ahead, this.opts),
      auditBacklogRecords: ahead.auditBacklogRecords,
      pendingAlerts: ahead.pendingAlerts,
      holds: this.state.holds,
      expired: this.state.expired,
      maxAuditBacklogRecords: this.opts.maxAuditBacklogRecords,
      maxHoldMs: this.opts.maxHoldMs,
    };
  }

  private decide(): HoldDecision {
    const step = decideHold(this.state, this.deps.ahead(), this.opts, this.deps.nowMs());
    this.state = step.state;
    return step.decision;
  }

  private recheck(): void {
    const d = this.decide();
    this.timer = d.isHeld ? setTimeout(() => this.recheck(), d.recheckInMs) : null;
    if (!d.isHeld) for (const w of this.waiting.splice(0)) w.go();
  }
}
