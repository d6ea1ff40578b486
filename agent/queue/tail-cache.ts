/**
 * The newest durable records of one lane, in RAM, so a sender that keeps up reads without touching
 * the disk. Seqs in the cache are consecutive; the front is dropped when acknowledged, evicted or
 * over the byte budget. An array with a moving head (compacted now and then) avoids a copy per
 * dropped record.
 */
import { RECORD_OVERHEAD_BYTES } from './journal-record.js';
import type { JournalRecord } from './journal-types.js';

/** Compact once this many dropped slots lead the array (and they are at least half of it). */
const COMPACT_SLOTS = 4096;

/** Bytes a cached record is counted for. */
function cachedBytes(r: JournalRecord): number {
  return r.payload.length + RECORD_OVERHEAD_BYTES;
}

export class TailCache {
  private recs: JournalRecord[] = [];
  private head = 0;
  /** Bytes of the records held. */
  bytes = 0;

  get size(): number {
    return this.recs.length - this.head;
  }

  /** Seq of the oldest record held (0 when empty). */
  firstSeq(): number {
    return this.recs[this.head]?.seq ?? 0;
  }

  /** Adds the next durable record; a gap in seq starts the cache over. */
  push(r: JournalRecord): void {
    const last = this.recs.at(-1);
    if (this.size > 0 && last !== undefined && r.seq !== last.seq + 1) this.clear();
    this.recs.push(r);
    this.bytes += cachedBytes(r);
  }

  /** Drops the oldest record; returns the bytes freed (0 when empty). */
  dropOldest(): number {
    const r = this.recs[this.head];
    if (r === undefined) return 0;
    this.recs[this.head] = EMPTY;
    this.head++;
    const freed = cachedBytes(r);
    this.bytes -= freed;
    if (this.head >= COMPACT_SLOTS && this.head * 2 >= this.recs.length) {
      this.recs = this.recs.slice(this.head);
      this.head = 0;
    }
    return freed;
  }

  /** Drops every record with seq below `seq`. */
  dropBelow(seq: number): void {
    while (this.size > 0 && this.firstSeq() < seq) this.dropOldest();
  }

  clear(): void {
    this.recs = [];
    this.head = 0;
    this.bytes = 0;
  }

  /** The record with this seq, if held. */
  get(seq: number): JournalRecord | undefined {
    const first = this.firstSeq();
    if (this.size === 0 || seq < first || seq >= first + this.size) return undefined;
    return this.recs[this.head + seq - first];
  }

  /**
   * Appends to `out` the held records from `fromSeq` on, while under `maxRecords` and (beyond the
   * first record of `out`) `maxBytes` of payload counting `bytesSoFar`. Returns whether `fromSeq`
   * was held.
   */
  collect(
    fromSeq: number,
    out: JournalRecord[],
    maxRecords: number,
    maxBytes: number,
    bytesSoFar: number,
  ): boolean {
    const first = this.firstSeq();
    if (this.size === 0 || fromSeq < first || fromSeq >= first + this.size) return false;
    let bytes = bytesSoFar;
    for (let i = this.head + fromSeq - first; i < this.recs.length && out.length < maxRecords; i++) {
      const r = this.recs[i];
      if (r === undefined) break;
      if (out.length > 0 && bytes + r.payload.length > maxBytes) break;
      out.push(r);
      bytes += r.payload.length;
    }
    return true;
  }
}

/** Fills dropped slots so the array keeps one element shape and drops its references. */
const EMPTY: JournalRecord = { lane: 'telemetry', seq: 0, atMs: 0, payload: new Uint8Array(0) };
