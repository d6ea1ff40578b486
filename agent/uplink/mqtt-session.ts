/**
 * One MQTT session over one TLS socket: the only place that touches mqtt.js and node:tls. The socket
 * is made here and handed to mqtt.js, so that this module knows each phase (TCP, TLS, CONNACK) and
 * when the socket is really closed. mqtt.js never reconnects (`reconnectPeriod: 0`): a session ends
 * once, and the uplink client decides what comes next.
 *
 * ```
 * openMqttSession ─▶ tls.connect ─▶ 'connect' ─▶ 'secureConnect' ─▶ mqtt.js: CONNECT ─▶ CONNACK 0 ─▶ session
 *        │ error / timeout / close / CONNACK≠0: destroy, wait for 'close', reject (classified)
 * MqttSession.ended resolves once: the classified failure, or null when close() ended it
 * ```
 *
 * mqtt.js gets the socket only after the handshake: a CONNECT written during the handshake would make
 * a handshake failure surface as a bare `write EPROTO` (captured against a TLS 1.1-only mosquitto)
 * instead of the OpenSSL code that says what failed.
 *
 * Session settings: MQTT 3.1.1 (every broker the agent targets speaks it), clean session. The durable
 * journal, not the broker's session store, is what keeps readings until PUBACK; downlink config is
 * retained and grants expire, so nothing needs a persistent session, and a clean session means a
 * broker never replays hours-old commands after an outage. Subscriptions are renewed on every connect.
 */
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { MqttClient } from 'mqtt';
import { ZtgwError } from '../../modem/errors.js';
import {
  type ConnectPhase,
  classifyFailure,
  failureError,
  type RawFailure,
  type UplinkFailure,
} from './classify-error.js';
import type { MqttSession, OpenSession, PublishOptions, SessionParams } from './session-types.js';

/** How long a graceful close waits for DISCONNECT to be written before destroying the socket, in ms. */
export const GRACEFUL_CLOSE_MS = 2000;

export type {
  MqttSession,
  OpenSession,
  PublishOptions,
  SessionParams,
  WillMessage,
} from './session-types.js';

const errorCodeOf = (err: unknown): string | number | undefined =>
  typeof err === 'object' &&
  err !== null &&
  'code' in err &&
  (typeof err.code === 'string' || typeof err.code === 'number')
    ? err.code
    : undefined;

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function rawError(err: unknown): Omit<RawFailure, 'phase'> {
  const code = errorCodeOf(err);
  return {
    event: 'error',
    ...(typeof code === 'string' ? { errorCode: code } : {}),
    message: messageOf(err),
  };
}

/** One session over one socket; see the module comment. */
class TlsMqttSession implements MqttSession {
  readonly ended: Promise<UplinkFailure | null>;
  private readonly socketClosed: Promise<void>;
  private endResolve: (f: UplinkFailure | null) => void = () => undefined;
  private phase: ConnectPhase = 'tcp';
  private failure: UplinkFailure | null = null;
  private isClosedByUs = false;
  private client: MqttClient | null = null;
  /** Rejecters of operations waiting for an acknowledgement. */
  private readonly pending = new Set<(f: UplinkFailure) => void>();

  constructor(
    private readonly sock: TLSSocket,
    private readonly params: SessionParams,
  ) {
    this.ended = new Promise((r) => {
      this.endResolve = r;
    });
    this.socketClosed = new Promise((r) => sock.once('close', () => r()));
    sock.once('connect', () => {
      if (this.phase === 'tcp') this.phase = 'tls';
    });
    sock.on('error', (err) => this.fail(rawError(err)));
  }

  get localPort(): number | undefined {
    return this.sock.localPort;
  }

  /** Records the first failure and tears the socket down; later ones are consequences. */
  private fail(raw: Omit<RawFailure, 'phase'>): void {
    if (this.failure !== null || this.isClosedByUs) return;
    this.failure = classifyFailure({ ...raw, phase: this.phase }, this.params.context);
    this.sock.destroy();
  }

  /** Resolves on CONNACK 0; otherwise rejects, classified, once the socket is closed. */
  connect(signal: AbortSignal): Promise<void> {
    const p = this.params;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.fail({ event: 'timeout' }), p.connectTimeoutMs);
      const onAbort = (): void => {
        this.isClosedByUs = true;
        this.sock.destroy();
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      this.sock.once('secureConnect', () => {
        if (this.failure !== null || this.isClosedByUs) return;
        this.phase = 'mqtt';
        this.startMqtt(() => {
          clearTimeout(timer);
          this.phase = 'session';
          resolve();
        });
      });
      void this.socketClosed.then(() => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        const f =
          this.failure ??
          (this.isClosedByUs ? null : classifyFailure({ phase: this.phase, event: 'close' }, p.context));
        if (this.phase !== 'session') {
          reject(
            f === null
              ? new ZtgwError('UPLINK_CLOSED', 'stopped', { reason: 'stopped' })
              : failureError(f, p.broker),
          );
          return;
        }
        // Whatever still waits for an acknowledgement will not get one on this socket.
        const why: UplinkFailure = f ?? {
          code: 'UPLINK_CLOSED',
          reason: 'stopped',
          message: 'the session was closed',
          phase: 'session',
        };
        for (const cancel of this.pending) cancel(why);
        this.pending.clear();
        this.endResolve(f);
      });
    });
  }

  private startMqtt(onConnack: () => void): void {
    const p = this.params;
    // mqtt.js's own CONNACK timer is set past ours: ours knows the phase the attempt was in.
    const client = new MqttClient(() => this.sock, {
      clientId: p.clientId,
      protocolVersion: 4,
      clean: true,
      keepalive: p.keepaliveS,
      reconnectPeriod: 0,
      connectTimeout: p.connectTimeoutMs * 2,
      resubscribe: false,
      queueQoSZero: false,
      will: {
        topic: p.will.topic,
        payload: Buffer.from(p.will.payload),
        qos: p.will.qos,
        retain: p.will.retain,
      },
    });
    this.client = client;
    // Without a listener an 'error' event would throw; errors are classified here or on the socket.
    client.on('error', (err) => {
      const code = errorCodeOf(err);
      if (typeof code === 'number' && this.phase === 'mqtt')
        this.fail({ event: 'refused', returnCode: code });
      else this.fail(rawError(err));
    });
    // mqtt.js reports a missed PINGRESP as a code-less error; hook the method it calls instead.
    const onKeepaliveTimeout = client.onKeepaliveTimeout.bind(client);
    client.onKeepaliveTimeout = () => {
      this.fail({ event: 'keepalive-timeout' });
      onKeepaliveTimeout();
    };
    client.once('connect', () => {
      if (this.failure === null && !this.isClosedByUs) onConnack();
    });
  }

  /** Runs one acknowledged operation with a deadline; a miss drops the session. */
  private acked<T>(
    start: (client: MqttClient, done: (err: Error | null, value: T) => void) => void,
    timeoutMs: number,
  ): Promise<T> {
    const broker = this.params.broker;
    return new Promise<T>((res, rej) => {
      const client = this.client;
      if (client === null || this.phase !== 'session' || this.failure !== null || this.isClosedByUs) {
        rej(new ZtgwError('UPLINK_CLOSED', `${broker}: not connected`, { reason: 'not-connected' }));
        return;
      }
      const cancel = (f: UplinkFailure): void => {
        clearTimeout(timer);
        rej(failureError(f, broker));
      };
      const timer = setTimeout(() => {
        this.pending.delete(cancel);
        this.fail({ event: 'ack-timeout' });
        rej(
          new ZtgwError('UPLINK_CLOSED', `${broker}: no acknowledgement in ${timeoutMs} ms`, {
            reason: 'ack-timeout',
          }),
        );
      }, timeoutMs);
      this.pending.add(cancel);
      start(client, (err, value) => {
        if (!this.pending.delete(cancel)) return;
        clearTimeout(timer);
        if (err === null) res(value);
        else
          rej(
            new ZtgwError(
              'UPLINK_CLOSED',
              `${broker}: ${err.message}`,
              { reason: 'ack-error' },
              { cause: err },
            ),
          );
      });
    });
  }

  publish(
    topic: string,
    payload: string | Uint8Array,
    opts: PublishOptions,
    timeoutMs: number,
  ): Promise<void> {
    return this.acked<void>(
      (c, done) =>
        c.publish(topic, Buffer.from(payload), { qos: opts.qos, retain: opts.retain }, (err) =>
          done(err ?? null, undefined),
        ),
      timeoutMs,
    );
  }

  subscribe(
    filters: readonly { filter: string; qos: 0 | 1 }[],
    timeoutMs: number,
  ): Promise<readonly number[]> {
    const map = Object.fromEntries(filters.map((f) => [f.filter, { qos: f.qos }]));
    return this.acked<readonly number[]>(
      (c, done) =>
        c.subscribe(map, (err, granted) =>
          done(
            err ?? null,
            (granted ?? []).map((g) => g.qos),
          ),
        ),
      timeoutMs,
    );
  }

  unsubscribe(filters: readonly string[], timeoutMs: number): Promise<void> {
    return this.acked<void>(
      (c, done) => c.unsubscribe([...filters], (err) => done(err ?? null, undefined)),
      timeoutMs,
    );
  }

  onMessage(listener: (topic: string, payload: Buffer) => void): void {
    this.client?.on('message', (topic, payload) => listener(topic, payload));
  }

  async close(graceful: boolean): Promise<void> {
    const client = this.client;
    if (!this.isClosedByUs && this.failure === null) {
      this.isClosedByUs = true;
      if (graceful && client?.connected === true) {
        const forced = setTimeout(() => this.sock.destroy(), GRACEFUL_CLOSE_MS);
        client.end(false, {}, () => clearTimeout(forced));
        await this.socketClosed;
        clearTimeout(forced);
      } else {
        client?.end(true);
      }
    }
    this.sock.destroy();
    await this.socketClosed;
  }
}

/** Opens a session; rejects with a classified UPLINK_* ZtgwError after the socket is closed. */
export const openMqttSession: OpenSession = async (params, signal) => {
  let sock: TLSSocket;
  try {
    sock = tlsConnect({ ...params.tls });
  } catch (err) {
    // tls.connect throws at once when the CA, certificate or key cannot be loaded.
    throw failureError(classifyFailure({ phase: 'setup', ...rawError(err) }, params.context), params.broker);
  }
  const session = new TlsMqttSession(sock, params);
  await session.connect(signal);
  return session;
};
