/**
 * The audit event catalogue: every security-relevant fact any module may record, with its severity,
 * category, NIS2 relevance and what its actor, subject, outcome and reason mean. Modules append only
 * names from here (the type `AuditEventName` enforces it); the evidence export reads severity,
 * category and relevance from here to shape the NIS2 summary.
 *
 * NIS2 relevance (Directive (EU) 2022/2555, Art. 23):
 * - `indicator`: may indicate a significant incident (unauthorised access, identity theft, tampering);
 *   the first one in a window starts the 24 h early-warning / 72 h notification clock in the summary.
 * - `context`: explains an incident (availability, changes, access by third parties), for the timeline.
 * - `integrity`: about the evidence itself (checkpoints, lost tails, quota).
 * - `routine`: kept for completeness.
 */
import type { AuditEventInput, Outcome } from './record.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export type Category =
  | 'lifecycle'
  | 'config'
  | 'identity'
  | 'certificate'
  | 'uplink'
  | 'policy'
  | 'sensor'
  | 'detection'
  | 'access'
  | 'admin'
  | 'audit';

export type Nis2Relevance = 'indicator' | 'context' | 'integrity' | 'routine';

export interface EventSpec {
  readonly severity: Severity;
  readonly category: Category;
  readonly description: string;
  readonly nis2: Nis2Relevance;
  /** Who is named as `actor`. */
  readonly actor: string;
  /** What is named as `subject`. */
  readonly subject: string;
  readonly outcomes: readonly Outcome[];
  /** What `reason` holds, and whether it must be given; null when the event has none. */
  readonly reason: { readonly isRequired: boolean; readonly means: string } | null;
}

const OK: readonly Outcome[] = ['ok'];
const INFO: readonly Outcome[] = ['info'];
const DENIED: readonly Outcome[] = ['denied'];
const FAILED: readonly Outcome[] = ['failed'];
const must = (means: string) => ({ isRequired: true, means });
const may = (means: string) => ({ isRequired: false, means });

export const AUDIT_CATALOGUE = {
  'agent.start': {
    severity: 'info',
    category: 'lifecycle',
    nis2: 'context',
    actor: 'agent',
    subject: 'agent',
    outcomes: OK,
    description: 'The agent started (data: version, boot id).',
    reason: may('why: boot, restart, crash recovery'),
  },
  'agent.stop': {
    severity: 'info',
    category: 'lifecycle',
    nis2: 'context',
    actor: 'agent',
    subject: 'agent',
    outcomes: ['ok', 'failed'],
    description: 'The agent stopped (clean or on a fatal error).',
    reason: must('signal or error code'),
  },
  'config.accepted': {
    severity: 'medium',
    category: 'config',
    nis2: 'context',
    actor: 'operator:<key id> | cli:<user> | signal:SIGHUP',
    subject: 'config:<version> | config:sha256:<16 hex of the file>',
    outcomes: OK,
    description:
      'A config was applied: a signed one from the operator, or the local file reloaded (data: changed fields).',
    reason: null,
  },
  'config.rejected': {
    severity: 'high',
    category: 'config',
    nis2: 'indicator',
    actor: 'operator:<key id> | cli:<user> | signal:SIGHUP | unknown',
    subject: 'config:<version> | config:sha256:<16 hex of the file> | config:unreadable',
    outcomes: ['denied', 'failed'],
    description:
      'A config was refused: bad signature, rollback attempt, invalid content, or a local change that needs a restart; the running config stays.',
    reason: must('error code and field'),
  },
  'config.rolled-back': {
    severity: 'high',
    category: 'config',
    nis2: 'context',
    actor: 'agent',
    subject: 'config:<version>',
    outcomes: FAILED,
    description: 'An applied config was undone (the uplink did not come back).',
    reason: must('what failed after apply'),
  },
  'identity.bound': {
    severity: 'info',
    category: 'identity',
    nis2: 'context',
    actor: 'agent',
    subject: 'device',
    outcomes: OK,
    description: 'Device certificate bound to this SIM and modem (data: ICCID, IMEI).',
    reason: null,
  },
  'sim.swapped': {
    severity: 'critical',
    category: 'identity',
    nis2: 'indicator',
    actor: 'agent',
    subject: 'sim',
    outcomes: DENIED,
    description: 'The SIM is not the one the identity is bound to; the uplink is held.',
    reason: must('bound and found ICCID (last 4 digits)'),
  },
  'modem.replaced': {
    severity: 'critical',
    category: 'identity',
    nis2: 'indicator',
    actor: 'agent',
    subject: 'modem',
    outcomes: DENIED,
    description: 'The modem IMEI differs from the bound one; the uplink is held.',
    reason: must('bound and found IMEI (last 4 digits)'),
  },
  'identity.restored': {
    severity: 'medium',
    category: 'identity',
    nis2: 'context',
    actor: 'agent | operator:<key id> | cli:<user>',
    subject: 'device',
    outcomes: OK,
    description:
      'The bound SIM and modem are back (actor agent), or a new binding was approved (operator, CLI).',
    reason: may('what was found, or the approval reference'),
  },
  'cert.rotated': {
    severity: 'low',
    category: 'certificate',
    nis2: 'routine',
    actor: 'agent',
    subject: 'cert:<serial>',
    outcomes: OK,
    description: 'The device certificate was renewed.',
    reason: null,
  },
  'cert.rotation-failed': {
    severity: 'high',
    category: 'certificate',
    nis2: 'context',
    actor: 'agent',
    subject: 'cert:<serial>',
    outcomes: FAILED,
    description: 'Certificate renewal failed.',
    reason: must('error code'),
  },
  'cert.expiring': {
    severity: 'medium',
    category: 'certificate',
    nis2: 'routine',
    actor: 'agent',
    subject: 'cert:<serial>',
    outcomes: INFO,
    description: 'The device certificate expires soon.',
    reason: must('days left'),
  },
  'uplink.up': {
    severity: 'info',
    category: 'uplink',
    nis2: 'context',
    actor: 'agent',
    subject: 'uplink:<broker>',
    outcomes: OK,
    description: 'The uplink session is established.',
    reason: null,
  },
  'uplink.down': {
    severity: 'medium',
    category: 'uplink',
    nis2: 'context',
    actor: 'agent',
    subject: 'uplink:<broker>',
    outcomes: ['failed', 'info'],
    description: 'The uplink session was lost or closed.',
    reason: must('error code: UPLINK_TLS, UPLINK_REFUSED, network lost, closed by agent'),
  },
  'policy.denied': {
    severity: 'medium',
    category: 'policy',
    nis2: 'indicator',
    actor: 'sensor:<id>',
    subject: 'rule:<id>',
    outcomes: DENIED,
    description:
      'Requests refused by policy, aggregated per sensor and rule per window (data: count, firstMs, lastMs, windowMs).',
    reason: may('last refusal reason'),
  },
  'sensor.auth-failed': {
    severity: 'high',
    category: 'sensor',
    nis2: 'indicator',
    actor: 'sensor:<id> | peer:<address>',
    subject: 'listener:<name>',
    outcomes: DENIED,
    description: 'A sensor failed to authenticate.',
    reason: must('why: unknown identity, bad credential, revoked'),
  },
  'alert.raised': {
    severity: 'high',
    category: 'detection',
    nis2: 'indicator',
    actor: 'monitor',
    subject: 'sensor:<id> | modem',
    outcomes: INFO,
    description: 'The monitor raised an anomaly alert (data: rule, score).',
    reason: must('alert rule'),
  },
  'sensor.quarantined': {
    severity: 'high',
    category: 'sensor',
    nis2: 'indicator',
    actor: 'monitor | operator:<key id>',
    subject: 'sensor:<id>',
    outcomes: OK,
    description: 'A sensor was cut off by the enforce mode.',
    reason: must('alert that caused it'),
  },
  'sensor.released': {
    severity: 'medium',
    category: 'sensor',
    nis2: 'context',
    actor: 'operator:<key id> | cli:<user>',
    subject: 'sensor:<id>',
    outcomes: OK,
    description: 'A quarantined sensor was let back in.',
    reason: may('approval reference'),
  },
  'grant.accepted': {
    severity: 'medium',
    category: 'access',
    nis2: 'context',
    actor: 'operator:<key id>',
    subject: 'grant:<id>',
    outcomes: OK,
    description: 'A maintenance grant was verified (data: technician, sensor, port, expiry).',
    reason: null,
  },
  'grant.refused': {
    severity: 'high',
    category: 'access',
    nis2: 'indicator',
    actor: 'operator:<key id> | unknown',
    subject: 'grant:<id>',
    outcomes: DENIED,
    description: 'A grant was refused: signature, expiry, replay.',
    reason: must('error code'),
  },
  'grant.revoked': {
    severity: 'medium',
    category: 'access',
    nis2: 'context',
    actor: 'operator:<key id>',
    subject: 'grant:<id>',
    outcomes: OK,
    description: 'A grant was revoked before expiry.',
    reason: may('revocation reason'),
  },
  'tunnel.opened': {
    severity: 'medium',
    category: 'access',
    nis2: 'context',
    actor: 'technician:<id>',
    subject: 'sensor:<id>:<port>',
    outcomes: OK,
    description: 'A maintenance tunnel opened (data: grant, session).',
    reason: null,
  },
  'tunnel.closed': {
    severity: 'low',
    category: 'access',
    nis2: 'context',
    actor: 'technician:<id> | agent',
    subject: 'sensor:<id>:<port>',
    outcomes: ['ok', 'failed'],
    description: 'A maintenance tunnel closed (data: bytes up/down, duration).',
    reason: must('expired, revoked, closed by peer, error'),
  },
  'admin.action': {
    severity: 'medium',
    category: 'admin',
    nis2: 'context',
    actor: 'cli:<user>',
    subject: 'command',
    outcomes: ['ok', 'denied', 'failed'],
    description: 'A local CLI action changed the agent.',
    reason: may('command line without secrets'),
  },
  'audit.checkpoint': {
    severity: 'info',
    category: 'audit',
    nis2: 'integrity',
    actor: 'agent',
    subject: 'audit',
    outcomes: INFO,
    description: 'Signed checkpoint over the chain head (data: seq, h, sig).',
    reason: null,
  },
  'audit.tail-cut': {
    severity: 'high',
    category: 'audit',
    nis2: 'integrity',
    actor: 'agent',
    subject: 'audit:<segment>',
    outcomes: INFO,
    description: 'A torn tail was cut at open (data: lostBytes, lostRecords, lastSeq).',
    reason: must('what was torn'),
  },
  'audit.set-aside': {
    severity: 'critical',
    category: 'audit',
    nis2: 'integrity',
    actor: 'agent',
    subject: 'audit',
    outcomes: INFO,
    description:
      'The audit log was damaged beyond a torn tail and set aside intact for forensics; a new chain starts (data: where).',
    reason: must('the damage found and where the old log now is'),
  },
  'audit.quota': {
    severity: 'high',
    category: 'audit',
    nis2: 'integrity',
    actor: 'agent',
    subject: 'audit',
    outcomes: ['info', 'denied'],
    description:
      'The audit store reached its quota: acknowledged segments evicted, or non-critical events refused.',
    reason: must('evicted, refusing, resumed'),
  },
} as const satisfies Record<string, EventSpec>;

export type AuditEventName = keyof typeof AUDIT_CATALOGUE;

/** The catalogue entry of an event name, or undefined for a name this version does not know. */
export function eventSpec(ev: string): EventSpec | undefined {
  return BY_NAME.get(ev);
}

const BY_NAME: ReadonlyMap<string, EventSpec> = new Map(Object.entries(AUDIT_CATALOGUE));

/**
 * Whether an event is still written when the quota is full (into the reserve): critical and high
 * severity, and everything about the audit trail itself.
 */
export function isCriticalEvent(ev: string): boolean {
  const spec = eventSpec(ev);
  if (spec === undefined) return false;
  return spec.severity === 'critical' || spec.severity === 'high' || spec.category === 'audit';
}

/** Severity rank, 0 for the most severe; unknown names rank as `info`. */
export function severityRank(ev: string): number {
  return SEVERITIES.indexOf(eventSpec(ev)?.severity ?? 'info');
}

/**
 * Why an event may not be appended as given (a name outside the catalogue, an outcome the event
 * does not have, a missing required reason), or null.
 */
export function catalogueProblem(e: AuditEventInput): string | null {
  const spec = eventSpec(e.ev);
  if (spec === undefined) return `audit event ${JSON.stringify(e.ev)} is not in the catalogue`;
  if (!spec.outcomes.includes(e.outcome)) {
    return `${e.ev}: outcome must be one of ${spec.outcomes.join(', ')}, got ${e.outcome}`;
  }
  if (spec.reason?.isRequired === true && (e.reason === undefined || e.reason === '')) {
    return `${e.ev}: reason is required (${spec.reason.means})`;
  }
  return null;
}
