/**
 * The journal's bookkeeping of space: the bytes that count against `maxBytes`, making room by the
 * rules of space-plan.ts, the age limit on telemetry, and taking segments out of their lane (their
 * files are deleted once a cursor covering them is durable, see doomed.ts).
 */
import type { Logger } from '../../modem/log.js';
import { SEGMENT_HEADER_BYTES } from '../audit/frame.js';
import type { Lanes } from './availability.js';
import type { Doomed } from './doomed.js';
import { LANES, type Lane, type ResolvedJournalOptions } from './journal-types.js';
import { type LaneState, segmentView, unackedFrom } from './lane-state.js';
import type { LaneSegment } from './lane-table.js';
import { planAge, planSpace, type SegmentView } from './space-plan.js';

export type DropReason = 'cap' | 'age' | 'acked' | 'damaged';

export interface SpaceKeeperDeps {
  readonly opts: ResolvedJournalOptions;
  readonly lanes: () => Lanes;
  readonly doomed: Doomed;
  /**
   * A segment left: the cursor must be written before its file may go. `why` 'cap' means the
   * journal is at its byte cap: the file should go now, not within cursorFlushMs, so that what is
   * on disk stays within maxBytes (plus what is dropped during one cursor write).
   */
  readonly onDropped: (why: DropReason) => void;
  readonly log: Logger;
}

export class SpaceKeeper {
  /** Planned bytes of every live segment (what counts against maxBytes). */
  usedBytes = 0;

  constructor(private readonly deps: SpaceKeeperDeps) {}

  /** Sums the lanes again (after a rollback changed planned sizes). */
  recount(): void {
    const lanes = this.deps.lanes();
    this.usedBytes = LANES.reduce((n, x) => n + lanes[x].table.plannedBytes(), 0);
  }

  /** Makes room for `frameBytes` more (in lane `l`, when given); false when it cannot. */
  makeRoom(frameBytes: number, l?: LaneState): boolean {
    const { maxBytes } = this.deps.opts;
    const need = (): number => frameBytes + (l?.table.isRotating(frameBytes) ? SEGMENT_HEADER_BYTES : 0);
    if (this.usedBytes + need() <= maxBytes) return true;
    const lanes = this.deps.lanes();
    const plan = planSpace({
      segments: {
        alert: this.views('alert'),
        audit: this.views('audit'),
        telemetry: this.views('telemetry'),
      },
      ackedThrough: {
        alert: lanes.alert.ackedThrough,
        audit: lanes.audit.ackedThrough,
        telemetry: lanes.telemetry.ackedThrough,
      },
      usedBytes: this.usedBytes,
      maxBytes,
      needBytes: need(),
    });
    if (!plan.fits) return false;
    this.dropViews(plan.evict, 'cap');
    return this.usedBytes + need() <= maxBytes;
  }

  /** Drops the oldest telemetry segments whose records are all older than `maxAgeMs`. */
  evictAged(): void {
    const { nowMs, maxAgeMs } = this.deps.opts;
    const first = this.deps.lanes().telemetry.table.segs[0];
    // The cheap test first: this runs on every telemetry read.
    if (first === undefined || !(first.maxAtMs < nowMs() - maxAgeMs)) return;
    this.dropViews(planAge(this.views('telemetry'), nowMs(), maxAgeMs), 'age');
  }

  /** Takes a segment out of its lane, counting what was not acknowledged as evicted. */
  drop(l: LaneState, seg: LaneSegment, why: DropReason): void {
    const k = unackedFrom(seg, l.ackedThrough);
    const records = seg.durableCount - k;
    if (why !== 'acked' && records > 0) {
      const bytes = l.table.payloadBytesFrom(seg, k);
      l.counts.evicted += records;
      l.counts.evictedBytes += bytes;
      this.deps.log.warn({ lane: l.lane, segment: seg.num, records, bytes, why }, 'journal.evicted');
    }
    l.table.remove(seg);
    this.usedBytes -= seg.plannedBytes;
    const first = l.table.firstSeq();
    l.cache.dropBelow(first === 0 ? l.table.lastSeq + 1 : first);
    if (why !== 'damaged') this.deps.doomed.add(l.dir, seg.num, seg.durableBytes);
    this.deps.onDropped(why);
  }

  private dropViews(views: readonly SegmentView[], why: DropReason): void {
    const lanes = this.deps.lanes();
    for (const v of views) {
      const l = lanes[v.lane];
      const seg = l.table.segs.find((s) => s.num === v.num);
      if (seg !== undefined) this.drop(l, seg, why);
    }
  }

  private views(lane: Lane): SegmentView[] {
    const l = this.deps.lanes()[lane];
    return l.table.segs.map((s) => segmentView(l, s));
  }
}
