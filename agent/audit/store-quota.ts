/**
 * The store's quota reporting: the `audit.quota` events and the AUDIT_QUOTA error, both saying
 * what is kept and why.
 */
import { ZtgwError } from '../../modem/errors.js';
import type { AuditEventInput } from './record.js';

/** The state of the store when it filled up, as told to `onAlert` and recorded. */
export interface AuditQuotaAlert {
  readonly usedBytes: number;
  readonly quotaBytes: number;
  /** Highest seq the uplink acknowledged. */
  readonly ackedSeq: number;
  readonly headSeq: number;
  /** Oldest record held. */
  readonly firstSeq: number;
}

export type QuotaAction = 'evicted' | 'refusing' | 'resumed';

/** The `audit.quota` event for an eviction, the start of refusals, or their end. */
export function quotaEvent(
  action: QuotaAction,
  s: AuditQuotaAlert,
  refused: number,
  evicted?: { segments: number; throughSeq: number },
): AuditEventInput & { readonly ev: 'audit.quota' } {
  return {
    ev: 'audit.quota',
    actor: 'agent',
    subject: 'audit',
    outcome: action === 'refusing' ? 'denied' : 'info',
    reason: action,
    data: {
      usedBytes: s.usedBytes,
      quotaBytes: s.quotaBytes,
      ackedSeq: s.ackedSeq,
      headSeq: s.headSeq,
      firstSeq: s.firstSeq,
      ...(action === 'resumed' ? { refused } : {}),
      ...(evicted === undefined
        ? {}
        : { evictedSegments: evicted.segments, evictedThroughSeq: evicted.throughSeq }),
    },
  };
}

/** The error a refused append rejects with, naming what is kept. */
export function quotaRefusal(
  ev: string,
  isCritical: boolean,
  s: AuditQuotaAlert & { readonly reserveBytes: number },
): ZtgwError<'AUDIT_QUOTA'> {
  const kept =
    `keeping seq ${s.firstSeq}..${s.headSeq} (${s.usedBytes} bytes of ${s.quotaBytes}); ` +
    `the uplink has acknowledged only up to seq ${s.ackedSeq}, so nothing may be evicted`;
  const what = isCritical
    ? `critical event ${ev} refused: the ${s.reserveBytes}-byte reserve is used up too`
    : `event ${ev} refused: audit store full; critical events still use the ${s.reserveBytes}-byte reserve`;
  return new ZtgwError('AUDIT_QUOTA', `${what}; ${kept}`, {
    ev,
    isCritical,
    usedBytes: s.usedBytes,
    quotaBytes: s.quotaBytes,
    reserveBytes: s.reserveBytes,
    keptFromSeq: s.firstSeq,
    keptToSeq: s.headSeq,
    ackedSeq: s.ackedSeq,
  });
}
