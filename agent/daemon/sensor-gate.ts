/**
 * The agent's side of the local listeners: every sensor request passes authentication, the policy
 * (default deny) and, for a reading, the journal, here and nowhere else.
 *
 *   listener ──authenticate──▶ credentials (scrypt / token)
 *            ──publish──▶ decidePublish ──deny──▶ counters + policy.denied (aggregated) ──▶ reason to sensor
 *                                      └─allow──▶ journal.append(telemetry) ──durable──▶ PUBACK / 202
 *            ──subscribe─▶ decideSubscribe (segmentation)
 *
 * The upstream record holds the authenticated sensor id and the checked topic, never anything the
 * payload claims.
 */
import { hasCode } from '../../modem/errors.js';
import type { Logger } from '../../modem/log.js';
import {
  addDenial,
  type DenialState,
  denialEvent,
  EMPTY_DENIALS,
  flushDenials,
} from '../audit/denial-aggregator.js';
import type { AuditEvent } from '../audit/index.js';
import { decidePublish, decideSubscribe } from '../policy/decide.js';
import type { BucketState, PolicyConfig } from '../policy/types.js';
import type { IngestResult, ListenerEvent, SensorGate, Via } from '../proxies/index.js';
import type { Journal } from '../queue/index.js';
import { encodeReadingRecord } from './reading-record.js';

/** Counters of one sensor, for `ztgw status`. */
export interface SensorCounters {
  accepted: number;
  acceptedBytes: number;
  denied: Record<string, number>;
  unavailable: number;
  authFailures: number;
  lastSeenMs: number | null;
  via: Via | null;
}

export interface SensorGateDeps {
  readonly policy: PolicyConfig;
  readonly verify: (sensorId: string, secret: string) => Promise<boolean>;
  readonly journal: Journal;
  readonly nowMs: () => number;
  readonly log: Logger;
  readonly audit: (e: AuditEvent) => void;
  /** policy.denied aggregation window, ms. Default 60 000 (one record per sensor and rule per minute). */
  readonly denialWindowMs?: number;
}

export interface AgentSensorGate extends SensorGate {
  counters(): ReadonlyMap<string, Readonly<SensorCounters>>;
  listenerEvents(): Readonly<Record<string, number>>;
  /** Closes aggregation windows that are due (call on a timer) or all of them (at stop). */
  flushDenials(isFinal: boolean): void;
  /**
   * Replaces the policy (a config reload): the next request is decided by it. Token buckets of
   * sensors that stay are kept, so a reload does not refill anyone's rate allowance.
   */
  setPolicy(policy: PolicyConfig): void;
}

const MAX_TRACKED_UNKNOWN = 256;

export function createSensorGate(deps: SensorGateDeps): AgentSensorGate {
  const log = deps.log.child({ component: 'sensors' });
  let policy = deps.policy;
  const windowMs = deps.denialWindowMs ?? 60_000;
  const aggregator = { windowMs, maxKeys: 1000 };
  // This gate's own table, updated in place with the one bucket each publish changed.
  const buckets = new Map<string, BucketState>();
  let denials: DenialState = EMPTY_DENIALS;
  const counters = new Map<string, SensorCounters>();
  const events: Record<string, number> = {};

  const countersOf = (sensorId: string): SensorCounters | null => {
    let c = counters.get(sensorId);
    if (c === undefined) {
      // Unknown ids come from outside: bound how many get their own row.
      if (!Object.hasOwn(policy.sensors, sensorId) && counters.size >= MAX_TRACKED_UNKNOWN) return null;
      c = {
        accepted: 0,
        acceptedBytes: 0,
        denied: {},
        unavailable: 0,
        authFailures: 0,
        lastSeenMs: null,
        via: null,
      };
      counters.set(sensorId, c);
    }
    return c;
  };

  const emit = (closed: ReturnType<typeof flushDenials>['closed']): void => {
    for (const s of closed) deps.audit(denialEvent(s));
  };

  const deny = (sensorId: string, rule: string, reason: string): void => {
    const c = countersOf(sensorId);
    if (c !== null) c.denied[rule] = (c.denied[rule] ?? 0) + 1;
    const step = addDenial(denials, { sensor: sensorId, rule, reason }, deps.nowMs(), aggregator);
    denials = step.state;
    emit(step.closed);
  };

  /** A refused credential (secret or certificate): counted, logged, audited with its cause. */
  const authFailed = (sensorId: string, peer: string, via: Via, cause: string): void => {
    const c = countersOf(sensorId);
    if (c !== null) c.authFailures++;
    log.warn({ sensor: sensorId, via, peer, cause }, 'sensor.auth-failed');
    deps.audit({
      ev: 'sensor.auth-failed',
      actor: `peer:${peer}`,
      subject: `sensor:${sensorId.slice(0, 64)}`,
      outcome: 'denied',
      reason: `${cause} on the ${via} listener`,
    });
  };

  return {
    async authenticate(sensorId, secret, via, peer) {
      const isOk = await deps.verify(sensorId, secret);
      if (isOk) return { ok: true };
      authFailed(sensorId, peer, via, 'bad credential');
      return { ok: false, reason: 'bad credentials' };
    },

    async publish(sensorId, topic, payload, via): Promise<IngestResult> {
      const nowMs = deps.nowMs();
      const r = decidePublish(policy, buckets, { sensorId, topic, payload }, nowMs);
      if (r.bucket !== null) buckets.set(sensorId, r.bucket);
      const d = r.decision;
      if (!d.allow) {
        deny(sensorId, d.rule, d.reason);
        return d.retryAfterMs === undefined
          ? { ok: false, kind: 'denied', rule: d.rule, reason: d.reason }
          : { ok: false, kind: 'denied', rule: d.rule, reason: d.reason, retryAfterMs: d.retryAfterMs };
      }
      const c = countersOf(sensorId);
      try {
        await deps.journal.append(
          'telemetry',
          encodeReadingRecord({ sensor: sensorId, topic, payload }),
          nowMs,
        );
      } catch (err) {
        if (c !== null) c.unavailable++;
        if (!hasCode(err, 'JOURNAL_UNAVAILABLE')) log.error({ err }, 'journal.append-failed');
        return { ok: false, kind: 'unavailable', reason: err instanceof Error ? err.message : String(err) };
      }
      if (c !== null) {
        c.accepted++;
        c.acceptedBytes += payload.length;
        c.lastSeenMs = nowMs;
        c.via = via;
      }
      return { ok: true };
    },

    subscribe(sensorId, filter): IngestResult {
      const d = decideSubscribe(policy, { sensorId, filter });
      if (d.allow) return { ok: true };
      deny(sensorId, d.rule, d.reason);
      return { ok: false, kind: 'denied', rule: d.rule, reason: d.reason };
    },

    event(e: ListenerEvent) {
      events[e.kind] = (events[e.kind] ?? 0) + 1;
      // A refused client certificate never reached authenticate(): audit it here, with its cause.
      if (e.kind === 'auth-failed' && e.credential === 'certificate')
        authFailed(e.sensorId, e.peer, e.via, e.reason);
    },

    counters: () => counters,
    listenerEvents: () => events,

    setPolicy(next) {
      policy = next;
    },
    flushDenials(isFinal) {
      const step = flushDenials(denials, isFinal ? Number.POSITIVE_INFINITY : deps.nowMs(), aggregator);
      denials = step.state;
      emit(step.closed);
    },
  };
}
