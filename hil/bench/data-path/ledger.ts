/**
 * The benchmark's book of readings: when each (sensor, seq) was sent, acknowledged by the gateway and
 * first seen at the cloud, and how often it arrived. The load generator and the checker write into
 * it (same process, same monotonic clock); `summarize` reads it. Sequence 0 of every sensor is the
 * warm-up reading and stays out of every figure.
 *
 * Times are `performance.now()` milliseconds, passed in by the callers; the ledger reads no clock.
 */

/** What became of the readings, from the ledger alone. */
export interface LedgerSummary {
  /** Readings (seq ≥ 1) written to the gateway. */
  readonly sent: number;
  /** … of which the gateway acknowledged (PUBACK). */
  readonly acked: number;
  /** Distinct sent readings that reached the cloud. */
  readonly delivered: number;
  /** Arrivals beyond the first of the same (sensor, seq). */
  readonly duplicates: number;
  /** Acknowledged readings that never reached the cloud: the gateway lost them. */
  readonly lostAcked: number;
  /** Sent readings never acknowledged (still in flight when the run ended). */
  readonly unacked: number;
  /** Arrivals that name no reading the load generator sent (wrong sensor, seq out of range). */
  readonly unknown: number;
  /** Delivered readings that arrived no later than `windowEndMs` (all of them without a window). */
  readonly deliveredInWindow: number;
  /** First send and last first-arrival, ms on the ledger's clock; null when there were none. */
  readonly firstSentMs: number | null;
  readonly lastArrivalMs: number | null;
  /** Last acknowledgement, ms; null when there was none. */
  readonly lastAckedMs: number | null;
  /** Cloud arrival − send of every delivered reading, ms; null when nothing was delivered. */
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number } | null;
}

/** Per-sensor arrays indexed by seq; NaN means "not yet". */
interface Book {
  readonly sentMs: Float64Array;
  readonly ackedMs: Float64Array;
  readonly arrivedMs: Float64Array;
  readonly arrivals: Uint32Array;
}

export class ReadingLedger {
  private readonly index = new Map<string, number>();
  private readonly books: Book[] = [];
  private unknownCount = 0;
  /** Time of the most recent arrival of any kind, ms (NaN before the first). */
  lastAnyArrivalMs = Number.NaN;
  /** How many distinct sent readings (seq ≥ 1) have arrived so far. */
  deliveredCount = 0;
  /** How many sent readings (seq ≥ 1) the gateway has acknowledged so far. */
  ackedCount = 0;

  /** `quotas[i]` readings for `sensorIds[i]`: seqs 1..quota, plus the warm-up seq 0. */
  constructor(
    readonly sensorIds: readonly string[],
    readonly quotas: readonly number[],
  ) {
    if (sensorIds.length !== quotas.length) throw new TypeError('one quota per sensor');
    sensorIds.forEach((id, i) => {
      const n = (quotas[i] ?? 0) + 1;
      this.index.set(id, i);
      this.books.push({
        sentMs: new Float64Array(n).fill(Number.NaN),
        ackedMs: new Float64Array(n).fill(Number.NaN),
        arrivedMs: new Float64Array(n).fill(Number.NaN),
        arrivals: new Uint32Array(n),
      });
    });
  }

  /** Splits `total` readings over `count` sensors as evenly as possible (the first ones get the remainder). */
  static evenQuotas(total: number, count: number): number[] {
    const base = Math.floor(total / count);
    return Array.from({ length: count }, (_, i) => base + (i < total % count ? 1 : 0));
  }

  sensorIndex(id: string): number | undefined {
    return this.index.get(id);
  }

  markSent(sensor: number, seq: number, atMs: number): void {
    const b = this.books[sensor];
    if (b !== undefined && seq < b.sentMs.length) b.sentMs[seq] = atMs;
  }

  markAcked(sensor: number, seq: number, atMs: number): void {
    const b = this.books[sensor];
    if (b === undefined || seq >= b.ackedMs.length || !Number.isNaN(b.ackedMs[seq] ?? 0)) return;
    b.ackedMs[seq] = atMs;
    if (seq > 0) this.ackedCount++;
  }

  /** Records one cloud arrival; says whether it was the first, a duplicate, or names no sent reading. */
  markArrived(sensorId: string, seq: number, atMs: number): 'first' | 'duplicate' | 'unknown' {
    this.lastAnyArrivalMs = atMs;
    const i = this.index.get(sensorId);
    const b = i === undefined ? undefined : this.books[i];
    if (b === undefined || !Number.isSafeInteger(seq) || seq < 0 || seq >= b.sentMs.length) {
      this.unknownCount++;
      return 'unknown';
    }
    if (Number.isNaN(b.sentMs[seq] ?? Number.NaN)) {
      this.unknownCount++;
      return 'unknown';
    }
    const n = (b.arrivals[seq] ?? 0) + 1;
    b.arrivals[seq] = n;
    if (n > 1) return 'duplicate';
    b.arrivedMs[seq] = atMs;
    if (seq > 0) this.deliveredCount++;
    return 'first';
  }

  /** Whether the warm-up reading (seq 0) of every sensor has reached the cloud. */
  isWarm(): boolean {
    return this.books.every((b) => (b.arrivals[0] ?? 0) > 0);
  }

  /** Sensors whose warm-up reading has not arrived, for error messages. */
  coldSensors(): string[] {
    return this.sensorIds.filter((_, i) => (this.books[i]?.arrivals[0] ?? 0) === 0);
  }

  /** Whether every acknowledged reading has arrived. */
  hasAllAcked(): boolean {
    return this.deliveredAckedCount() === this.ackedCount;
  }

  private deliveredAckedCount(): number {
    let n = 0;
    for (const b of this.books)
      for (let s = 1; s < b.ackedMs.length; s++)
        if (!Number.isNaN(b.ackedMs[s] ?? Number.NaN) && (b.arrivals[s] ?? 0) > 0) n++;
    return n;
  }

  /** The figures, from the arrays only. `windowEndMs` bounds `deliveredInWindow`. */
  summarize(windowEndMs = Number.POSITIVE_INFINITY): LedgerSummary {
    let sent = 0;
    let acked = 0;
    let delivered = 0;
    let duplicates = 0;
    let lostAcked = 0;
    let unacked = 0;
    let deliveredInWindow = 0;
    let firstSentMs = Number.POSITIVE_INFINITY;
    let lastArrivalMs = Number.NEGATIVE_INFINITY;
    let lastAckedMs = Number.NEGATIVE_INFINITY;
    const latencies: number[] = [];
    for (const b of this.books) {
      for (let s = 1; s < b.sentMs.length; s++) {
        const sentAt = b.sentMs[s] ?? Number.NaN;
        if (Number.isNaN(sentAt)) continue;
        sent++;
        if (sentAt < firstSentMs) firstSentMs = sentAt;
        const isAcked = !Number.isNaN(b.ackedMs[s] ?? Number.NaN);
        const count = b.arrivals[s] ?? 0;
        if (isAcked) {
          acked++;
          const ackedAt = b.ackedMs[s] ?? 0;
          if (ackedAt > lastAckedMs) lastAckedMs = ackedAt;
        } else unacked++;
        if (count === 0) {
          if (isAcked) lostAcked++;
          continue;
        }
        delivered++;
        duplicates += count - 1;
        const arrivedAt = b.arrivedMs[s] ?? Number.NaN;
        if (arrivedAt > lastArrivalMs) lastArrivalMs = arrivedAt;
        if (arrivedAt <= windowEndMs) deliveredInWindow++;
        latencies.push(arrivedAt - sentAt);
      }
    }
    return {
      sent,
      acked,
      delivered,
      duplicates,
      lostAcked,
      unacked,
      unknown: this.unknownCount,
      deliveredInWindow,
      firstSentMs: sent === 0 ? null : firstSentMs,
      lastArrivalMs: delivered === 0 ? null : lastArrivalMs,
      lastAckedMs: acked === 0 ? null : lastAckedMs,
      latencyMs: latencySummary(latencies),
    };
  }
}

/** Nearest-rank percentile of an ascending array (p in 0..100); NaN for an empty one. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

function latencySummary(values: number[]): LedgerSummary['latencyMs'] {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? 0 };
}
