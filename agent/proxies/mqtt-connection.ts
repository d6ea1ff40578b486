/**
 * One sensor's MQTT connection (3.1.1 and 5), from accept to close.
 *
 *   socket ─▶ FrameScanner (size, trickle) ─▶ PacketSplitter ─▶ decodePublish | mqtt-packet parser
 *          ─▶ CONNECT ─▶ gate.authenticate ─▶ CONNACK
 *             PUBLISH ─▶ gate.publish ─▶ in-order acks
 *
 * What it does with each packet, and why, is documented on `startMqttListener`.
 */
import type { Socket } from 'node:net';
import {
  type IConnectPacket,
  type IPublishPacket,
  type ISubscribePacket,
  type IUnsubscribePacket,
  parser as mqttParser,
  type Packet,
  type Parser,
} from 'mqtt-packet';
import type { Logger } from '../../modem/log.js';
import { AckWindow, type InflightEntry } from './ack-window.js';
import { Backlog } from './backlog.js';
import type { SensorProof } from './client-cert.js';
import { connackAccepted, connackNotAuthorized, connectTerms, type GrantedTerms } from './connect-terms.js';
import type { Counters } from './counters.js';
import { dueDeadline } from './deadlines.js';
import { FrameScanner } from './frame-scanner.js';
import type { ListenerLimits } from './limits.js';
import * as C from './mqtt-codes.js';
import { decodePublish, newTopicMemo, type PacketSink, PacketSplitter } from './packet-splitter.js';
import { safePublish, safeSubscribe } from './safe-gate.js';
import { SubscriptionSet } from './subscriptions.js';
import type { IngestResult, LimitName, ListenerEvent, SensorGate, Unsupported } from './types.js';

/** What a connection needs from its listener. */
export interface MqttHost {
  readonly gate: SensorGate;
  readonly limits: ListenerLimits;
  readonly log: Logger;
  readonly counters: Counters;
  /** The listener's clock in ms, read once per sweep tick and at accept. */
  nowMs(): number;
  emit(e: ListenerEvent): void;
  reportUnsupported(c: MqttConnection, feature: Unsupported, action: 'refused' | 'ignored'): void;
  /**
   * Registers an authenticated connection (an older one of the same sensor is taken over) and
   * returns its subscriptions: those of the sensor's kept session when it asks for one.
   */
  claim(
    c: MqttConnection,
    wantsSession: boolean,
  ): { subscriptions: SubscriptionSet; isSessionPresent: boolean };
  /** The socket closed. */
  released(c: MqttConnection, reason: string): void;
  /** Checks the CONNECT's proof of identity (certificate, secret) as the listener is configured. */
  prove(socket: Socket, username: string, secret: string | null, peer: string): Promise<SensorProof>;
}

type State = 'connect' | 'auth' | 'ready' | 'closing' | 'closed';

function flushConnection(c: MqttConnection): void {
  c.flush();
}

export class MqttConnection {
  sensorId: string | null = null;
  private state: State = 'connect';
  private version = 4;
  private readonly scanner: FrameScanner;
  private readonly parser: Parser;
  private readonly splitter = new PacketSplitter();
  private readonly topicMemo = newTopicMemo();
  private readonly acceptedAtMs: number;
  private lastRxMs: number;
  private partialSinceMs: number | null = null;
  private lastCompleted = 0;
  private closingSinceMs = 0;
  private idleMs = 0;
  private isPaused = false;
  private isFlushScheduled = false;
  private hasProblemInfo = true;
  private clientMaxPacketBytes = Number.POSITIVE_INFINITY;
  private reported = new Set<string>();
  private closeReason = 'closed by the sensor';
  private readonly backlog = new Backlog<Packet>();
  private readonly window = new AckWindow();
  private subscriptions = new SubscriptionSet();

  constructor(
    private readonly socket: Socket,
    readonly peer: string,
    private readonly host: MqttHost,
  ) {
    this.acceptedAtMs = host.nowMs();
    this.lastRxMs = this.acceptedAtMs;
    this.scanner = new FrameScanner(host.limits.maxPacketBytes);
    this.parser = mqttParser();
    this.parser.on('packet', (p) => this.onPacket(p));
    this.parser.on('error', (err: unknown) =>
      this.onMalformed(err instanceof Error ? err.message : String(err)),
    );
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => {
      this.closeReason = `socket error: ${err.message}`;
    });
    socket.on('close', () => this.onClose());
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    const now = this.host.nowMs();
    this.lastRxMs = now;
    this.host.counters.bytesIn += chunk.length;
    const scan = this.scanner.scan(chunk);
    if (!scan.ok) {
      if (scan.isTooLarge) this.limitHit('maxPacketBytes', scan.reason, C.RC.packetTooLarge);
      else this.onMalformed(scan.reason);
      return;
    }
    if (!this.scanner.isMidPacket) this.partialSinceMs = null;
    else if (this.partialSinceMs === null || this.scanner.completed !== this.lastCompleted)
      this.partialSinceMs = now;
    this.lastCompleted = this.scanner.completed;
    try {
      if (!this.splitter.push(chunk, this.sink)) this.onMalformed('remaining length longer than 4 bytes');
    } catch (err) {
      this.onMalformed(err instanceof Error ? err.message : String(err));
    }
  }

  /** The common PUBLISH is decoded here, everything else by mqtt-packet. */
  private readonly sink: PacketSink = {
    publish: (bytes) => {
      const p = decodePublish(bytes, this.version, this.topicMemo);
      if (p === null) this.parser.parse(bytes);
      else this.onPacket(p);
    },
    other: (bytes) => {
      this.parser.parse(bytes);
    },
    isStopped: () => this.state === 'closing' || this.state === 'closed',
  };

  private onPacket(p: Packet): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    if (this.state === 'auth' || this.isPaused || !this.backlog.isEmpty) this.backlog.push(p);
    else this.handle(p);
  }

  private handle(p: Packet): void {
    if (this.state === 'connect') {
      if (p.cmd === 'connect') this.onConnect(p);
      else this.onMalformed(`first packet must be CONNECT, got ${p.cmd}`);
      return;
    }
    switch (p.cmd) {
      case 'publish':
        this.onPublish(p);
        return;
      case 'pingreq':
        this.socket.write(C.PINGRESP);
        return;
      case 'subscribe':
        this.onSubscribe(p);
        return;
      case 'unsubscribe':
        this.onUnsubscribe(p);
        return;
      case 'disconnect':
        this.closeReason = 'sensor disconnected';
        this.end(null);
        return;
      case 'puback':
        // Commands go down at QoS 0; a stray PUBACK is harmless.
        return;
      default:
        // A second CONNECT [MQTT-3.1.0-2], QoS 2 flow packets, AUTH, or server-to-client packets.
        this.onMalformed(`unexpected ${p.cmd} packet`, C.RC.protocolError);
        return;
    }
  }

  private onConnect(p: IConnectPacket): void {
    const t = connectTerms(p, this.host.limits.idleTimeoutMs);
    if (!t.ok) {
      this.report(t.feature, 'refused');
      this.closeReason = t.reason;
      this.end(t.connack);
      return;
    }
    this.version = t.version;
    this.idleMs = t.idleMs;
    this.hasProblemInfo = t.hasProblemInfo;
    this.clientMaxPacketBytes = t.clientMaxPacketBytes;
    if (t.hasWill) this.report('will', 'ignored');
    this.state = 'auth';
    this.socket.pause();
    void this.authenticate(t);
  }

  private async authenticate(t: GrantedTerms): Promise<void> {
    const id = t.username;
    const r = await this.host.prove(this.socket, id, t.secret, this.peer);
    if (this.state !== 'auth') return;
    if (!r.ok) {
      const cred = r.credential === undefined ? {} : { credential: r.credential };
      this.host.emit({
        kind: 'auth-failed',
        via: 'mqtt',
        sensorId: id,
        peer: this.peer,
        reason: r.reason,
        ...cred,
      });
      this.closeReason = `authentication failed: ${r.reason}`;
      this.end(connackNotAuthorized(t.version));
      return;
    }
    const sensorId = r.sensorId;
    this.sensorId = sensorId;
    this.state = 'ready';
    const session = this.host.claim(this, t.wantsSession);
    this.subscriptions = session.subscriptions;
    this.socket.write(connackAccepted(t, this.host.limits, session.isSessionPresent));
    this.host.emit({ kind: 'connect', via: 'mqtt', sensorId, peer: this.peer });
    this.drain();
  }

  private onPublish(p: IPublishPacket): void {
    const id = this.sensorId ?? '';
    if (p.qos === 2) {
      this.report('qos2', 'refused');
      this.onRefused('QoS 2 is not supported', C.RC.qosNotSupported);
      return;
    }
    if (p.properties?.topicAlias !== undefined) {
      this.report('topic-alias', 'refused');
      this.onRefused('topic aliases are not supported', C.RC.topicAliasInvalid);
      return;
    }
    if (p.retain) this.report('retain', 'ignored');
    const c = this.host.counters;
    c.publishes++;
    c.inFlight++;
    const entry = this.window.open(p.messageId ?? 0, p.qos);
    if (this.window.size >= this.host.limits.maxInFlight) this.pause();
    const payload = typeof p.payload === 'string' ? Buffer.from(p.payload, 'utf8') : p.payload;
    // safePublish never rejects.
    void safePublish(this.host.gate, this.host.log, id, p.topic, payload, 'mqtt').then((r) =>
      this.settled(entry, r),
    );
  }

  private settled(entry: InflightEntry, r: IngestResult): void {
    entry.result = r;
    if (this.window.isHead(entry) && !this.isFlushScheduled) {
      // Resolutions of one group commit arrive in one microtask run: one write for all of them.
      this.isFlushScheduled = true;
      process.nextTick(flushConnection, this);
    }
  }

  /** Writes the acks of every settled publish at the head of the in-flight window, in order. */
  flush(): void {
    this.isFlushScheduled = false;
    if (this.state !== 'ready') return;
    const c = this.host.counters;
    const b = this.window.takeSettled(this.version, this.hasProblemInfo);
    c.acked += b.acked;
    c.denied += b.denied;
    c.unavailable += b.unavailable;
    c.inFlight -= b.settled;
    if (b.bytes !== null) this.socket.write(b.bytes);
    if (b.unavailableReason !== null) {
      this.closeReason = `journal unavailable: ${b.unavailableReason}`;
      this.end(this.version === 5 ? C.encodeDisconnectV5(C.RC.serverBusy, 'resend later') : null);
      return;
    }
    if (this.isPaused && this.window.size < this.host.limits.maxInFlight) {
      this.isPaused = false;
      this.drain();
    }
  }

  private onSubscribe(p: ISubscribePacket): void {
    const id = this.sensorId ?? '';
    const filters = p.subscriptions.map((x) => x.topic);
    const h = this.host;
    const r = this.subscriptions.subscribe(this.version, filters, (f) => safeSubscribe(h.gate, h.log, id, f));
    if (r.hasShared) this.report('shared-subscription', 'refused');
    this.socket.write(C.encodeSuback(this.version, p.messageId ?? 0, r.granted));
  }

  private onUnsubscribe(p: IUnsubscribePacket): void {
    const codes = this.subscriptions.unsubscribe(p.unsubscriptions);
    this.socket.write(C.encodeUnsuback(this.version, p.messageId ?? 0, codes));
  }

  /** Sends a command (QoS 0) if the sensor subscribed to a filter matching `topic`. */
  deliver(topic: string, payload: Uint8Array): boolean {
    if (this.state !== 'ready' || this.socket.writableNeedDrain) return false;
    if (!this.subscriptions.matches(topic)) return false;
    const packet = C.encodePublishQos0(this.version, topic, payload);
    if (packet.length > this.clientMaxPacketBytes) return false;
    this.socket.write(packet);
    return true;
  }

  /** Deadlines, checked by the listener every `timerResolutionMs`. */
  checkDeadlines(now: number): void {
    const st = this.state;
    const phase = st === 'connect' || st === 'auth' ? 'opening' : st;
    const times = {
      phase,
      isPaused: this.isPaused,
      acceptedAtMs: this.acceptedAtMs,
      lastRxMs: this.lastRxMs,
      partialSinceMs: this.partialSinceMs,
      closingSinceMs: this.closingSinceMs,
      idleMs: this.idleMs,
    } as const;
    const due = dueDeadline(times, this.host.limits, now, 'CONNECT');
    if (due.kind === 'destroy') this.socket.destroy();
    else if (due.kind === 'limit') {
      this.limitHit(due.limit, due.reason, due.limit === 'idleTimeoutMs' ? C.RC.keepAliveTimeout : null);
    }
  }

  /** Closed because the same sensor connected again. */
  takenOver(byPeer: string): void {
    this.closeReason = `taken over by ${byPeer}`;
    this.end(this.version === 5 ? C.encodeDisconnectV5(C.RC.sessionTakenOver, null) : null);
  }

  /** Closed because the sensor's credential or policy was withdrawn. */
  revoke(reason: string): void {
    this.closeReason = `revoked: ${reason}`;
    const isV5Ready = this.version === 5 && this.state === 'ready';
    this.end(isV5Ready ? C.encodeDisconnectV5(C.RC.notAuthorized, reason) : null);
  }

  /** Closed because the listener stops. */
  shutdown(): void {
    this.closeReason = 'listener closing';
    const isV5Ready = this.version === 5 && this.state === 'ready';
    this.end(isV5Ready ? C.encodeDisconnectV5(C.RC.serverShuttingDown, null) : null);
  }

  private pause(): void {
    if (this.isPaused) return;
    this.isPaused = true;
    this.host.counters.pauses++;
    this.socket.pause();
  }

  private drain(): void {
    this.backlog.run(
      () => !this.isPaused && this.state === 'ready',
      (p) => this.handle(p),
    );
    if (this.state === 'ready' && !this.isPaused) {
      // Time spent paused is the gateway's, not the sensor's silence.
      this.lastRxMs = this.host.nowMs();
      if (this.partialSinceMs !== null) this.partialSinceMs = this.lastRxMs;
      this.socket.resume();
    }
  }

  private report(feature: Unsupported, action: 'refused' | 'ignored'): void {
    if (this.reported.has(feature)) return;
    this.reported.add(feature);
    this.host.reportUnsupported(this, feature, action);
  }

  private onRefused(reason: string, v5Code: number): void {
    this.closeReason = reason;
    this.end(this.version === 5 ? C.encodeDisconnectV5(v5Code, reason) : null);
  }

  private onMalformed(reason: string, v5Code: number = C.RC.malformed): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.host.emit({ kind: 'malformed', via: 'mqtt', sensorId: this.sensorId, peer: this.peer, reason });
    this.closeReason = `malformed: ${reason}`;
    if (this.version === 5 && this.state === 'ready') this.end(C.encodeDisconnectV5(v5Code, null));
    else this.socket.destroy();
  }

  private limitHit(limit: LimitName, reason: string, v5Code: number | null): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.host.emit({ kind: 'limit', via: 'mqtt', sensorId: this.sensorId, peer: this.peer, limit, reason });
    this.closeReason = `${limit}: ${reason}`;
    if (v5Code !== null && this.version === 5 && this.state === 'ready') {
      this.end(C.encodeDisconnectV5(v5Code, null));
    } else this.socket.destroy();
  }

  /** Sends `last` (if any), then closes; the sweep destroys the socket if the peer does not take it. */
  private end(last: Buffer | null): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.state = 'closing';
    this.closingSinceMs = this.host.nowMs();
    if (last === null) this.socket.end();
    else this.socket.end(last);
    // Read on (and drop) whatever still comes, so the peer's FIN is seen and the socket closes.
    this.socket.resume();
  }

  private onClose(): void {
    const wasClosed = this.state === 'closed';
    this.state = 'closed';
    if (wasClosed) return;
    this.host.counters.inFlight -= this.window.clear();
    this.backlog.clear();
    this.parser.removeAllListeners();
    this.host.released(this, this.closeReason);
  }
}
