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
import type { BucketTable, PolicyConfig } from '../policy/types.js';
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
}

const MAX_TRACKED_UNKNOWN = 256;

export function createSensorGate(deps: SensorGateDeps): AgentSensorGate {
  const log = deps.log.child({ component: 'sensors' });
  const windowMs = deps.denialWindowMs ?? 60_000;
  const aggregator = { windowMs, maxKeys: 1000 };
  let buckets: BucketTable = new Map();
  let denials: DenialState = EMPTY_DENIALS;
  const counters = new Map<string, SensorCounters>();
  const events: Record<string, number> = {};

  const countersOf = (sensorId: string): SensorCounters | null => {
    let c = counters.get(sensorId);
    if (c === undefined) {
      // Unknown ids come from outside: bound how many get their own row.
      if (!Object.hasOwn(deps.policy.sensors, sensorId) && counters.size >= MAX_TRACKED_UNKNOWN) return null;
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

  return {
    async authenticate(sensorId, secret, via, peer) {
      const isOk = await deps.verify(sensorId, secret);
      if (isOk) return { ok: true };
      const c = countersOf(sensorId);
      if (c !== null) c.authFailures++;
      log.warn({ sensor: sensorId, via, peer }, 'sensor.auth-failed');
      deps.audit({
        ev: 'sensor.auth-failed',
        actor: `peer:${peer}`,
        subject: `sensor:${sensorId.slice(0, 64)}`,
        outcome: 'denied',
        reason: `bad credential on the ${via} listener`,
      });
      return { ok: false, reason: 'bad credentials' };
    },

    async publish(sensorId, topic, payload, via): Promise<IngestResult> {
      const nowMs = deps.nowMs();
      const r = decidePublish(deps.policy, buckets, { sensorId, topic, payload }, nowMs);
      buckets = r.buckets;
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
      const d = decideSubscribe(deps.policy, { sensorId, filter });
      if (d.allow) return { ok: true };
      deny(sensorId, d.rule, d.reason);
      return { ok: false, kind: 'denied', rule: d.rule, reason: d.reason };
    },

    event(e: ListenerEvent) {
      events[e.kind] = (events[e.kind] ?? 0) + 1;
    },

    counters: () => counters,
    listenerEvents: () => events,

    flushDenials(isFinal) {
      const step = flushDenials(denials, isFinal ? Number.POSITIVE_INFINITY : deps.nowMs(), aggregator);
      denials = step.state;
      emit(step.closed);
    },
  };
}
