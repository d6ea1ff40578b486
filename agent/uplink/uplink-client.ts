/**
 * The uplink: the gateway's only WAN connection, one outbound mTLS MQTT session, kept up for as long
 * as the service runs. It owns exactly one socket at a time: an attempt starts only after the last
 * socket is closed.
 *
 * ```
 * ┌▶ plan (backoff.ts: broker, jittered delay) ─▶ wait ─▶ beforeConnect hook ─veto─▶ record ─┐
 * │                                                        │ allow                           │
 * │                    record ◀─fail── openSession (mqtt-session.ts: TCP, TLS, CONNACK)      │
 * │                                                        │ CONNACK 0                       │
 * │    publish `online` (retained), state (retained), subscribe ─▶ serve until the session ends
 * └──────────────────────────────── record `closed`, recordOutcome ◀──────────────────────────┘
 * ```
 *
 * Every path back to the top goes through the back-off: connect errors, TLS errors, refusals,
 * closes, missed acknowledgements, vetoes; only an asked-for reconnect() goes round at once.
 * mqtt.js's own reconnect is off: its fixed interval has no jitter, no cap, no failover and no hook
 * before the attempt.
 */

import { setTimeout as sleepMs } from 'node:timers/promises';
import { rootCertificates } from 'node:tls';
import { type JsonObject, ZtgwError } from '../../modem/errors.js';
import type { Logger } from '../../modem/log.js';
import type { UplinkConfig } from '../config/types.js';
import {
  type AttemptOutcome,
  type AttemptPlan,
  FRESH_RETRY,
  planNextAttempt,
  recordOutcome,
} from './backoff.js';
import { loadTlsMaterial } from './load-material.js';
import { type MqttSession, type OpenSession, openMqttSession } from './mqtt-session.js';
import type { TlsMaterial } from './tls-options.js';
import { checkPublishTopic, checkSubscribeFilter, devicePrefix } from './topic-filter.js';
import {
  runBeforeConnect,
  STATUS_OFFLINE,
  STATUS_ONLINE,
  SubscriptionTable,
  sessionParams,
} from './uplink-parts.js';
import { errorInfo, UplinkRecorder } from './uplink-status.js';
import type { BeforeConnect, MessageHandler, UplinkClient, UplinkPublishOptions } from './uplink-types.js';

export interface UplinkDeps {
  readonly deviceId: string;
  readonly config: UplinkConfig;
  readonly log: Logger;
  readonly beforeConnect?: BeforeConnect;
  /** Default: the mqtt.js session (mqtt-session.ts). Unit tests pass a fake. */
  readonly openSession?: OpenSession;
  /** Default: read caFile, certFile and keyFile before every attempt. */
  readonly loadMaterial?: (cfg: UplinkConfig) => Promise<TlsMaterial>;
  /** Roots added with useSystemCa. Default tls.rootCertificates. */
  readonly systemCa?: readonly string[];
  /** Wall clock, ms since the epoch. Default Date.now. */
  readonly nowMs?: () => number;
  /** Uniform in [0, 1), for the jitter. Default Math.random. */
  readonly random01?: () => number;
  /** Waits `ms` or rejects when `signal` aborts. Default timers/promises setTimeout. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Attempt records kept. Default 64. */
  readonly historySize?: number;
  /** Bound on publishing `offline` in stop(), in ms. Default 2000. */
  readonly stopTimeoutMs?: number;
  /** Told of every publish the broker took (PUBACK for QoS 1): the cellular budget counts them. */
  readonly onPublished?: (topic: string, payloadBytes: number, qos: 0 | 1) => void;
}

const DEFAULT_HISTORY_SIZE = 64;
const DEFAULT_STOP_TIMEOUT_MS = 2000;

export { STATUS_OFFLINE, STATUS_ONLINE };

export function createUplink(deps: UplinkDeps): UplinkClient {
  const cfg = deps.config;
  if (cfg.brokers.length < 1) throw new TypeError('createUplink: at least one broker is needed');
  const log = deps.log.child({ component: 'uplink' });
  const now = deps.nowMs ?? Date.now;
  const random01 = deps.random01 ?? Math.random;
  const sleep = deps.sleep ?? ((ms: number, signal: AbortSignal) => sleepMs(ms, undefined, { signal }));
  const openSession = deps.openSession ?? openMqttSession;
  const loadMaterial = deps.loadMaterial ?? loadTlsMaterial;
  const prefix = devicePrefix(deps.deviceId);
  const statusTopic = `${prefix}up/status`;
  const stateTopic = `${prefix}up/state`;
  const subs = new SubscriptionTable(log);

  const rec = new UplinkRecorder(now, deps.historySize ?? DEFAULT_HISTORY_SIZE, log);
  let session: MqttSession | null = null;
  let stateDoc: string | null = null;
  let publishedState: string | null = null;
  let loop: Promise<void> | null = null;
  let isStopping = false;
  const ac = new AbortController();
  /** Set by reconnect(): why the current session is to be replaced at once. */
  let reconnectReason: string | null = null;
  /** Aborts the back-off wait in progress, so a reconnect() need not sit it out. */
  let wake: AbortController | null = null;

  /**
   * After CONNACK: `online`, the state document, the subscriptions. An unacknowledged publish drops
   * the session (ack-timeout, through the back-off); other failures are logged.
   */
  async function onSessionUp(s: MqttSession): Promise<void> {
    try {
      await s.publish(statusTopic, STATUS_ONLINE, { qos: 1, retain: true }, cfg.publishTimeoutMs);
      const doc = stateDoc;
      if (doc !== null) {
        await s.publish(stateTopic, doc, { qos: 1, retain: true }, cfg.publishTimeoutMs);
        publishedState = doc;
      }
      await subs.subscribeAll(cfg.publishTimeoutMs);
    } catch (err) {
      log.warn({ err }, 'uplink.session_setup_failed');
    }
  }

  async function attempt(url: string, plan: AttemptPlan, signal: AbortSignal): Promise<AttemptOutcome> {
    const startedAt = now();
    rec.attempts++;
    rec.broker = url;
    const base = { broker: url, delayBeforeMs: plan.delayMs, capMs: plan.capMs };
    const decision = await runBeforeConnect(
      deps.beforeConnect,
      { broker: url, attempt: rec.attempts, signal },
      cfg.connectTimeoutMs,
    );
    if (!decision.allow) {
      if (!signal.aborted)
        rec.lastError = {
          code: decision.code,
          reason: decision.reason,
          message: decision.message ?? decision.reason,
          atMs: now(),
        };
      rec.record({
        ...base,
        atMs: startedAt,
        outcome: 'vetoed',
        reason: decision.reason,
        code: decision.code,
        ...(decision.message === undefined ? {} : { message: decision.message }),
        durationMs: now() - startedAt,
      });
      log.warn({ broker: url, code: decision.code, reason: decision.reason }, 'uplink.vetoed');
      rec.setState('vetoed');
      return { kind: 'vetoed' };
    }
    rec.setState('connecting');
    let s: MqttSession;
    try {
      const material = await loadMaterial(cfg);
      const params = sessionParams(deps.deviceId, cfg, url, material, deps.systemCa ?? rootCertificates);
      s = await openSession(params, signal);
    } catch (err) {
      const info = errorInfo(err, now());
      if (!signal.aborted) rec.lastError = info;
      rec.record({
        ...base,
        atMs: startedAt,
        outcome: 'failed',
        reason: info.reason,
        code: info.code,
        message: info.message,
        durationMs: now() - startedAt,
      });
      log.warn({ broker: url, code: info.code, reason: info.reason, err }, 'uplink.attempt_failed');
      return { kind: 'failed' };
    }
    const upAt = now();
    session = s;
    subs.attach(s);
    s.onMessage((topic, payload) => subs.dispatch(topic, payload));
    // An abort of the service signal drops the session at once (no DISCONNECT: the will goes out).
    const onAbort = (): void => void s.close(false);
    signal.addEventListener('abort', onAbort, { once: true });
    rec.record({
      ...base,
      atMs: startedAt,
      outcome: 'connected',
      reason: 'ok',
      durationMs: upAt - startedAt,
    });
    log.info({ broker: url, localPort: s.localPort ?? null }, 'uplink.connected');
    rec.setState('connected');
    // A reconnect() asked for while this attempt ran may have come too late for its TLS material.
    if (reconnectReason !== null) void s.close(true);
    else void onSessionUp(s);
    const why = await s.ended;
    signal.removeEventListener('abort', onAbort);
    session = null;
    subs.detach(s);
    await s.close(false);
    const upMs = now() - upAt;
    const info =
      why === null
        ? null
        : errorInfo(new ZtgwError(why.code, `${url}: ${why.message}`, { reason: why.reason }), now());
    if (info !== null) rec.lastError = info;
    const asked = reconnectReason;
    const reason = info?.reason ?? (asked !== null ? 'reconnect' : 'stopped');
    rec.record({
      ...base,
      atMs: now(),
      outcome: 'closed',
      reason,
      ...(info === null ? {} : { code: info.code, message: info.message }),
      ...(info === null && asked !== null ? { message: asked } : {}),
      durationMs: upMs,
    });
    log.info({ broker: url, upMs, reason }, 'uplink.closed');
    return { kind: 'dropped', wasStable: upMs >= cfg.stableAfterMs };
  }

  async function run(signal: AbortSignal): Promise<void> {
    let retry = FRESH_RETRY;
    const n = cfg.brokers.length;
    while (!signal.aborted && !isStopping) {
      const plan = planNextAttempt(
        retry,
        n,
        { baseMs: cfg.backoffBaseMs, maxMs: cfg.backoffMaxMs },
        random01(),
      );
      const url = cfg.brokers[plan.brokerIndex]?.url ?? '';
      if (plan.delayMs > 0) {
        if (rec.state !== 'vetoed') rec.setState('backoff');
        // One controller per wait, linked by hand: AbortSignal.any would pile up on the service signal.
        const w = new AbortController();
        const onAbort = (): void => w.abort(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        wake = w;
        try {
          await sleep(plan.delayMs, w.signal);
        } catch {
          // An abort (stop, or reconnect() cutting the wait short) ends the wait; the loop decides.
        } finally {
          wake = null;
          signal.removeEventListener('abort', onAbort);
        }
      }
      if (signal.aborted || isStopping) break;
      let outcome: AttemptOutcome;
      try {
        outcome = await attempt(url, plan, signal);
      } catch (err) {
        // attempt() handles its own failures; this is a bug, logged, and the loop backs off.
        log.error({ err, broker: url }, 'uplink.internal_error');
        outcome = { kind: 'failed' };
      }
      if (reconnectReason !== null) {
        outcome = { kind: 'requested' };
        reconnectReason = null;
      }
      retry = recordOutcome(retry, outcome, n);
      rec.failures = retry.failures;
    }
    rec.setState('stopped');
  }

  const publishNow = (
    topic: string,
    payload: string | Uint8Array,
    opts: UplinkPublishOptions,
  ): Promise<void> => {
    const s = session;
    if (s === null) {
      return Promise.reject(
        new ZtgwError('UPLINK_CLOSED', `no uplink session (state ${rec.state})`, { reason: 'not-connected' }),
      );
    }
    const qos = opts.qos ?? 1;
    const sent = s.publish(topic, payload, { qos, retain: opts.retain ?? false }, cfg.publishTimeoutMs);
    const onPublished = deps.onPublished;
    if (onPublished === undefined) return sent;
    const bytes = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    return sent.then(() => onPublished(topic, bytes, qos));
  };

  return {
    async start(signal) {
      if (loop !== null) throw new TypeError('uplink already started');
      const onAbort = (): void => ac.abort(signal.reason);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      rec.setState('connecting');
      loop = run(ac.signal).finally(() => signal.removeEventListener('abort', onAbort));
    },
    async stop() {
      if (loop === null) return;
      isStopping = true;
      const s = session;
      if (s !== null) {
        await s
          .publish(
            statusTopic,
            STATUS_OFFLINE,
            { qos: 1, retain: true },
            deps.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS,
          )
          .catch((err: unknown) => log.warn({ err }, 'uplink.offline_not_published'));
        await s.close(true);
      }
      ac.abort(new ZtgwError('UPLINK_CLOSED', 'uplink stopped', { reason: 'stopped' }));
      await loop;
    },
    async reconnect(reason: string) {
      if (loop === null || isStopping) return;
      reconnectReason = reason;
      log.info({ reason }, 'uplink.reconnect_requested');
      wake?.abort();
      const s = session;
      // DISCONNECT first: the broker takes it as a normal end and does not publish the will.
      if (s !== null) await s.close(true);
    },
    status: () => rec.status(),
    attempts: () => rec.records(),
    onAttempt: (listener) => rec.onAttempt(listener),
    onStatus: (listener) => rec.onStatus(listener),
    publish(topic, payload, opts = {}) {
      const problem = checkPublishTopic(prefix, topic);
      if (problem !== null) return Promise.reject(new TypeError(problem));
      return publishNow(topic, payload, opts);
    },
    async publishState(doc: JsonObject) {
      const text = JSON.stringify(doc);
      stateDoc = text;
      if (session === null || text === publishedState) return;
      try {
        await publishNow(stateTopic, text, { qos: 1, retain: true });
        publishedState = text;
      } catch (err) {
        log.warn({ err }, 'uplink.state_not_published');
      }
    },
    async subscribe(filter: string, handler: MessageHandler, opts = {}) {
      const problem = checkSubscribeFilter(prefix, filter);
      if (problem !== null) throw new TypeError(problem);
      return subs.add(filter, opts.qos ?? 1, handler, cfg.publishTimeoutMs);
    },
  };
}
