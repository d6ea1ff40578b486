/**
 * One connection on the Unix socket: an auth line, then requests answered by id (see
 * unix-protocol.ts). Answers go out as the gate settles them, so ids may come back out of order.
 * At `maxInFlight` unanswered requests the socket is paused; lines already split from the last
 * chunk wait, bounded by that chunk.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../../modem/log.js';
import { Backlog } from './backlog.js';
import type { Counters } from './counters.js';
import { dueDeadline } from './deadlines.js';
import type { ListenerLimits } from './limits.js';
import { safeAuthenticate, safePublish, safeSubscribe } from './safe-gate.js';
import { SubscriptionSet } from './subscriptions.js';
import type { LimitName, ListenerEvent, SensorGate } from './types.js';
import * as P from './unix-protocol.js';

/** What a connection needs from its listener. */
export interface UnixHost {
  readonly gate: SensorGate;
  readonly limits: ListenerLimits;
  readonly log: Logger;
  readonly counters: Counters;
  nowMs(): number;
  emit(e: ListenerEvent): void;
  claim(c: UnixConnection): void;
  released(c: UnixConnection, reason: string): void;
}

type State = 'auth' | 'authenticating' | 'ready' | 'closing' | 'closed';

export class UnixConnection {
  sensorId: string | null = null;
  private state: State = 'auth';
  private readonly splitter: P.LineSplitter;
  private readonly acceptedAtMs: number;
  private lastRxMs: number;
  private closingSinceMs = 0;
  private inFlight = 0;
  private isPaused = false;
  private isPeerDone = false;
  private closeReason = 'closed by the sensor';
  private readonly backlog = new Backlog<string>();
  private readonly subscriptions = new SubscriptionSet();

  constructor(
    private readonly socket: Socket,
    readonly peer: string,
    private readonly host: UnixHost,
  ) {
    this.acceptedAtMs = host.nowMs();
    this.lastRxMs = this.acceptedAtMs;
    this.splitter = new P.LineSplitter(host.limits.maxLineBytes);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => {
      this.closeReason = `socket error: ${err.message}`;
    });
    socket.on('end', () => {
      this.isPeerDone = true;
      this.endIfDone();
    });
    socket.on('close', () => this.onClose());
  }

  /** The peer sent everything it will send: end once every answer is out. */
  private endIfDone(): void {
    if (!this.isPeerDone || this.inFlight > 0 || !this.backlog.isEmpty) return;
    if (this.state === 'authenticating') return;
    this.closeReason = 'sensor finished';
    this.end(null);
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.lastRxMs = this.host.nowMs();
    this.host.counters.bytesIn += chunk.length;
    const lines = this.splitter.push(chunk);
    if (lines === null) {
      const reason = `line over ${this.host.limits.maxLineBytes} bytes`;
      this.limitHit('maxLineBytes', reason, P.errorLine(reason));
      return;
    }
    for (const line of lines) {
      const isNow =
        this.state === 'auth' || (this.state === 'ready' && !this.isPaused && this.backlog.isEmpty);
      if (isNow) this.onLine(line);
      else if (this.state === 'authenticating' || this.state === 'ready') this.backlog.push(line);
    }
  }

  private onLine(line: string): void {
    if (this.state === 'auth') {
      const a = P.parseAuthLine(line);
      if (!a.ok) {
        this.host.emit({ kind: 'malformed', via: 'unix', sensorId: null, peer: this.peer, reason: a.reason });
        this.closeReason = a.reason;
        this.end(P.errorLine(a.reason));
        return;
      }
      this.state = 'authenticating';
      this.socket.pause();
      void this.authenticate(a.sensorId, a.secret);
      return;
    }
    const req = P.parseRequestLine(line);
    const id = this.sensorId ?? '';
    switch (req.kind) {
      case 'fatal':
        this.host.emit({ kind: 'malformed', via: 'unix', sensorId: id, peer: this.peer, reason: req.reason });
        this.closeReason = `malformed: ${req.reason}`;
        this.end(P.errorLine(req.reason));
        return;
      case 'invalid':
        this.host.emit({ kind: 'malformed', via: 'unix', sensorId: id, peer: this.peer, reason: req.reason });
        this.socket.write(P.invalidLine(req.id, req.reason));
        return;
      case 'subscribe': {
        const r = safeSubscribe(this.host.gate, this.host.log, id, req.filter);
        if (r.ok) this.subscriptions.add(req.filter);
        this.socket.write(P.answerLine(req.id, r));
        return;
      }
      case 'publish':
        this.host.counters.publishes++;
        this.host.counters.inFlight++;
        this.inFlight++;
        if (this.inFlight >= this.host.limits.maxInFlight && !this.isPaused) {
          this.isPaused = true;
          this.host.counters.pauses++;
          this.socket.pause();
        }
        void this.runPublish(req.id, id, req.topic, req.payload);
    }
  }

  private async authenticate(id: string, secret: string): Promise<void> {
    const r = await safeAuthenticate(this.host.gate, this.host.log, id, secret, 'unix', this.peer);
    if (this.state !== 'authenticating') return;
    if (!r.ok) {
      this.host.emit({ kind: 'auth-failed', via: 'unix', sensorId: id, peer: this.peer, reason: r.reason });
      this.closeReason = `authentication failed: ${r.reason}`;
      this.end(P.errorLine('authentication failed'));
      return;
    }
    this.sensorId = id;
    this.state = 'ready';
    this.host.claim(this);
    this.socket.write('{"ok":true}\n');
    this.host.emit({ kind: 'connect', via: 'unix', sensorId: id, peer: this.peer });
    this.drain();
  }

  private async runPublish(reqId: number, id: string, topic: string, payload: Uint8Array): Promise<void> {
    const r = await safePublish(this.host.gate, this.host.log, id, topic, payload, 'unix');
    const c = this.host.counters;
    c.inFlight--;
    this.inFlight--;
    if (r.ok) c.acked++;
    else if (r.kind === 'denied') c.denied++;
    else c.unavailable++;
    if (this.state !== 'ready') return;
    this.socket.write(P.answerLine(reqId, r));
    if (this.isPaused && this.inFlight < this.host.limits.maxInFlight) {
      this.isPaused = false;
      this.drain();
    }
    this.endIfDone();
  }

  private drain(): void {
    this.backlog.run(
      () => !this.isPaused && this.state === 'ready',
      (line) => this.onLine(line),
    );
    if (this.state === 'ready' && !this.isPaused) {
      this.lastRxMs = this.host.nowMs();
      this.socket.resume();
    }
    this.endIfDone();
  }

  deliver(topic: string, payload: Uint8Array): boolean {
    if (this.state !== 'ready' || this.socket.writableNeedDrain) return false;
    if (!this.subscriptions.matches(topic)) return false;
    this.socket.write(P.commandLine(topic, payload));
    return true;
  }

  checkDeadlines(now: number): void {
    const st = this.state;
    const times = {
      phase: st === 'auth' || st === 'authenticating' ? 'opening' : st,
      isPaused: this.isPaused,
      acceptedAtMs: this.acceptedAtMs,
      lastRxMs: this.lastRxMs,
      partialSinceMs: null,
      closingSinceMs: this.closingSinceMs,
      idleMs: this.host.limits.idleTimeoutMs,
    } as const;
    const due = dueDeadline(times, this.host.limits, now, 'auth line');
    if (due.kind === 'destroy') this.socket.destroy();
    else if (due.kind === 'limit') this.limitHit(due.limit, due.reason, null);
  }

  takenOver(byPeer: string): void {
    this.closeReason = `taken over by ${byPeer}`;
    this.end(P.errorLine('taken over by a new connection of this sensor'));
  }

  shutdown(): void {
    this.closeReason = 'listener closing';
    this.end(null);
  }

  /** Closed because the sensor's credential or policy was withdrawn. */
  revoke(reason: string): void {
    this.closeReason = `revoked: ${reason}`;
    this.end(P.errorLine(`not authorized: ${reason}`));
  }

  private limitHit(limit: LimitName, reason: string, last: string | null): void {
    this.host.emit({ kind: 'limit', via: 'unix', sensorId: this.sensorId, peer: this.peer, limit, reason });
    this.closeReason = `${limit}: ${reason}`;
    if (last === null) this.socket.destroy();
    else this.end(last);
  }

  private end(last: string | null): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.state = 'closing';
    this.closingSinceMs = this.host.nowMs();
    if (last === null) this.socket.end();
    else this.socket.end(last);
    // Read on (and drop) whatever still comes, so the peer's FIN is seen and the socket closes.
    this.socket.resume();
  }

  private onClose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.backlog.clear();
    this.host.released(this, this.closeReason);
  }
}
