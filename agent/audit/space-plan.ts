/**
 * The audit store's quota rules, pure. The trail may not be lost, so space is made only from
 * segments the uplink has acknowledged:
 *
 *   fits under quota ─────────────────────────────▶ write
 *   evict oldest acknowledged segments until it fits ▶ write + evict
 *   still full, critical event, fits in reserve ──────▶ write (into the reserve)
 *   still full ───────────────────────────────────▶ refuse (AUDIT_QUOTA), keep everything
 *
 * The segment being written is never evicted, nor any segment holding a record past the
 * acknowledged cursor (and since the cursor is one number, nothing newer than such a segment).
 */

export interface SegmentUsage {
  readonly num: number;
  readonly sizeBytes: number;
  /** Seq of the last record in the segment; 0 when it holds none. */
  readonly lastSeq: number;
}

export interface SpaceRequest {
  /** Segments oldest first, including the active one. */
  readonly segments: readonly SegmentUsage[];
  readonly activeNum: number;
  readonly ackedSeq: number;
  readonly quotaBytes: number;
  readonly reserveBytes: number;
  readonly needBytes: number;
  readonly isCritical: boolean;
}

export type SpacePlan =
  | { readonly kind: 'write'; readonly evict: readonly number[]; readonly isInReserve: boolean }
  | { readonly kind: 'refuse'; readonly usedBytes: number; readonly evictableBytes: number };

/** Decides whether a write of `needBytes` may go ahead and which segments to evict first. */
export function planSpace(req: SpaceRequest): SpacePlan {
  const used = req.segments.reduce((n, s) => n + s.sizeBytes, 0);
  if (used + req.needBytes <= req.quotaBytes) return { kind: 'write', evict: [], isInReserve: false };
  const evict: number[] = [];
  let freed = 0;
  for (const s of req.segments) {
    if (s.num === req.activeNum || s.lastSeq > req.ackedSeq) break;
    evict.push(s.num);
    freed += s.sizeBytes;
    if (used - freed + req.needBytes <= req.quotaBytes) return { kind: 'write', evict, isInReserve: false };
  }
  if (req.isCritical && used - freed + req.needBytes <= req.quotaBytes + req.reserveBytes) {
    return { kind: 'write', evict, isInReserve: true };
  }
  return { kind: 'refuse', usedBytes: used, evictableBytes: freed };
}
