/**
 * The cloud side: one mTLS subscriber on the cloud broker (the operator identity), which decodes
 * every message with the gateway's decoder and books each reading's first arrival in the ledger;
 * repeats are counted as duplicates. QoS 1 subscription, each PUBLISH acknowledged as it is read.
 */
import { readFile } from 'node:fs/promises';
import { connect as tlsConnect } from 'node:tls';
import type { Packet } from 'mqtt-packet';
import type { Result } from '../../../modem/at/result.js';
import type { ReadingLedger } from './ledger.js';
import { MqttWire } from './mqtt-wire.js';
import type { ReadingId } from './types.js';

export interface CheckerOptions {
  /** The cloud broker itself (not the relay: the checker's traffic is not the gateway's). */
  readonly host: string;
  readonly port: number;
  /** Name checked against the broker certificate. Default `localhost`. */
  readonly servername?: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly filters: readonly string[];
  readonly decode: (topic: string, payload: Buffer) => Result<readonly ReadingId[]>;
  readonly ledger: ReadingLedger;
  /** Bound on the TLS connect, CONNACK and SUBACK, in ms. Default 10000. */
  readonly connectTimeoutMs?: number;
  /** Monotonic clock in ms shared with the load generator. Default `performance.now`. */
  readonly nowMs?: () => number;
}

export type WaitOutcome = 'done' | 'quiet' | 'timeout';

export class CloudChecker {
  /** Messages received. */
  messages = 0;
  /** Messages the decoder refused, and the first reason. */
  badMessages = 0;
  firstBadReason: string | null = null;
  private onProgress: (() => void) | null = null;

  private constructor(
    private readonly o: CheckerOptions,
    private readonly wire: MqttWire,
    private readonly nowMs: () => number,
  ) {}

  /** Connects, subscribes to every filter at QoS 1; rejects when the broker refuses either. */
  static async start(o: CheckerOptions): Promise<CloudChecker> {
    const timeoutMs = o.connectTimeoutMs ?? 10_000;
    const [ca, cert, key] = await Promise.all([
      readFile(o.caFile),
      readFile(o.certFile),
      readFile(o.keyFile),
    ]);
    const socket = tlsConnect({
      host: o.host,
      port: o.port,
      servername: o.servername ?? 'localhost',
      ca,
      cert,
      key,
    });
    let checker: CloudChecker | null = null;
    let onSuback: ((granted: readonly number[]) => void) | null = null;
    const wire = new MqttWire(socket, (p) => {
      if (p.cmd === 'suback') onSuback?.(p.granted.map((g) => (typeof g === 'number' ? g : 0x80)));
      else checker?.onPacket(p);
    });
    checker = new CloudChecker(o, wire, o.nowMs ?? (() => performance.now()));
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`checker: no TLS session within ${timeoutMs} ms`)),
          timeoutMs,
        );
        socket.once('secureConnect', () => {
          clearTimeout(t);
          resolve();
        });
        socket.once('error', (e) => {
          clearTimeout(t);
          reject(new Error(`checker: ${e.message}`));
        });
      });
      const clientId = `bench-checker-${process.pid}`;
      await wire.connect({ clientId, keepaliveS: 0, isClean: true }, timeoutMs);
      const granted = await new Promise<readonly number[]>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`checker: no SUBACK within ${timeoutMs} ms`)), timeoutMs);
        onSuback = (g) => {
          clearTimeout(t);
          resolve(g);
        };
        wire.send({
          cmd: 'subscribe',
          messageId: 1,
          subscriptions: o.filters.map((topic) => ({ topic, qos: 1 })),
        });
      });
      const refused = o.filters.filter((_, i) => (granted[i] ?? 0x80) >= 0x80);
      if (refused.length > 0)
        throw new Error(`checker: the cloud broker refused the subscription to ${refused.join(', ')} (ACL?)`);
    } catch (err) {
      wire.close();
      throw err;
    }
    return checker;
  }

  /**
   * Resolves 'done' once `isDone()` holds (checked after each message), 'quiet' when nothing arrived
   * for `quietMs`, 'timeout' after `timeoutMs`.
   */
  waitUntil(
    isDone: () => boolean,
    o: { readonly timeoutMs: number; readonly quietMs: number },
  ): Promise<WaitOutcome> {
    if (isDone()) return Promise.resolve('done');
    const startMs = this.nowMs();
    return new Promise((resolve) => {
      const finish = (w: WaitOutcome): void => {
        clearTimeout(deadline);
        clearInterval(quietCheck);
        this.onProgress = null;
        resolve(w);
      };
      const deadline = setTimeout(() => finish('timeout'), o.timeoutMs);
      const quietCheck = setInterval(
        () => {
          const last = this.o.ledger.lastAnyArrivalMs;
          const since = Number.isNaN(last) || last < startMs ? startMs : last;
          if (this.nowMs() - since >= o.quietMs) finish('quiet');
        },
        // A quarter of the quiet span (10..250 ms): quiet is noticed at most 25 % late.
        Math.max(10, Math.min(250, o.quietMs / 4)),
      );
      this.onProgress = () => {
        if (isDone()) finish('done');
      };
    });
  }

  close(): void {
    this.wire.close();
  }

  private onPacket(p: Packet): void {
    if (p.cmd !== 'publish') return;
    if (p.qos > 0) this.wire.send({ cmd: 'puback', messageId: p.messageId ?? 0 });
    const payload = typeof p.payload === 'string' ? Buffer.from(p.payload, 'utf8') : p.payload;
    this.messages++;
    const at = this.nowMs();
    const r = this.o.decode(p.topic, payload);
    if (!r.ok) {
      this.badMessages++;
      this.firstBadReason ??= `${p.topic}: ${r.reason}`;
    } else {
      for (const id of r.value) this.o.ledger.markArrived(id.sensor, id.seq, at);
    }
    this.onProgress?.();
  }
}
