/**
 * The journal's space and age rules, pure. Space is made in this order:
 *
 *   1. segments already acknowledged (any lane): nothing is lost;
 *   2. the oldest telemetry segments, acknowledged or not: readings are the one thing we may drop,
 *      counted and logged;
 *   never an unacknowledged alert or audit segment: if those alone fill the cap, the append is
 *   refused ('full').
 *
 * A segment with frames on their way to disk is never chosen. Telemetry whose newest record is
 * older than the age limit goes too (whole segments).
 */
import type { Lane } from './journal-types.js';

export interface SegmentView {
  readonly lane: Lane;
  readonly num: number;
  /** Bytes it counts against the cap. */
  readonly bytes: number;
  /** Highest durable seq in it. */
  readonly lastSeq: number;
  readonly maxAtMs: number;
  readonly isBusy: boolean;
}

export interface SpaceRequest {
  /** Per lane, oldest first. */
  readonly segments: Readonly<Record<Lane, readonly SegmentView[]>>;
  readonly ackedThrough: Readonly<Record<Lane, number>>;
  readonly usedBytes: number;
  readonly maxBytes: number;
  readonly needBytes: number;
}

export interface SpacePlan {
  /** Segments to drop, in order. */
  readonly evict: readonly SegmentView[];
  readonly fits: boolean;
}

/** Which segments to drop so that `needBytes` more fit under `maxBytes`. */
export function planSpace(req: SpaceRequest): SpacePlan {
  const evict: SegmentView[] = [];
  let used = req.usedBytes;
  const fits = (): boolean => used + req.needBytes <= req.maxBytes;
  if (fits()) return { evict, fits: true };
  for (const lane of ['alert', 'audit', 'telemetry'] as const) {
    for (const s of req.segments[lane]) {
      if (s.isBusy || s.lastSeq > req.ackedThrough[lane]) continue;
      evict.push(s);
      used -= s.bytes;
      if (fits()) return { evict, fits: true };
    }
  }
  for (const s of req.segments.telemetry) {
    if (s.isBusy || evict.includes(s)) continue;
    evict.push(s);
    used -= s.bytes;
    if (fits()) return { evict, fits: true };
  }
  return { evict, fits: false };
}

/**
 * The oldest telemetry segments whose every record is older than `maxAgeMs` at `nowMs` (a prefix
 * of the chain: what is held stays one run of seqs).
 */
export function planAge(
  telemetry: readonly SegmentView[],
  nowMs: number,
  maxAgeMs: number,
): readonly SegmentView[] {
  const out: SegmentView[] = [];
  for (const s of telemetry) {
    if (s.isBusy || !(s.maxAtMs < nowMs - maxAgeMs)) break;
    out.push(s);
  }
  return out;
}
