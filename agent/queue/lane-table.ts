/**
 * One lane's segments in memory, no I/O: where the next frame goes (rotation by size), which seq it
 * gets, what is planned and what is durable, and the offset of every frame, so a read fetches
 * exactly the bytes it returns and the depth is known to the byte.
 *
 * Invariant: the durable records of a lane are one run of consecutive seqs per segment, segments in
 * increasing seq order; frames are only ever placed in the newest segment. A commit may end with a
 * pad frame (agent/audit/frame.ts) up to a page boundary: pads take room in the segment, never a seq,
 * and the table counts them apart so that record sizes and depths stay exact.
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
  /** padsBefore[k]: pad bytes between the header and frame k. */
  padsBefore: Uint32Array;
  /** Pad bytes placed in the segment (planned; the durable ones when nothing is in flight). */
  padBytes: number;
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

/** A frame as found on disk: where it starts and its size, header included. */
export interface ScannedFrameSpan {
  readonly offset: number;
  readonly bytes: number;
}

/** A segment as found on disk at open: its frames in order, its size after any cut. */
export function scannedSegment(
  num: number,
  firstSeq: number,
  frames: readonly ScannedFrameSpan[],
  sizeBytes: number,
  minAtMs: number,
  maxAtMs: number,
): LaneSegment {
  const n = frames.length;
  const starts = new Uint32Array(Math.max(1, n));
  const padsBefore = new Uint32Array(Math.max(1, n));
  // What lies between the header and frame k that is no frame is padding.
  let frameBytes = 0;
  for (let k = 0; k < n; k++) {
    const f = frames[k] ?? { offset: 0, bytes: 0 };
    starts[k] = f.offset;
    padsBefore[k] = f.offset - SEGMENT_HEADER_BYTES - frameBytes;
    frameBytes += f.bytes;
  }
  return {
    num,
    firstSeq: n === 0 ? 0 : firstSeq,
    count: n,
    durableCount: n,
    // A newest segment cut back to nothing gets its header again on the first write.
    plannedBytes: Math.max(sizeBytes, SEGMENT_HEADER_BYTES),
    durableBytes: sizeBytes,
    starts,
    padsBefore,
    padBytes: Math.max(0, sizeBytes - SEGMENT_HEADER_BYTES - frameBytes),
    minAtMs,
    maxAtMs,
  };
}

function grown(a: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length * 2);
  out.set(a);
  return out;
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
        padsBefore: new Uint32Array(64),
        padBytes: 0,
        minAtMs: Number.POSITIVE_INFINITY,
        maxAtMs: Number.NEGATIVE_INFINITY,
      };
      this.segs.push(seg);
    }
    const seq = this.nextSeq++;
    if (seg.count === 0) seg.firstSeq = seq;
    if (seg.count === seg.starts.length) {
      seg.starts = grown(seg.starts);
      seg.padsBefore = grown(seg.padsBefore);
    }
    seg.starts[seg.count] = seg.plannedBytes;
    seg.padsBefore[seg.count] = seg.padBytes;
    seg.count++;
    seg.plannedBytes += frameBytes;
    return { seg, seq, endBytes: seg.plannedBytes, isNewSegment };
  }

  /**
   * Places `bytes` of padding after the last frame of the newest segment (the end of a commit);
   * the caller writes the pad frame there, in the same write as the frames before it.
   */
  pad(bytes: number): void {
    const seg = this.newest();
    if (seg === undefined || seg.count === 0) throw new TypeError('pad with no frame before it');
    seg.plannedBytes += bytes;
    seg.padBytes += bytes;
  }

  /** The frame placed at `p` is on disk (called in placement order), with any pad after it. */
  markDurable(p: Placement, atMs: number): void {
    const seg = p.seg;
    const k = seg.durableCount;
    seg.durableCount++;
    seg.durableBytes = k + 1 < seg.count ? (seg.starts[k + 1] ?? p.endBytes) : seg.plannedBytes;
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
      // The pad after the last durable frame was written with it; later ones were not.
      seg.padBytes = seg.padsBefore[seg.durableCount] ?? seg.padBytes;
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

  /** Offset where frame `k` of a segment ends (before any pad after it). */
  endOf(seg: LaneSegment, k: number): number {
    const pads = seg.padsBefore[k] ?? 0;
    if (k + 1 < seg.count) return (seg.starts[k + 1] ?? 0) - ((seg.padsBefore[k + 1] ?? 0) - pads);
    return seg.plannedBytes - (seg.padBytes - pads);
  }

  /** Payload bytes of durable frames `[fromK, durableCount)` of a segment. */
  payloadBytesFrom(seg: LaneSegment, fromK: number): number {
    const k = Math.max(0, fromK);
    if (k >= seg.durableCount) return 0;
    const start = seg.starts[k] ?? seg.durableBytes;
    const durablePads = seg.durableCount < seg.count ? (seg.padsBefore[seg.durableCount] ?? 0) : seg.padBytes;
    const padsAfter = durablePads - (seg.padsBefore[k] ?? 0);
    return seg.durableBytes - start - padsAfter - RECORD_OVERHEAD_BYTES * (seg.durableCount - k);
  }

  /** Removes a segment from the table. */
  remove(seg: LaneSegment): void {
    const i = this.segs.indexOf(seg);
    if (i >= 0) this.segs.splice(i, 1);
  }
}
