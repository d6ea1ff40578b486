/**
 * Helpers of the uplink client: the parameters of one attempt, the subscription table that outlives
 * sessions (a clean session forgets subscriptions, so they are renewed on every connect), and the
 * bounded call of the beforeConnect hook.
 */
import { type ErrorCode, hasCode, isZtgwError, ZtgwError } from '../../modem/errors.js';
import type { Logger } from '../../modem/log.js';
import type { UplinkConfig } from '../config/types.js';
import type { MqttSession, SessionParams } from './mqtt-session.js';
import { buildTlsOptions, type TlsMaterial } from './tls-options.js';
import { topicMatches } from './topic-filter.js';
import type {
  BeforeConnect,
  BeforeConnectContext,
  BeforeConnectDecision,
  MessageHandler,
} from './uplink-types.js';

/** `ztgw/<id>/up/status` payloads: retained, and `offline` is also the last will. */
export const STATUS_ONLINE = 'online';
export const STATUS_OFFLINE = 'offline';

/**
 * What one attempt asks of the session: the TLS options, client id = device id, keep-alive, the
 * bound on the attempt and the last will `ztgw/<id>/up/status` = `offline`, retained, QoS 1.
 */
export function sessionParams(
  deviceId: string,
  cfg: UplinkConfig,
  url: string,
  material: TlsMaterial,
  systemCa: readonly string[],
): SessionParams {
  const tls = buildTlsOptions({
    url,
    ...(cfg.serverName === undefined ? {} : { serverName: cfg.serverName }),
    tlsMinVersion: cfg.tlsMinVersion,
    useSystemCa: cfg.useSystemCa,
    material,
    systemCa,
  });
  return {
    broker: url,
    tls,
    clientId: deviceId,
    keepaliveS: cfg.keepaliveS,
    connectTimeoutMs: cfg.connectTimeoutMs,
    will: { topic: `ztgw/${deviceId}/up/status`, payload: STATUS_OFFLINE, qos: 1, retain: true },
    context: {
      caFile: cfg.caFile,
      expectedName: cfg.serverName ?? tls.host,
      tlsMinVersion: cfg.tlsMinVersion,
    },
  };
}

/** SUBACK return code of a refused filter (MQTT 3.1.1 §3.9.3). */
export const SUBACK_FAILURE = 0x80;

interface Entry {
  qos: 0 | 1;
  readonly handlers: Set<MessageHandler>;
}

/**
 * Filters and their handlers, kept across sessions. `attach` starts a session's bookkeeping: each
 * filter is sent once per session at the QoS wanted, whether `add` or `subscribeAll` gets there first.
 */
export class SubscriptionTable {
  private readonly entries = new Map<string, Entry>();
  private active: MqttSession | null = null;
  /** Filter → QoS already asked for on the active session. */
  private sent = new Map<string, 0 | 1>();

  constructor(private readonly log: Logger) {}

  attach(s: MqttSession): void {
    this.active = s;
    this.sent = new Map();
  }

  detach(s: MqttSession): void {
    if (this.active === s) this.active = null;
  }

  /** Registers a handler; subscribes at once when a session is up. Resolves to the unsubscribe function. */
  async add(filter: string, qos: 0 | 1, handler: MessageHandler, timeoutMs: number): Promise<() => void> {
    const entry: Entry = this.entries.get(filter) ?? { qos, handlers: new Set() };
    entry.qos = qos === 1 || entry.qos === 1 ? 1 : 0;
    entry.handlers.add(handler);
    this.entries.set(filter, entry);
    const unsubscribe = (): void => this.remove(filter, handler, timeoutMs);
    const s = this.active;
    const sentQos = this.sent.get(filter);
    if (s === null || (sentQos !== undefined && sentQos >= entry.qos)) return unsubscribe;
    this.sent.set(filter, entry.qos);
    let granted: readonly number[];
    try {
      granted = await s.subscribe([{ filter, qos: entry.qos }], timeoutMs);
    } catch (err) {
      // The session dropped meanwhile: like offline, the next session subscribes the filter.
      if (hasCode(err, 'UPLINK_CLOSED')) return unsubscribe;
      unsubscribe();
      throw err;
    }
    if (granted[0] === SUBACK_FAILURE) {
      unsubscribe();
      throw new ZtgwError('UPLINK_REFUSED', `the broker refused the subscription to ${filter}`, {
        reason: 'subscription-refused',
        filter,
      });
    }
    return unsubscribe;
  }

  private remove(filter: string, handler: MessageHandler, timeoutMs: number): void {
    const entry = this.entries.get(filter);
    if (entry === undefined || !entry.handlers.delete(handler) || entry.handlers.size > 0) return;
    this.entries.delete(filter);
    const s = this.active;
    if (s === null || !this.sent.delete(filter)) return;
    s.unsubscribe([filter], timeoutMs).catch((err: unknown) =>
      this.log.debug({ err, filter }, 'uplink.unsubscribe_failed'),
    );
  }

  /** Sends every filter not yet sent on the active session; refused ones are logged. */
  async subscribeAll(timeoutMs: number): Promise<void> {
    const s = this.active;
    if (s === null) return;
    const list = [...this.entries]
      .filter(([filter, e]) => (this.sent.get(filter) ?? -1) < e.qos)
      .map(([filter, e]) => ({ filter, qos: e.qos }));
    if (list.length === 0) return;
    for (const l of list) this.sent.set(l.filter, l.qos);
    const granted = await s.subscribe(list, timeoutMs);
    list.forEach((l, i) => {
      if (granted[i] === SUBACK_FAILURE) this.log.warn({ filter: l.filter }, 'uplink.subscription_refused');
    });
  }

  dispatch(topic: string, payload: Buffer): void {
    for (const [filter, e] of this.entries) {
      if (!topicMatches(filter, topic)) continue;
      for (const h of e.handlers) {
        try {
          h(topic, payload);
        } catch (err) {
          this.log.error({ err, topic }, 'uplink.handler_failed');
        }
      }
    }
  }
}

/**
 * Asks the hook, bounded by `timeoutMs`. No hook allows; a hook that throws or does not answer in
 * time vetoes (fail closed: the guard exists to keep the uplink down when in doubt).
 */
export async function runBeforeConnect(
  hook: BeforeConnect | undefined,
  ctx: BeforeConnectContext,
  timeoutMs: number,
): Promise<BeforeConnectDecision> {
  if (hook === undefined) return { allow: true };
  const ac = new AbortController();
  const parent = ctx.signal;
  const onParent = (): void => ac.abort(parent.reason);
  if (parent.aborted) onParent();
  else parent.addEventListener('abort', onParent, { once: true });
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const veto = (code: ErrorCode, reason: string, message: string): BeforeConnectDecision => ({
    allow: false,
    code,
    reason,
    message,
  });
  try {
    return await new Promise<BeforeConnectDecision>((resolve) => {
      ac.signal.addEventListener(
        'abort',
        () =>
          resolve(
            parent.aborted
              ? veto('UPLINK_CLOSED', 'stopped', 'the uplink is stopping')
              : veto('UPLINK_CONNECT', 'hook-timeout', `beforeConnect did not answer in ${timeoutMs} ms`),
          ),
        { once: true },
      );
      hook({ ...ctx, signal: ac.signal }).then(resolve, (err: unknown) =>
        resolve(
          veto(
            isZtgwError(err) ? err.code : 'UPLINK_CONNECT',
            'hook-failed',
            `beforeConnect failed: ${err instanceof Error ? err.message : String(err)}`,
          ),
        ),
      );
    });
  } finally {
    clearTimeout(timer);
    parent.removeEventListener('abort', onParent);
  }
}
