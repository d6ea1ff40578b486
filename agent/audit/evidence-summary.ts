/**
 * The NIS2-shaped part of an evidence bundle, pure: a timeline of the events in range and a summary
 * laid out for an early warning (within 24 h of awareness) and an incident notification (within
 * 72 h), Directive (EU) 2022/2555 Art. 23(4)(a)-(b): when it was first seen, what kinds and how
 * severe, which subjects were affected, a suspected cause, whether it looks malicious, and the
 * availability impact (uplink down time). The clock the law starts is awareness, which only the
 * operator knows: the due times here count from the first indicator as a starting point.
 */
import type { CborMap } from './canonical-cbor.js';
import { eventSpec, SEVERITIES, severityRank } from './catalogue.js';
import { type AuditRecord, CHECKPOINT_EVENT } from './record.js';

const HOUR_MS = 3_600_000;
/** Art. 23(4)(a): early warning without undue delay, within 24 h. */
export const EARLY_WARNING_MS = 24 * HOUR_MS;
/** Art. 23(4)(b): incident notification within 72 h. */
export const NOTIFICATION_MS = 72 * HOUR_MS;
/** Most subjects listed by name; the total is given beside. */
export const MAX_AFFECTED_SUBJECTS = 200;

export interface TimelineEntry {
  readonly t: number;
  readonly seq: number;
  readonly ev: string;
  readonly severity: string;
  readonly category: string;
  readonly outcome: string;
  readonly actor: string;
  readonly subject: string;
  readonly reason?: string;
}

export interface Nis2Summary {
  /** Events in range, checkpoints not counted. */
  readonly events: number;
  readonly firstEventMs: number | null;
  readonly lastEventMs: number | null;
  /** Time of the first event that may indicate a significant incident. */
  readonly firstSeenMs: number | null;
  readonly earlyWarningDueMs: number | null;
  readonly notificationDueMs: number | null;
  readonly indicators: number;
  readonly bySeverity: Readonly<Record<string, number>>;
  readonly byCategory: Readonly<Record<string, number>>;
  readonly byOutcome: Readonly<Record<string, number>>;
  readonly byEvent: Readonly<Record<string, number>>;
  /** Requests refused by policy (the counts inside aggregated `policy.denied`). */
  readonly deniedRequests: number;
  readonly affectedSubjects: readonly string[];
  readonly affectedSubjectsTotal: number;
  readonly suspectedCause: string | null;
  readonly suspectedCauseSource: 'operator' | 'heuristic' | null;
  /** Heuristic: an indicator was refused or raised (identity change, failed auth, forged config or grant). */
  readonly isSuspectedMalicious: boolean;
  readonly uplinkDowns: number;
  /** Time the uplink was down within the range, ms (a down without an up runs to the range end). */
  readonly uplinkDownMs: number;
  readonly checkpoints: number;
  readonly tailCuts: number;
  readonly quotaEvents: number;
}

/** Timeline rows of the records in range (checkpoints left out: they are chain context). */
export function buildTimeline(records: readonly AuditRecord[]): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const r of records) {
    if (r.ev === CHECKPOINT_EVENT) continue;
    const spec = eventSpec(r.ev);
    out.push({
      t: r.t,
      seq: r.seq,
      ev: r.ev,
      severity: spec?.severity ?? 'info',
      category: spec?.category ?? 'unknown',
      outcome: r.outcome,
      actor: r.actor,
      subject: r.subject,
      ...(r.reason === undefined ? {} : { reason: r.reason }),
    });
  }
  return out;
}

const bump = (m: Record<string, number>, k: string, by = 1): void => {
  m[k] = (m[k] ?? 0) + by;
};

/** The summary of the records in range; `untilMs` ends an open uplink outage. */
export function buildSummary(
  records: readonly AuditRecord[],
  untilMs: number,
  operatorCause?: string,
): Nis2Summary {
  const bySeverity: Record<string, number> = {};
  const byCategory: Record<string, number> = {};
  const byOutcome: Record<string, number> = {};
  const byEvent: Record<string, number> = {};
  const affected = new Set<string>();
  let events = 0;
  let firstEventMs: number | null = null;
  let lastEventMs: number | null = null;
  let firstSeen: AuditRecord | null = null;
  let worst: AuditRecord | null = null;
  let indicators = 0;
  let deniedRequests = 0;
  let isMalicious = false;
  let downSince: number | null = null;
  let uplinkDowns = 0;
  let uplinkDownMs = 0;
  let checkpoints = 0;
  for (const r of records) {
    if (r.ev === CHECKPOINT_EVENT) {
      checkpoints++;
      continue;
    }
    events++;
    firstEventMs = firstEventMs === null ? r.t : Math.min(firstEventMs, r.t);
    lastEventMs = lastEventMs === null ? r.t : Math.max(lastEventMs, r.t);
    const spec = eventSpec(r.ev);
    const severity = spec?.severity ?? 'info';
    bump(bySeverity, severity);
    bump(byCategory, spec?.category ?? 'unknown');
    bump(byOutcome, r.outcome);
    bump(byEvent, r.ev);
    if (r.ev === 'policy.denied') deniedRequests += countOf(r.data);
    if (spec?.nis2 === 'indicator') {
      indicators++;
      if (firstSeen === null || r.t < firstSeen.t) firstSeen = r;
      if (r.outcome === 'denied' || r.ev === 'alert.raised') isMalicious = true;
    }
    if (spec?.nis2 === 'indicator' || severity === 'critical' || severity === 'high') {
      affected.add(r.subject);
      if (worst === null || severityRank(r.ev) < severityRank(worst.ev)) worst = r;
    }
    if (r.ev === 'uplink.down' && downSince === null) {
      downSince = r.t;
      uplinkDowns++;
    } else if (r.ev === 'uplink.up' && downSince !== null) {
      uplinkDownMs += Math.max(0, r.t - downSince);
      downSince = null;
    }
  }
  if (downSince !== null) uplinkDownMs += Math.max(0, untilMs - downSince);
  const subjects = [...affected].sort();
  const heuristic =
    worst === null
      ? null
      : `${worst.ev} on ${worst.subject}${worst.reason === undefined ? '' : `: ${worst.reason}`}`;
  const cause = operatorCause ?? heuristic;
  const firstSeenMs = firstSeen?.t ?? null;
  return {
    events,
    firstEventMs,
    lastEventMs,
    firstSeenMs,
    earlyWarningDueMs: firstSeenMs === null ? null : firstSeenMs + EARLY_WARNING_MS,
    notificationDueMs: firstSeenMs === null ? null : firstSeenMs + NOTIFICATION_MS,
    indicators,
    bySeverity: ordered(bySeverity, SEVERITIES),
    byCategory,
    byOutcome,
    byEvent,
    deniedRequests,
    affectedSubjects: subjects.slice(0, MAX_AFFECTED_SUBJECTS),
    affectedSubjectsTotal: subjects.length,
    suspectedCause: cause,
    suspectedCauseSource: operatorCause !== undefined ? 'operator' : heuristic === null ? null : 'heuristic',
    isSuspectedMalicious: isMalicious,
    uplinkDowns,
    uplinkDownMs,
    checkpoints,
    tailCuts: byEvent['audit.tail-cut'] ?? 0,
    quotaEvents: byEvent['audit.quota'] ?? 0,
  };
}

function countOf(data: CborMap | undefined): number {
  const c = data?.['count'];
  return typeof c === 'number' && c > 0 ? c : 1;
}

function ordered(m: Record<string, number>, keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = m[k] ?? 0;
  return out;
}
