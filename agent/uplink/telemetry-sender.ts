/**
 * The telemetry sender: durable readings leave the journal as CBOR bundles, one QoS 1 publish each
 * on `ztgw/<id>/up/t`, and the journal cursor moves only when the broker has acknowledged them.
 *
 *   journal (telemetry lane) ──read from sentThrough──▶ bundle (seq = first reading's seq) ──▶ publish
 *        ▲                                                                                  │
 *        └──────────── ack(lastSeq), in order, once PUBACKed ◀────────────────────────────────┘
 *
 * Adaptive batching: with nothing in flight a bundle leaves at once with whatever is durable (low
 * latency at low rates); while bundles are in flight readings coalesce until a full bundle is ready,
 * the oldest waiting reading is `bundleMaxWaitMs` old, or a slot frees up (high throughput, few
 * bytes). A dropped session rewinds to the acknowledged cursor: at-least-once, and the receiver drops
 * what it has seen by (dev, seq).
 */
import type { Logger } from '../../modem/log.js';
import { encodeBundle } from '../bundle/bundle.js';
import type { BundleReadingInput } from '../bundle/bundle-types.js';
import type { TelemetryConfig } from '../config/types.js';
import { decodeReadingRecord } from '../daemon/reading-record.js';
import type { Journal, JournalRecord } from '../queue/index.js';
import type { UplinkClient } from './uplink-types.js';

export interface TelemetrySenderDeps {
  readonly deviceId: string;
  readonly journal: Journal;
  readonly uplink: Pick<UplinkClient, 'publish' | 'status' | 'onStatus'>;
  readonly config: TelemetryConfig;
  readonly nowMs: () => number;
  readonly log: Logger;
  /** Whether `bytes` more telemetry may go now (the daily cap); when not, how long to wait. */
  readonly mayUse: (
    bytes: number,
  ) => { readonly ok: true } | { readonly ok: false; readonly retryInMs: number };
  /** Told of every bundle the broker acknowledged. */
  readonly onSent?: (b: SentBundle) => void;
}

export interface SentBundle {
  readonly seq: number;
  readonly readings: number;
  readonly bytes: number;
  readonly wasDeflated: boolean;
}

export interface TelemetrySenderStatus {
  readonly sentThrough: number;
  readonly ackedThrough: number;
  readonly inFlight: number;
  readonly bundlesAcked: number;
  readonly readingsAcked: number;
  readonly bytesAcked: number;
  readonly resends: number;
  readonly lastAckAtMs: number | null;
  /** Set while the daily cap holds telemetry back: when it may go again, ms since the epoch. */
  readonly capBlockedUntilMs: number | null;
}

interface InFlight {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly bytes: number;
  readonly readings: number;
  readonly wasDeflated: boolean;
  state: 'pending' | 'acked' | 'failed';
}

export interface TelemetrySender {
  start(signal: AbortSignal): void;
  /** Stops sending; in-flight bundles are left to the broker (the cursor moves if they are acked). */
  stop(): Promise<void>;
  status(): TelemetrySenderStatus;
}

/** A deflated envelope starts with map(3) "v" 1 "z": one byte tells the two shapes apart. */
const ENVELOPE_FIRST_BYTE = 0xa3;

export function createTelemetrySender(deps: TelemetrySenderDeps): TelemetrySender {
  const { journal, config } = deps;
  const log = deps.log.child({ component: 'telemetry' });
  const topic = `ztgw/${deps.deviceId}/up/t`;
  let sentThrough = journal.ackedThrough('telemetry');
  const inFlight: InFlight[] = [];
  let needsRewind = false;
  let waiting: (() => void) | null = null;
  let isRunning = false;
  let loop: Promise<void> = Promise.resolve();
  let capBlockedUntilMs: number | null = null;
  let waitSinceMs: number | null = null;
  const totals = {
    bundlesAcked: 0,
    readingsAcked: 0,
    bytesAcked: 0,
    resends: 0,
    lastAckAtMs: null as number | null,
  };
  const unsubs: (() => void)[] = [];

  const poke = (): void => {
    const w = waiting;
    waiting = null;
    w?.();
  };

  const sleep = (ms: number | null): Promise<void> =>
    new Promise((resolve) => {
      const t = ms === null ? null : setTimeout(() => poke(), Math.max(0, ms));
      waiting = () => {
        if (t !== null) clearTimeout(t);
        resolve();
      };
    });

  const settle = (f: InFlight, outcome: 'acked' | 'failed'): void => {
    f.state = outcome;
    if (outcome === 'failed') needsRewind = true;
    // Acknowledge in order: a later PUBACK never moves the cursor past an earlier unacknowledged bundle.
    while (inFlight[0]?.state === 'acked') {
      const done = inFlight.shift();
      if (done === undefined) break;
      journal.ack('telemetry', done.lastSeq);
      totals.bundlesAcked++;
      totals.readingsAcked += done.readings;
      totals.bytesAcked += done.bytes;
      totals.lastAckAtMs = deps.nowMs();
      deps.onSent?.({
        seq: done.firstSeq,
        readings: done.readings,
        bytes: done.bytes,
        wasDeflated: done.wasDeflated,
      });
    }
    poke();
  };

  const toReadings = (recs: readonly JournalRecord[]): BundleReadingInput[] =>
    recs.map((r) => {
      const d = decodeReadingRecord(r.payload);
      if (d.ok)
        return { sensor: d.value.sensor, topic: d.value.topic, tMs: r.atMs, payload: d.value.payload };
      // It passed the journal's CRC, so this is a format bug: send it raw rather than lose it.
      log.error({ seq: r.seq, reason: d.reason }, 'telemetry.bad-record');
      return { sensor: '?', topic: '?', tMs: r.atMs, payload: r.payload };
    });

  /** The consecutive run of records starting right after `sentThrough` (eviction leaves gaps). */
  const consecutive = (recs: readonly JournalRecord[]): readonly JournalRecord[] => {
    let n = 1;
    while (n < recs.length && (recs[n]?.seq ?? 0) === (recs[n - 1]?.seq ?? 0) + 1) n++;
    return recs.slice(0, n);
  };

  const step = async (): Promise<void> => {
    if (needsRewind) {
      if (inFlight.some((f) => f.state === 'pending')) return sleep(null);
      inFlight.length = 0;
      needsRewind = false;
      const acked = journal.ackedThrough('telemetry');
      if (sentThrough > acked) totals.resends++;
      sentThrough = acked;
    }
    if (deps.uplink.status().state !== 'connected') return sleep(null);
    if (inFlight.length >= config.maxInFlight) return sleep(null);
    const waitingCount = journal.lastSeq('telemetry') - sentThrough;
    if (waitingCount <= 0) {
      waitSinceMs = null;
      return sleep(null);
    }
    const nowMs = deps.nowMs();
    waitSinceMs ??= nowMs;
    if (inFlight.length > 0 && waitingCount < config.bundleMaxReadings) {
      const leftMs = config.bundleMaxWaitMs - (nowMs - waitSinceMs);
      if (leftMs > 0) return sleep(leftMs);
    }
    const recs = await journal.read(
      'telemetry',
      sentThrough,
      config.bundleMaxReadings,
      config.bundleMaxBytes,
    );
    if (recs.length === 0) {
      // Evicted under us (over the cap): skip to what is there.
      sentThrough = Math.max(sentThrough, journal.ackedThrough('telemetry'));
      return;
    }
    const run = consecutive(recs);
    const first = run[0];
    const last = run.at(-1);
    if (first === undefined || last === undefined) return;
    const bytes = encodeBundle(
      { deviceId: deps.deviceId, bundleSeq: first.seq, readings: toReadings(run) },
      { isDeflateAllowed: config.isDeflateAllowed, maxReadings: config.bundleMaxReadings },
    );
    const may = deps.mayUse(bytes.length);
    if (!may.ok) {
      if (capBlockedUntilMs === null) log.warn({ retryInMs: may.retryInMs }, 'telemetry.cap-reached');
      capBlockedUntilMs = nowMs + may.retryInMs;
      return sleep(Math.min(may.retryInMs, 60_000));
    }
    if (capBlockedUntilMs !== null) log.info({}, 'telemetry.cap-lifted');
    capBlockedUntilMs = null;
    const f: InFlight = {
      firstSeq: first.seq,
      lastSeq: last.seq,
      bytes: bytes.length,
      readings: run.length,
      wasDeflated: bytes[0] === ENVELOPE_FIRST_BYTE,
      state: 'pending',
    };
    inFlight.push(f);
    sentThrough = last.seq;
    waitSinceMs = null;
    deps.uplink.publish(topic, bytes, { qos: 1 }).then(
      () => settle(f, 'acked'),
      (err: unknown) => {
        log.debug({ err, seq: f.firstSeq }, 'telemetry.publish-failed');
        settle(f, 'failed');
      },
    );
  };

  return {
    start(signal) {
      isRunning = true;
      unsubs.push(journal.onDurable((lane) => lane === 'telemetry' && poke()));
      unsubs.push(deps.uplink.onStatus(() => poke()));
      signal.addEventListener('abort', () => poke(), { once: true });
      loop = (async () => {
        while (isRunning && !signal.aborted) {
          try {
            await step();
          } catch (err) {
            // A journal read error: log, back off a little, try again; never end the loop.
            log.error({ err }, 'telemetry.step-failed');
            await sleep(1000);
          }
        }
      })();
    },
    async stop() {
      isRunning = false;
      for (const u of unsubs.splice(0)) u();
      poke();
      await loop;
    },
    status() {
      return {
        sentThrough,
        ackedThrough: journal.ackedThrough('telemetry'),
        inFlight: inFlight.length,
        ...totals,
        capBlockedUntilMs,
      };
    },
  };
}
