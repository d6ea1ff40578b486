/**
 * The sensors: one MQTT 3.1.1 connection per sensor (raw TCP, mqtt-packet), each publishing JSON
 * readings at QoS 1 with a bounded window of unacknowledged publishes, all in one process.
 *
 *   saturate: a PUBACK frees a window slot, the next reading goes out at once
 *   paced:    one ticker; each sensor sends what is due (its rate, phase-shifted per sensor) while its
 *             window has room
 *
 * Every send and acknowledgement goes into the ledger with the same clock the checker uses.
 */
import { connect as tcpConnect } from 'node:net';
import type { Packet } from 'mqtt-packet';
import type { ReadingLedger } from './ledger.js';
import { MqttWire } from './mqtt-wire.js';
import type { BenchSensor } from './types.js';

export type LoadMode =
  | { readonly kind: 'saturate' }
  | { readonly kind: 'paced'; readonly ratePerSensorPerS: number };

export interface LoadOptions {
  readonly host: string;
  readonly port: number;
  readonly sensors: readonly BenchSensor[];
  /** The local topic of a sensor's readings. */
  readonly topicFor: (sensorId: string) => string;
  readonly ledger: ReadingLedger;
  /** Readings a sensor may have sent and not yet had acknowledged. Default 16. */
  readonly windowPerSensor?: number;
  /** Bound on one sensor's TCP connect and CONNACK, in ms. Default 10000. */
  readonly connectTimeoutMs?: number;
  /**
   * Source address of sensor i. Default a distinct loopback address per sensor (127.0.1.1, …):
   * each sensor is its own device, and a gateway may limit connects per source address.
   */
  readonly sourceAddress?: (i: number) => string;
  /** Paced mode: how often due readings go out, in ms. Default 5. */
  readonly tickMs?: number;
  /** Monotonic clock in ms shared with the checker. Default `performance.now`. */
  readonly nowMs?: () => number;
}

export interface RunOptions {
  /** Stop sending new readings after this long, in ms (in-flight ones are still awaited). */
  readonly maxLoadMs: number;
  /** After the last send, how long to wait for the outstanding PUBACKs, in ms. */
  readonly ackTimeoutMs: number;
}

export interface LoadStats {
  /** Clock of the first and the last send, ms. */
  readonly firstSendMs: number;
  readonly lastSendMs: number;
  /** Whether maxLoadMs cut the load short of the quotas. */
  readonly wasCutShort: boolean;
  /** Sensor connections the gateway closed during the run, and the first reasons. */
  readonly connectionsLost: number;
  readonly closeReasons: readonly string[];
  /** PUBACKs for a packet id with nothing in flight. */
  readonly unexpectedAcks: number;
}

interface SensorState {
  readonly index: number;
  readonly sensor: BenchSensor;
  readonly topic: string;
  readonly quota: number;
  wire: MqttWire | null;
  nextSeq: number;
  inflight: number;
  nextPacketId: number;
  /** packet id → seq in flight, −1 when free. */
  readonly seqOfPacket: Int32Array;
  dueMs: number;
}

/** Distinct loopback source addresses: 127.0.1.1 … 127.0.1.254, 127.0.2.1, … */
export function loopbackSource(i: number): string {
  return `127.0.${1 + Math.floor(i / 254)}.${(i % 254) + 1}`;
}

/** The reading a sensor sends, as the issue describes it; values vary with seq but stay plausible. */
export function readingJson(sensorId: string, seq: number, epochMs: number, sensorIndex: number): string {
  const temp = (15 + ((seq * 7 + sensorIndex * 13) % 1500) / 100).toFixed(2);
  const hum = (30 + ((seq * 3 + sensorIndex) % 400) / 10).toFixed(1);
  return `{"sensor":"${sensorId}","t":${epochMs},"temp":${temp},"hum":${hum},"seq":${seq}}`;
}

export class LoadGenerator {
  private readonly states: SensorState[];
  private readonly window: number;
  private readonly nowMs: () => number;
  private mode: LoadMode = { kind: 'saturate' };
  private isSending = false;
  private firstSendMs = Number.NaN;
  private lastSendMs = Number.NaN;
  private unexpectedAcks = 0;
  private connectionsLost = 0;
  private readonly closeReasons: string[] = [];
  private onProgress: (() => void) | null = null;
  /** Readings (seq ≥ 1) not yet sent, over every sensor. */
  private unsentCount = 0;
  /** Publishes in flight on open connections. */
  private inflightCount = 0;
  private isClosing = false;

  constructor(private readonly o: LoadOptions) {
    this.window = o.windowPerSensor ?? 16;
    if (!Number.isInteger(this.window) || this.window < 1 || this.window > 65_535)
      throw new TypeError(`windowPerSensor must be 1..65535, got ${this.window}`);
    this.nowMs = o.nowMs ?? (() => performance.now());
    this.states = o.sensors.map((sensor, index) => ({
      index,
      sensor,
      topic: o.topicFor(sensor.id),
      quota: o.ledger.quotas[index] ?? 0,
      wire: null,
      nextSeq: 1,
      inflight: 0,
      nextPacketId: 1,
      seqOfPacket: new Int32Array(65_536).fill(-1),
      dueMs: 0,
    }));
    for (const s of this.states) this.unsentCount += s.quota;
  }

  /** Connects every sensor; rejects naming the first sensor the gateway did not accept. */
  async connectAll(): Promise<void> {
    const timeoutMs = this.o.connectTimeoutMs ?? 10_000;
    const source = this.o.sourceAddress ?? loopbackSource;
    await Promise.all(
      this.states.map(async (s) => {
        const socket = tcpConnect({ host: this.o.host, port: this.o.port, localAddress: source(s.index) });
        const wire = new MqttWire(socket, (p) => this.onPacket(s, p));
        s.wire = wire;
        void wire.closed().then(() => this.onClosed(s));
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('error', (e) => reject(new Error(`sensor ${s.sensor.id}: ${e.message}`)));
        });
        await wire.connect(
          {
            clientId: s.sensor.id,
            username: s.sensor.id,
            password: s.sensor.secret,
            keepaliveS: 0,
            isClean: true,
          },
          timeoutMs,
        );
      }),
    );
  }

  /** Every sensor sends its warm-up reading (seq 0); resolves when all are acknowledged. */
  async warmUp(timeoutMs: number): Promise<void> {
    for (const s of this.states) this.send(s, 0);
    await this.waitFor(() => this.inflightCount === 0, timeoutMs, 'warm-up PUBACKs');
  }

  /** Sends every sensor's quota in `mode`; resolves once the sends are done and acknowledged (or timed out). */
  async run(mode: LoadMode, r: RunOptions): Promise<LoadStats> {
    this.mode = mode;
    this.firstSendMs = Number.NaN;
    const startMs = this.nowMs();
    const intervalMs = mode.kind === 'paced' ? 1000 / mode.ratePerSensorPerS : 0;
    this.states.forEach((s, i) => {
      // Phase-shift the sensors across one interval so the paced load is smooth, not 100 at once.
      s.dueMs = startMs + (intervalMs * i) / this.states.length;
    });
    this.isSending = true;
    const ticker = mode.kind === 'paced' ? setInterval(() => this.pumpAll(), this.o.tickMs ?? 5) : null;
    const stopSending = setTimeout(() => {
      this.isSending = false;
      this.onProgress?.();
    }, r.maxLoadMs);
    let wasCutShort = false;
    try {
      this.pumpAll();
      // The stopSending timer ends this wait at maxLoadMs; the bound only guards against a lost timer.
      await this.waitFor(() => !this.isSending || this.isQuotaSent(), 2 * r.maxLoadMs, 'load');
      wasCutShort = !this.isQuotaSent();
      this.isSending = false;
      await this.waitFor(() => this.inflightCount === 0, r.ackTimeoutMs, 'the last PUBACKs').catch(
        // Unacknowledged readings are a result (the ledger counts them), not a failure of the run.
        () => undefined,
      );
    } finally {
      this.isSending = false;
      if (ticker !== null) clearInterval(ticker);
      clearTimeout(stopSending);
    }
    return {
      firstSendMs: this.firstSendMs,
      lastSendMs: this.lastSendMs,
      wasCutShort,
      connectionsLost: this.connectionsLost,
      closeReasons: [...this.closeReasons],
      unexpectedAcks: this.unexpectedAcks,
    };
  }

  close(): void {
    this.isClosing = true;
    for (const s of this.states) s.wire?.close();
  }

  /** Every quota sent, or every sensor with readings left has lost its connection. */
  private isQuotaSent(): boolean {
    if (this.unsentCount === 0) return true;
    if (this.connectionsLost === 0) return false;
    return this.states.every((s) => s.nextSeq > s.quota || s.wire?.closedReason !== null);
  }

  private pumpAll(): void {
    for (const s of this.states) {
      s.wire?.socket.cork();
      this.pump(s);
      s.wire?.socket.uncork();
    }
  }

  private pump(s: SensorState): void {
    if (!this.isSending || s.wire === null || s.wire.closedReason !== null) return;
    const isPaced = this.mode.kind === 'paced';
    const intervalMs = this.mode.kind === 'paced' ? 1000 / this.mode.ratePerSensorPerS : 0;
    const now = isPaced ? this.nowMs() : 0;
    while (s.inflight < this.window && s.nextSeq <= s.quota && (!isPaced || s.dueMs <= now)) {
      this.send(s, s.nextSeq);
      s.nextSeq++;
      s.dueMs += intervalMs;
    }
  }

  private send(s: SensorState, seq: number): void {
    const wire = s.wire;
    if (wire === null || wire.closedReason !== null) return;
    let id = s.nextPacketId;
    // Skip ids still in flight (only possible with a window near 65535).
    while (s.seqOfPacket[id] !== -1) id = (id % 65_535) + 1;
    s.nextPacketId = (id % 65_535) + 1;
    s.seqOfPacket[id] = seq;
    s.inflight++;
    this.inflightCount++;
    if (seq > 0) this.unsentCount--;
    const at = this.nowMs();
    if (Number.isNaN(this.firstSendMs) && seq > 0) this.firstSendMs = at;
    if (seq > 0) this.lastSendMs = at;
    this.o.ledger.markSent(s.index, seq, at);
    wire.send({
      cmd: 'publish',
      topic: s.topic,
      payload: readingJson(s.sensor.id, seq, Date.now(), s.index),
      qos: 1,
      messageId: id,
      retain: false,
      dup: false,
    });
  }

  private onPacket(s: SensorState, p: Packet): void {
    if (p.cmd !== 'puback') return;
    const id = p.messageId ?? 0;
    const seq = s.seqOfPacket[id] ?? -1;
    if (seq < 0) {
      this.unexpectedAcks++;
      return;
    }
    s.seqOfPacket[id] = -1;
    s.inflight--;
    this.inflightCount--;
    this.o.ledger.markAcked(s.index, seq, this.nowMs());
    this.pump(s);
    this.onProgress?.();
  }

  private onClosed(s: SensorState): void {
    // What is in flight on a closed connection will never be acknowledged: the ledger keeps it unacked.
    this.inflightCount -= s.inflight;
    s.inflight = 0;
    if (this.isClosing) return;
    this.connectionsLost++;
    const reason = `${s.sensor.id}: ${s.wire?.closedReason ?? 'closed'}`;
    if (this.closeReasons.length < 5) this.closeReasons.push(reason);
    this.onProgress?.();
  }

  /** Resolves when `isDone()` holds, checked on every acknowledgement; rejects after `timeoutMs`. */
  private waitFor(isDone: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (isDone()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.onProgress = null;
        reject(new Error(`${what} not done within ${timeoutMs} ms`));
      }, timeoutMs);
      this.onProgress = () => {
        if (!isDone()) return;
        clearTimeout(timer);
        this.onProgress = null;
        resolve();
      };
    });
  }
}
