/**
 * The MQTT listener for sensors: a TCP server, connection admission, one deadline sweep for all
 * connections, and the table of connected sensors (one connection per sensor id: a new one takes
 * over). Each connection is an `MqttConnection`.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, Server as TlsServer } from 'node:tls';
import { ZtgwError } from '../../modem/errors.js';
import type { Logger } from '../../modem/log.js';
import { ConnectionAdmission } from './admission.js';
import { proveSensor, type SensorProof, type SensorProofOptions } from './client-cert.js';
import { ConnectionTable, closeSessions } from './connection-table.js';
import { type Counters, formatPeer, newCounters, snapshot, sourceOf } from './counters.js';
import type { ListenerLimits } from './limits.js';
import { listenOn } from './listen.js';
import { MqttConnection, type MqttHost } from './mqtt-connection.js';
import { reportEvent } from './safe-gate.js';
import { SubscriptionSet } from './subscriptions.js';
import type { Listener, ListenerEvent, ListenerTls, SensorGate, Unsupported } from './types.js';

/**
 * Starts the MQTT listener (3.1.1 and 5) on `spec`, over TLS when `spec.tls` is set. Sensors log in
 * with username = sensor id and password = secret, and with `tls.requireClientCert` a client
 * certificate whose CN is that id (`auth: 'cert'`: the certificate alone; see client-cert.ts); every
 * publish and subscribe goes to `gate`.
 *
 * Decisions, each the protocol's answer to something a sensor must not be able to do to the gateway:
 *
 * - PUBACK only after `gate.publish` resolved: the reading is durable. Acks go out in the order the
 *   PUBLISHes came (MQTT 3.1.1 §4.6), several in one write.
 * - Denied QoS 1 publish on 3.1.1: answered with a PUBACK (3.1.1 has no negative PUBACK). The
 *   reading is not stored; the gate has counted and audited the denial. Disconnecting instead would
 *   make the client resend the same refused reading after every reconnect, forever, and hold up the
 *   good readings queued behind it. On 5 the PUBACK carries 0x97 (rate), 0x83 (size, schema), 0x90
 *   (bad topic) or 0x87 (not authorized) and a reason string, unless the client set Request
 *   Problem Information to 0 (0x95 is not a PUBACK code; see `denialReasonCode`).
 * - Journal unavailable: no ack. A v5 PUBACK ≥ 0x80 would end the QoS 1 exchange and the client
 *   would drop the reading (MQTT 5 §4.3.2); instead the connection is closed (v5: DISCONNECT 0x89,
 *   server busy) and the unacknowledged PUBLISH is resent after the reconnect with DUP set. QoS 0
 *   publishes have no ack to hold; they are counted as unavailable and the connection stays.
 * - QoS 2 refused: v5 DISCONNECT 0x9B (QoS not supported, CONNACK advertises Maximum QoS 1);
 *   3.1.1 closes the connection, which is all 3.1.1 allows.
 * - Retain flag ignored: the reading is journaled like any other; the listener is no broker and keeps
 *   nothing for later subscribers. Will messages ignored: a sensor's disconnect reaches the agent as
 *   a `disconnect` event. Both reported once per connection as `unsupported … ignored`.
 * - Topic aliases refused (v5 DISCONNECT 0x94): CONNACK advertises none.
 * - In-flight cap: at `maxInFlight` unanswered publishes the socket is paused, so TCP pushes back on
 *   the sensor; packets already parsed from the last chunk wait in a queue bounded by that chunk.
 * - Identity is the username; the client id is not. A second connection of a sensor takes over
 *   (v5: DISCONNECT 0x8E to the first). Commands go down at QoS 0.
 * - Sessions: a sensor asking for a persistent session (3.1.1 CleanSession 0; 5 Clean Start 0 with
 *   a Session Expiry Interval) gets its subscriptions back and Session Present 1 on reconnect, so
 *   a conforming client keeps and resends its unacknowledged QoS 1 publishes [MQTT-4.4.0-1]. A
 *   session lasts while the listener runs, whatever the expiry interval; a clean connect ends it.
 *   There is no server-side QoS 1 state to keep: readings are acked only once durable.
 */
export async function startMqttListener(
  spec: {
    readonly address: string;
    readonly port: number;
    readonly tls?: ListenerTls;
    readonly auth?: 'secret' | 'cert';
  },
  limits: ListenerLimits,
  gate: SensorGate,
  log: Logger,
): Promise<Listener> {
  const what = `mqtt${spec.tls === undefined ? '' : '+tls'} ${formatPeer(spec.address, spec.port)}`;
  const server = spec.tls === undefined ? createServer({ noDelay: true }) : tlsServer(spec.tls, limits, what);
  const proof: SensorProofOptions = {
    requireClientCert: spec.tls?.requireClientCert ?? false,
    auth: spec.auth ?? 'secret',
  };
  if (proof.auth === 'cert' && !proof.requireClientCert) {
    throw new TypeError(`${what}: auth "cert" needs tls.requireClientCert`);
  }
  const listener = new MqttListener(server, limits, gate, log.child({ component: 'mqtt-listener' }), proof);
  await listenOn(server, { host: spec.address, port: spec.port }, what);
  listener.started();
  return listener;
}

/**
 * A TLS server whose handshake always completes, with or without a good client certificate
 * (`rejectUnauthorized: false`): the CONNECT is what is refused, with a CONNACK the sensor can log
 * and an audit record naming the cause. Bad PEM material is LISTENER_BIND naming the listener.
 */
function tlsServer(t: ListenerTls, limits: ListenerLimits, what: string): TlsServer {
  try {
    return createTlsServer({
      cert: t.cert,
      key: t.key,
      ...(t.ca === undefined ? {} : { ca: t.ca }),
      requestCert: t.requireClientCert,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      // The handshake gets its own connectTimeoutMs; the CONNECT's runs from the end of it.
      handshakeTimeout: limits.connectTimeoutMs,
      noDelay: true,
    });
  } catch (err) {
    throw new ZtgwError(
      'LISTENER_BIND',
      `cannot listen on ${what}: bad TLS material: ${err instanceof Error ? err.message : String(err)}`,
      { listener: what, cause: 'tls-material' },
      { cause: err },
    );
  }
}

class MqttListener implements Listener, MqttHost {
  readonly counters: Counters = newCounters();
  private readonly admission: ConnectionAdmission;
  private readonly table = new ConnectionTable<MqttConnection>();
  /** Kept sessions (their subscriptions), by sensor id: at most one per sensor that authenticated. */
  private readonly sessions = new Map<string, SubscriptionSet>();
  private clockMs = performance.now();
  private sweep: ReturnType<typeof setInterval> | null = null;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly server: Server,
    readonly limits: ListenerLimits,
    readonly gate: SensorGate,
    readonly log: Logger,
    private readonly proof: SensorProofOptions,
  ) {
    this.admission = new ConnectionAdmission(limits.maxConnections, limits.perSourceConnectsPerMin);
    // On a TLS server 'connection' is the raw TCP socket, before the handshake: admission counts
    // handshakes too, so that a flood of them is refused as cheaply as a flood of CONNECTs.
    const isTls = server instanceof TlsServer;
    server.on('connection', (s: Socket) => this.onAccept(s, !isTls));
    if (isTls) {
      server.on('secureConnection', (s: TLSSocket) => this.onSession(s));
      server.on('tlsClientError', (err: NodeJS.ErrnoException, s: TLSSocket) => this.onTlsError(err, s));
    }
    server.on('error', (err) => log.error({ err }, 'mqtt listener error'));
  }

  started(): void {
    this.sweep = setInterval(() => this.onSweep(), this.limits.timerResolutionMs);
  }

  nowMs(): number {
    return this.clockMs;
  }

  emit(e: ListenerEvent): void {
    if (e.kind === 'connect' || e.kind === 'disconnect' || e.kind === 'takeover') {
      this.log.info({ ...e }, `sensor.${e.kind}`);
    } else if (
      e.kind !== 'limit' ||
      (e.limit !== 'maxConnections' && e.limit !== 'perSourceConnectsPerMin')
    ) {
      this.log.warn({ ...e }, `listener.${e.kind}`);
    } else this.log.debug({ ...e }, 'listener.refused');
    reportEvent(this.gate, this.log, this.counters, e);
  }

  reportUnsupported(c: MqttConnection, feature: Unsupported, action: 'refused' | 'ignored'): void {
    this.emit({ kind: 'unsupported', via: 'mqtt', sensorId: c.sensorId, peer: c.peer, feature, action });
  }

  claim(
    c: MqttConnection,
    wantsSession: boolean,
  ): { subscriptions: SubscriptionSet; isSessionPresent: boolean } {
    const id = c.sensorId ?? '';
    const old = this.table.claim(id, c);
    if (old !== null) {
      this.emit({ kind: 'takeover', via: 'mqtt', sensorId: id, peer: c.peer, previousPeer: old.peer });
      old.takenOver(c.peer);
    }
    const kept = this.sessions.get(id);
    if (wantsSession && kept !== undefined) return { subscriptions: kept, isSessionPresent: true };
    const fresh = new SubscriptionSet();
    if (wantsSession) this.sessions.set(id, fresh);
    else this.sessions.delete(id);
    return { subscriptions: fresh, isSessionPresent: false };
  }

  prove(socket: Socket, username: string, secret: string | null, peer: string): Promise<SensorProof> {
    return proveSensor(socket, username, secret, peer, this.proof, this.gate, this.log);
  }

  released(c: MqttConnection, reason: string): void {
    this.table.release(c);
    const id = c.sensorId;
    if (id === null) return;
    this.emit({ kind: 'disconnect', via: 'mqtt', sensorId: id, peer: c.peer, reason });
  }

  /** A TCP connection: admitted (and released when it closes) or closed at once. */
  private onAccept(socket: Socket, isSession: boolean): void {
    const peer = formatPeer(socket.remoteAddress, socket.remotePort);
    if (this.closing !== null) {
      socket.destroy();
      return;
    }
    this.clockMs = performance.now();
    const a = this.admission.admit(sourceOf(socket.remoteAddress), this.clockMs);
    if (!a.ok) {
      socket.on('error', () => undefined); // the socket is destroyed at once; a reset is no news
      socket.destroy();
      this.emit({ kind: 'limit', via: 'mqtt', sensorId: null, peer, limit: a.limit, reason: a.reason });
      return;
    }
    socket.once('close', () => this.admission.release());
    this.counters.accepted++;
    if (isSession) this.onSession(socket);
  }

  /** The MQTT session of an admitted socket (for TLS, once the handshake is done). */
  private onSession(socket: Socket): void {
    if (this.closing !== null) {
      socket.destroy();
      return;
    }
    this.clockMs = performance.now();
    this.table.add(new MqttConnection(socket, formatPeer(socket.remoteAddress, socket.remotePort), this));
  }

  /** A handshake that failed: a peer leaving mid-way is no news; a timeout or a non-TLS client is. */
  private onTlsError(err: NodeJS.ErrnoException, socket: TLSSocket): void {
    const peer = formatPeer(socket.remoteAddress, socket.remotePort);
    if (err.code === 'ECONNRESET') {
      this.log.debug({ peer }, 'listener.tls-reset');
    } else if (err.code === 'ERR_TLS_HANDSHAKE_TIMEOUT') {
      const reason = `no TLS handshake within ${this.limits.connectTimeoutMs} ms`;
      this.emit({ kind: 'limit', via: 'mqtt', sensorId: null, peer, limit: 'connectTimeoutMs', reason });
    } else {
      const reason = `TLS handshake failed: ${err.code ?? err.message}`;
      this.emit({ kind: 'malformed', via: 'mqtt', sensorId: null, peer, reason });
    }
  }

  private onSweep(): void {
    this.clockMs = performance.now();
    this.table.checkDeadlines(this.clockMs);
    this.admission.prune(this.clockMs);
  }

  address(): string {
    const a = this.server.address();
    return a === null || typeof a === 'string' ? String(a) : formatPeer(a.address, a.port);
  }

  deliver(sensorId: string, topic: string, payload: Uint8Array): boolean {
    if (!this.table.deliver(sensorId, topic, payload)) return false;
    this.counters.delivered++;
    return true;
  }

  disconnect(sensorId: string, reason: string): boolean {
    this.sessions.delete(sensorId);
    return this.table.revoke(sensorId, reason);
  }

  stats() {
    return snapshot('mqtt', this.counters, this.table.size, this.table.sensors);
  }

  close(): Promise<void> {
    this.closing ??= closeSessions(this.server, this.table, () => {
      if (this.sweep !== null) clearInterval(this.sweep);
      this.sweep = null;
    });
    return this.closing;
  }
}
