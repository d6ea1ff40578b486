/**
 * Ships audit records and checkpoints upstream on `ztgw/<id>/up/audit`, QoS 1, oldest first. Only a
 * PUBACK moves the acknowledged cursor, which is what lets the store reclaim space.
 *
 *   store ──durable──▶ nextBatch() ──▶ uplink.publish (QoS 1) ──PUBACK──▶ acknowledge(lastSeq)
 *                         ▲                                                  │ markAcknowledged
 *                         └── rewind() after a reconnect: resend unacknowledged ┘
 *
 * Two ways to drive it: the uplink pulls (`hasPending`/`nextBatch`/`acknowledge`, for its
 * high-priority lane), or `start(signal)` runs a loop over an {@link AuditUplink}.
 * Payload: `audit-batch` in audit.cddl, `{ v: 1, device: tstr, records: [+ bstr] }`, each bstr the
 * record's stored deterministic CBOR.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../modem/log.js';
import { decodeCanonical, encodeCanonical, isCborMap } from './canonical-cbor.js';
import type { Result } from './record.js';
import type { ChainHead, StoredRecord } from './store-types.js';

/** The part of the uplink the shipper uses; `publish` resolves on PUBACK. */
export interface AuditUplink {
  publish(topic: string, payload: Uint8Array, opts: { qos: 1 }): Promise<void>;
}

/** The part of the audit log the shipper uses. */
export interface AuditShipSource {
  entries(fromSeq?: number): AsyncIterable<StoredRecord>;
  head(): ChainHead;
  acknowledgedSeq(): number;
  markAcknowledged(seq: number): Promise<void>;
  onDurable(listener: (head: ChainHead) => void): () => void;
}

export interface AuditShipperOptions {
  readonly deviceId: string;
  /** Most records per message. Default 200. */
  readonly maxBatchRecords: number;
  /** Most record bytes per message (one larger record still goes alone). Default 32 KiB. */
  readonly maxBatchBytes: number;
  /** First retry delay after a failed publish, ms; doubles with jitter. Default 1000. */
  readonly retryBaseMs: number;
  /** Longest retry delay, ms. Default 60 000. */
  readonly retryMaxMs: number;
}

export const DEFAULT_AUDIT_SHIPPER = {
  maxBatchRecords: 200,
  maxBatchBytes: 32 * 1024,
  retryBaseMs: 1000,
  retryMaxMs: 60_000,
} as const satisfies Partial<AuditShipperOptions>;

export interface AuditBatch {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly count: number;
}

export interface AuditShipper {
  /** Whether durable records wait to be handed out. */
  hasPending(): boolean;
  /** The next batch after those handed out, or null when there is none. */
  nextBatch(): Promise<AuditBatch | null>;
  /** The uplink got the PUBACK for everything up to `seq`. */
  acknowledge(seq: number): Promise<void>;
  /** Hands out again everything not acknowledged, and retries now (call after a reconnect). */
  rewind(): void;
  /** Runs the publish loop over `uplink` until `signal` aborts or stop(). */
  start(signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

/** The topic audit records go to. */
export const auditTopic = (deviceId: string): string => `ztgw/${deviceId}/up/audit`;

/** Encodes one `audit-batch` message. */
export function encodeAuditBatch(deviceId: string, records: readonly Uint8Array[]): Uint8Array {
  return encodeCanonical({ v: 1, device: deviceId, records });
}

/** Decodes an `audit-batch` message (the cloud side; tests). */
export function decodeAuditBatch(payload: Uint8Array): Result<{ device: string; records: Uint8Array[] }> {
  const d = decodeCanonical(payload);
  if (!d.ok) return d;
  const m = d.value;
  if (!isCborMap(m) || m['v'] !== 1) return { ok: false, reason: 'not an audit batch v1' };
  const device = m['device'];
  const records = m['records'];
  if (typeof device !== 'string') return { ok: false, reason: 'device must be text' };
  if (!Array.isArray(records) || !records.every((r): r is Uint8Array => r instanceof Uint8Array)) {
    return { ok: false, reason: 'records must be byte strings' };
  }
  return { ok: true, value: { device, records } };
}

/** Settles with `p`, or rejects when `signal` aborts first. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

export function createAuditShipper(deps: {
  source: AuditShipSource;
  uplink?: AuditUplink;
  log: Logger;
  options: Partial<AuditShipperOptions> & Pick<AuditShipperOptions, 'deviceId'>;
}): AuditShipper {
  const opts: AuditShipperOptions = { ...DEFAULT_AUDIT_SHIPPER, ...deps.options };
  if (opts.deviceId === '' || /[#+/]/.test(opts.deviceId)) {
    throw new TypeError(`device id ${JSON.stringify(opts.deviceId)} cannot be used in a topic`);
  }
  const { source } = deps;
  const log = deps.log.child({ component: 'audit-shipper' });
  const topic = auditTopic(opts.deviceId);
  let sentSeq = source.acknowledgedSeq();
  let loop: Promise<void> | null = null;
  let stopper: AbortController | null = null;

  const nextBatch = async (): Promise<AuditBatch | null> => {
    const from = Math.max(sentSeq, source.acknowledgedSeq()) + 1;
    if (from > source.head().seq) return null;
    const records: Uint8Array[] = [];
    let bytes = 0;
    let firstSeq = 0;
    let lastSeq = 0;
    for await (const e of source.entries(from)) {
      if (
        records.length > 0 &&
        (records.length >= opts.maxBatchRecords || bytes + e.bytes.length > opts.maxBatchBytes)
      )
        break;
      records.push(e.bytes);
      bytes += e.bytes.length;
      if (firstSeq === 0) firstSeq = e.record.seq;
      lastSeq = e.record.seq;
    }
    if (records.length === 0) return null;
    sentSeq = lastSeq;
    return {
      topic,
      payload: encodeAuditBatch(opts.deviceId, records),
      firstSeq,
      lastSeq,
      count: records.length,
    };
  };

  const acknowledge = async (seq: number): Promise<void> => {
    if (seq > sentSeq) sentSeq = seq;
    await source.markAcknowledged(seq);
  };

  const waitForRecords = (signal: AbortSignal): Promise<void> =>
    new Promise<void>((resolve) => {
      const done = (): void => {
        off();
        signal.removeEventListener('abort', done);
        resolve();
      };
      const off = source.onDurable(done);
      signal.addEventListener('abort', done, { once: true });
      if (signal.aborted || sentSeq < source.head().seq) done();
    });

  /**
   * Aborted by rewind(): the wait before a retry is cut short. After an outage of minutes the
   * back-off is at retryMaxMs, and the records of the outage must not wait that long once the
   * session is back (telemetry is held behind them). One per pass of the loop.
   */
  let cut = new AbortController();

  const run = async (uplink: AuditUplink, signal: AbortSignal): Promise<void> => {
    let failures = 0;
    while (!signal.aborted) {
      let batch: AuditBatch | null = null;
      cut = new AbortController();
      try {
        batch = await nextBatch();
        if (batch === null) {
          await waitForRecords(signal);
          continue;
        }
        // A publish waits for its PUBACK, possibly across an outage: stop() must not wait for it.
        await untilAborted(uplink.publish(batch.topic, batch.payload, { qos: 1 }), signal);
        await acknowledge(batch.lastSeq);
        failures = 0;
      } catch (err) {
        if (signal.aborted) break;
        failures++;
        const capMs = Math.min(opts.retryMaxMs, opts.retryBaseMs * 2 ** Math.min(failures - 1, 30));
        const delayMs = Math.round(capMs / 2 + (Math.random() * capMs) / 2);
        log.warn(
          { err, firstSeq: batch?.firstSeq, lastSeq: batch?.lastSeq, delayMs },
          'audit batch not shipped; retrying',
        );
        sentSeq = source.acknowledgedSeq();
        // rewind() during this pass (before or during the pause) cuts the pause short.
        const wake = AbortSignal.any([signal, cut.signal]);
        await sleep(delayMs, undefined, { signal: wake }).catch(() => undefined);
      }
    }
  };

  return {
    hasPending: () => Math.max(sentSeq, source.acknowledgedSeq()) < source.head().seq,
    nextBatch,
    acknowledge,
    rewind() {
      sentSeq = source.acknowledgedSeq();
      cut.abort();
    },
    async start(signal) {
      const uplink = deps.uplink;
      if (uplink === undefined) return;
      if (loop !== null) throw new TypeError('audit shipper already started');
      stopper = new AbortController();
      const ac = stopper;
      const onAbort = (): void => ac.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
      loop = run(uplink, ac.signal).finally(() => signal.removeEventListener('abort', onAbort));
    },
    async stop() {
      stopper?.abort(new Error('stopped'));
      await loop;
      loop = null;
      stopper = null;
    },
  };
}
