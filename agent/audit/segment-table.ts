/**
 * The store's in-memory view of its segments: where the next frame goes (rotation by size), how
 * many bytes are planned and durable, each segment's seq range, and a sparse offset index for reads
 * by seq. No I/O.
 */
import { SEGMENT_HEADER_BYTES } from './frame.js';
import { INDEX_STRIDE, type SegmentIndex } from './segment-scan.js';
import type { SegmentUsage } from './space-plan.js';

export interface Seg {
  readonly num: number;
  /** Bytes including frames queued but not yet durable. */
  plannedBytes: number;
  durableBytes: number;
  /** 0 while the segment holds no record. */
  firstSeq: number;
  lastSeq: number;
  durableLastSeq: number;
  frames: number;
  /** offsets[k]: where frame k·INDEX_STRIDE starts. */
  readonly offsets: number[];
}

/** Where a frame was placed: its segment and the segment's size once it is written. */
export interface Placement {
  readonly num: number;
  readonly endBytes: number;
}

export class SegmentTable {
  private readonly segs: Seg[];

  constructor(
    scanned: readonly SegmentIndex[],
    private readonly segmentBytes: number,
  ) {
    this.segs = scanned.map((s) => ({
      num: s.num,
      // A newest segment cut back to nothing gets its header again on the first write.
      plannedBytes: Math.max(s.sizeBytes, SEGMENT_HEADER_BYTES),
      durableBytes: s.sizeBytes,
      firstSeq: s.firstSeq,
      lastSeq: s.lastSeq,
      durableLastSeq: s.lastSeq,
      frames: s.lastSeq === 0 ? 0 : s.lastSeq - s.firstSeq + 1,
      offsets: [...s.offsets],
    }));
  }

  /** The newest segment, if any. */
  active(): Seg | undefined {
    return this.segs.at(-1);
  }

  /** Whether a frame of this size starts a new segment. */
  isRotating(frameBytes: number): boolean {
    const seg = this.active();
    return seg === undefined || (seg.frames > 0 && seg.plannedBytes + frameBytes > this.segmentBytes);
  }

  /** Places the frame of record `seq`, rotating first when the active segment is full. */
  place(seq: number, frameBytes: number): Placement {
    let seg = this.active();
    if (seg === undefined || this.isRotating(frameBytes)) {
      seg = {
        num: (seg?.num ?? 0) + 1,
        plannedBytes: SEGMENT_HEADER_BYTES,
        durableBytes: 0,
        firstSeq: 0,
        lastSeq: 0,
        durableLastSeq: 0,
        frames: 0,
        offsets: [],
      };
      this.segs.push(seg);
    }
    if (seg.frames % INDEX_STRIDE === 0) seg.offsets.push(seg.plannedBytes);
    seg.plannedBytes += frameBytes;
    seg.frames++;
    if (seg.firstSeq === 0) seg.firstSeq = seq;
    seg.lastSeq = seq;
    return { num: seg.num, endBytes: seg.plannedBytes };
  }

  /** Records that a frame placed at `p` for `seq` is on disk. */
  markDurable(p: Placement, seq: number): void {
    const seg = this.segs.find((s) => s.num === p.num);
    if (seg === undefined) return;
    seg.durableBytes = Math.max(seg.durableBytes, p.endBytes);
    seg.durableLastSeq = Math.max(seg.durableLastSeq, seq);
  }

  /** Drops segments from the table (evicted); returns the highest seq they held. */
  remove(nums: readonly number[]): number {
    let through = 0;
    for (const n of nums) {
      const i = this.segs.findIndex((s) => s.num === n);
      const s = this.segs[i];
      if (s === undefined) continue;
      through = Math.max(through, s.lastSeq);
      this.segs.splice(i, 1);
    }
    return through;
  }

  usage(): SegmentUsage[] {
    return this.segs.map((s) => ({ num: s.num, sizeBytes: s.plannedBytes, lastSeq: s.lastSeq }));
  }

  usedBytes(): number {
    return this.segs.reduce((n, s) => n + s.plannedBytes, 0);
  }

  count(): number {
    return this.segs.length;
  }

  /** Oldest record held, 0 for none. */
  firstSeq(): number {
    return this.segs.find((s) => s.firstSeq > 0)?.firstSeq ?? 0;
  }

  /**
   * Where to start reading for `seq`: the first durable segment that reaches it, the seq actually
   * found there (later, if `seq` was evicted), and the offset of the indexed frame at or before it.
   */
  locate(
    seq: number,
  ): { num: number; fromSeq: number; fromBytes: number; toBytes: number; lastSeq: number } | null {
    const seg = this.segs.find((s) => s.firstSeq > 0 && s.durableLastSeq >= seq);
    if (seg === undefined) return null;
    const fromSeq = Math.max(seq, seg.firstSeq);
    const k = Math.floor((fromSeq - seg.firstSeq) / INDEX_STRIDE);
    return {
      num: seg.num,
      fromSeq,
      fromBytes: seg.offsets[k] ?? SEGMENT_HEADER_BYTES,
      toBytes: seg.durableBytes,
      lastSeq: seg.durableLastSeq,
    };
  }
}
