/**
 * One lane's segments in memory, no I/O: where the next frame goes (rotation by size), which seq it
 * gets, what is planned and what is durable, and the offset of every frame, so a read fetches
 * exactly the bytes it returns and the depth is known to the byte.
 *
 * Invariant: the durable records of a lane are one run of consecutive seqs per segment, segments in
 * increasing seq order; frames are only ever placed in the newest segment.
 */
import { SEGMENT_HEADER_BYTES } from '../audit/frame.js';
import { RECORD_OVERHEAD_BYTES } from './journal-record.js';

export interface LaneSegment {
  readonly num: number;
  /** Seq of frame 0; 0 while the segment holds none. */
  firstSeq: number;
  /** Frames placed (planned), and of those durable. */
  count: number;
  durableCount: number;
  /** Size once the planned frames are written (header included), and size on disk. */
  plannedBytes: number;
  durableBytes: number;
  /** starts[k]: offset of frame k. */
  starts: Uint32Array;
  /** Earliest and latest record time of the durable frames (Infinity / -Infinity when none). */
  minAtMs: number;
  maxAtMs: number;
}

export interface Placement {
  readonly seg: LaneSegment;
  readonly seq: number;
  /** Segment size once this frame is written. */
  readonly endBytes: number;
  readonly isNewSegment: boolean;
}

/** What a failed write left to clean before the lane writes again. */
export interface Repair {
  /** Segments to cut back to their durable size. */
  readonly truncate: { readonly num: number; readonly bytes: number }[];
  /** Segments (created by the failed batch) to remove. */
  readonly unlink: number[];
}

/** A segment as found on disk at open. */
export function scannedSegment(
  num: number,
  firstSeq: number,
  starts: readonly number[],
  sizeBytes: number,
  minAtMs: number,
  maxAtMs: number,
): LaneSegment {
  return {
    num,
    firstSeq: starts.length === 0 ? 0 : firstSeq,
    count: starts.length,
    durableCount: starts.length,
    // A newest segment cut back to nothing gets its header again on the first write.
    plannedBytes: Math.max(sizeBytes, SEGMENT_HEADER_BYTES),
    durableBytes: sizeBytes,
    starts: Uint32Array.from(starts.length === 0 ? [0] : starts),
    minAtMs,
    maxAtMs,
  };
}

export class LaneTable {
  readonly segs: LaneSegment[];
  /** Number of the next new segment (never reused within a run). */
  private nextNum: number;
  /** Highest durable seq, and the seq the next placement gets. */
  lastSeq: number;
  private nextSeq: number;

  constructor(
    scanned: readonly LaneSegment[],
    highestNum: number,
    lastSeq: number,
    private readonly segmentBytes: number,
  ) {
    this.segs = [...scanned];
    this.nextNum = highestNum + 1;
    this.lastSeq = lastSeq;
    this.nextSeq = lastSeq + 1;
  }

  newest(): LaneSegment | undefined {
    return this.segs.at(-1);
  }

  /** Whether a frame of this size starts a new segment. */
  isRotating(frameBytes: number): boolean {
    const seg = this.newest();
    if (seg === undefined) return true;
    if (seg.count === 0) return false;
    // A segment holds one consecutive run: a jump in seq (a damaged segment set aside) starts another.
    return seg.plannedBytes + frameBytes > this.segmentBytes || seg.firstSeq + seg.count !== this.nextSeq;
  }

  /** Places a frame, giving it the next seq. */
  place(frameBytes: number): Placement {
    let seg = this.newest();
    const isNewSegment = seg === undefined || this.isRotating(frameBytes);
    if (seg === undefined || isNewSegment) {
      seg = {
        num: this.nextNum++,
        firstSeq: 0,
        count: 0,
        durableCount: 0,
        plannedBytes: SEGMENT_HEADER_BYTES,
        durableBytes: 0,
        starts: new Uint32Array(64),
        minAtMs: Number.POSITIVE_INFINITY,
        maxAtMs: Number.NEGATIVE_INFINITY,
      };
      this.segs.push(seg);
    }
    const seq = this.nextSeq++;
    if (seg.count === 0) seg.firstSeq = seq;
    if (seg.count === seg.starts.length) {
      const grown = new Uint32Array(seg.starts.length * 2);
      grown.set(seg.starts);
      seg.starts = grown;
    }
    seg.starts[seg.count] = seg.plannedBytes;
    seg.count++;
    seg.plannedBytes += frameBytes;
    return { seg, seq, endBytes: seg.plannedBytes, isNewSegment };
  }

  /** The frame placed at `p` is on disk (called in placement order). */
  markDurable(p: Placement, atMs: number): void {
    const seg = p.seg;
    seg.durableCount++;
    seg.durableBytes = p.endBytes;
    if (atMs < seg.minAtMs) seg.minAtMs = atMs;
    if (atMs > seg.maxAtMs) seg.maxAtMs = atMs;
    this.lastSeq = p.seq;
  }

  /**
   * Forgets every frame that is not durable (its write failed and it was rejected), so its seq is
   * given again; says what the disk needs before the next write.
   */
  rollback(): Repair {
    const repair: Repair = { truncate: [], unlink: [] };
    for (let i = this.segs.length - 1; i >= 0; i--) {
      const seg = this.segs[i];
      if (seg === undefined || seg.count === seg.durableCount) continue;
      seg.count = seg.durableCount;
      seg.plannedBytes = Math.max(seg.durableBytes, SEGMENT_HEADER_BYTES);
      if (seg.durableCount === 0) {
        this.segs.splice(i, 1);
        repair.unlink.push(seg.num);
      } else {
        repair.truncate.push({ num: seg.num, bytes: seg.durableBytes });
      }
    }
    this.nextSeq = this.lastSeq + 1;
    return repair;
  }

  /** Whether the segment has frames on their way to disk. */
  isBusy(seg: LaneSegment): boolean {
    return seg.count !== seg.durableCount;
  }

  /** Highest durable seq in a segment (firstSeq − 1 when it holds none). */
  lastSeqOf(seg: LaneSegment): number {
    return seg.firstSeq + seg.durableCount - 1;
  }

  /** Oldest durable seq held, 0 when none. */
  firstSeq(): number {
    for (const s of this.segs) if (s.durableCount > 0) return s.firstSeq;
    return 0;
  }

  /** Durable records held. */
  records(): number {
    let n = 0;
    for (const s of this.segs) n += s.durableCount;
    return n;
  }

  plannedBytes(): number {
    let n = 0;
    for (const s of this.segs) n += s.plannedBytes;
    return n;
  }

  durableBytes(): number {
    let n = 0;
    for (const s of this.segs) n += s.durableBytes;
    return n;
  }

  /** The segment holding durable record `seq`, or the first one after it (null: none). */
  locate(seq: number): LaneSegment | null {
    let lo = 0;
    let hi = this.segs.length - 1;
    let found: LaneSegment | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.segs[mid];
      if (s === undefined) break;
      if (s.durableCount > 0 && this.lastSeqOf(s) >= seq) {
        found = s;
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    return found;
  }

  /** Offset where frame `k` of a segment ends. */
  endOf(seg: LaneSegment, k: number): number {
    return k + 1 < seg.count ? (seg.starts[k + 1] ?? seg.plannedBytes) : seg.plannedBytes;
  }

  /** Payload bytes of durable frames `[fromK, durableCount)` of a segment. */
  payloadBytesFrom(seg: LaneSegment, fromK: number): number {
    if (fromK >= seg.durableCount) return 0;
    const start = seg.starts[Math.max(0, fromK)] ?? seg.durableBytes;
    return seg.durableBytes - start - RECORD_OVERHEAD_BYTES * (seg.durableCount - Math.max(0, fromK));
  }

  /** Removes a segment from the table. */
  remove(seg: LaneSegment): void {
    const i = this.segs.indexOf(seg);
    if (i >= 0) this.segs.splice(i, 1);
  }
}
