/**
 * What the journal keeps per lane, and the small facts it derives from it (depth, oldest time,
 * the view the space rules see). No I/O.
 */
import type { GroupCommit } from '../audit/group-commit.js';
import type { SegmentWriter } from '../audit/segment-writer.js';
import type { Lane, LaneStats } from './journal-types.js';
import type { LaneSegment, LaneTable, Placement, Repair } from './lane-table.js';
import type { SegmentView } from './space-plan.js';
import type { TailCache } from './tail-cache.js';

/**
 * What rides with each frame through the group commit. The record the tail cache keeps is made only
 * once the frame is durable: made at admission it would live through the commit window and the
 * fsync, long enough to be promoted out of V8's young generation at high rates.
 */
export interface FrameMeta {
  readonly place: Placement;
  readonly atMs: number;
}

export interface LaneCounts {
  appended: number;
  acked: number;
  evicted: number;
  evictedBytes: number;
}

export interface LaneState {
  readonly lane: Lane;
  readonly dir: string;
  readonly table: LaneTable;
  readonly cache: TailCache;
  writer: SegmentWriter;
  commit: GroupCommit<FrameMeta>;
  ackedThrough: number;
  /** Non-null after a failed write: what to clean before the lane writes again. */
  repair: Repair | null;
  readonly counts: LaneCounts;
}

/** Durable records of a segment with seq above `ackedThrough`, as an index range `[k, durableCount)`. */
export function unackedFrom(seg: LaneSegment, ackedThrough: number): number {
  return Math.min(seg.durableCount, Math.max(0, ackedThrough + 1 - seg.firstSeq));
}

export function segmentView(l: LaneState, seg: LaneSegment): SegmentView {
  return {
    lane: l.lane,
    num: seg.num,
    bytes: seg.plannedBytes,
    lastSeq: l.table.lastSeqOf(seg),
    maxAtMs: seg.maxAtMs,
    isBusy: l.table.isBusy(seg),
  };
}

/** Records of the lane held with seq in `[fromSeq, toSeq]`. */
export function heldBetween(l: LaneState, fromSeq: number, toSeq: number): number {
  let n = 0;
  for (const s of l.table.segs) {
    if (s.durableCount === 0) continue;
    const lo = Math.max(fromSeq, s.firstSeq);
    const hi = Math.min(toSeq, l.table.lastSeqOf(s));
    if (hi >= lo) n += hi - lo + 1;
  }
  return n;
}

export function laneStats(l: LaneState): LaneStats {
  let depthRecords = 0;
  let depthBytes = 0;
  let oldestAtMs: number | null = null;
  for (const s of l.table.segs) {
    const k = unackedFrom(s, l.ackedThrough);
    if (k >= s.durableCount) continue;
    depthRecords += s.durableCount - k;
    depthBytes += l.table.payloadBytesFrom(s, k);
    if (oldestAtMs === null) oldestAtMs = l.cache.get(s.firstSeq + k)?.atMs ?? s.minAtMs;
  }
  return {
    depthRecords,
    depthBytes,
    ...l.counts,
    oldestAtMs,
    lastSeq: l.table.lastSeq,
    ackedThrough: l.ackedThrough,
    segments: l.table.segs.length,
  };
}
