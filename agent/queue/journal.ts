/**
 * The journal: durable per-lane record chains on flash, the store behind "a reading is acknowledged
 * to its sensor only once it is on disk".
 *
 *   append ─▶ frame (payload copied once) ─▶ backlog bound ─▶ room? (acknowledged, then oldest
 *          telemetry) ─▶ seq ─▶ group commit (one write + fsync per batch and lane) ─▶ tail cache
 *          ─▶ resolve
 *   read   ─▶ tail cache, else exactly the frames wanted from the segment file
 *   ack    ─▶ cursor (coalesced, durable) ─▶ then wholly-acknowledged segments are deleted
 *
 * A failed write (disk full, read-only, I/O error) stops every append at once with the reason; a
 * probe write every `retryMs` brings it back by itself (availability.ts).
 */
import { ZtgwError } from '../../modem/errors.js';
import type { Logger } from '../../modem/log.js';
import { encodePad, FRAME_HEADER_BYTES, SEGMENT_HEADER_BYTES } from '../audit/frame.js';
import type { BatchGroup, Queued } from '../audit/group-commit.js';
import { Availability, type Lanes } from './availability.js';
import { Backlog } from './backlog.js';
import { type Cursor, CursorFlusher } from './cursor.js';
import { Doomed } from './doomed.js';
import { appendArgsProblem, isLane, readArgsProblem } from './journal-args.js';
import { unavailable } from './journal-errors.js';
import type { IoCounters, JournalIo } from './journal-io.js';
import { newFrame, RECORD_OVERHEAD_BYTES, sealFrame } from './journal-record.js';
import {
  type Journal,
  type JournalRecord,
  type JournalStats,
  LANES,
  type Lane,
  type ResolvedJournalOptions,
} from './journal-types.js';
import { readLane } from './lane-read.js';
import { type FrameMeta, heldBetween, type LaneState, laneStats } from './lane-state.js';
import type { LaneSegment } from './lane-table.js';
import { SpaceKeeper } from './space-keeper.js';

/** A lane as found at open, before it has a writer. */
export type LaneInit = Omit<LaneState, 'writer' | 'commit'>;

export class JournalStore implements Journal {
  private readonly listeners = new Set<(lane: Lane) => void>();
  private isClosed = false;
  private closing: Promise<void> | null = null;
  private isFullLogged = false;
  private isCursorFailing = false;
  private cursorWrites = 0;
  private readonly lanes: Lanes;
  private readonly backlog: Backlog;
  private readonly doomed: Doomed;
  private readonly flusher: CursorFlusher;
  private readonly availability: Availability;
  private readonly space: SpaceKeeper;

  constructor(
    private readonly opts: ResolvedJournalOptions,
    private readonly io: JournalIo,
    private readonly counters: IoCounters,
    inits: Readonly<Record<Lane, LaneInit>>,
    private readonly log: Logger,
    private readonly release: () => Promise<void>,
  ) {
    this.backlog = new Backlog(opts.maxPendingBytes, (l, frame, atMs) => this.admit(l, frame, atMs));
    this.availability = new Availability({
      opts,
      io,
      log,
      lanes: () => this.lanes,
      onDurable: (l, items) => this.onBatchDurable(l, items),
      onDown: (reason) =>
        this.backlog.rejectAll((w) => unavailable(reason, `journal is not accepting: ${reason}`, w.l.lane)),
      onRolledBack: () => this.space.recount(),
      beforeWrite: (l, groups) => this.padCommit(l, groups),
    });
    const build = (init: LaneInit): LaneState => {
      const writer = this.availability.newWriter(init.dir, init.table);
      let state: LaneState | null = null;
      const commit = this.availability.newCommit(writer, () => state);
      state = { ...init, writer, commit };
      return state;
    };
    this.lanes = { alert: build(inits.alert), audit: build(inits.audit), telemetry: build(inits.telemetry) };
    this.doomed = new Doomed(io, log);
    this.space = new SpaceKeeper({
      opts,
      lanes: () => this.lanes,
      doomed: this.doomed,
      onDropped: (why) => {
        this.flusher.markDirty();
        if (why === 'cap') void this.flusher.flush();
      },
      log,
    });
    this.space.recount();
    this.flusher = new CursorFlusher({
      dir: opts.dir,
      flushMs: opts.cursorFlushMs,
      snapshot: () => ({ cursor: this.cursor(), token: this.doomed.token }),
      onWritten: async (token, bytes) => {
        this.cursorWrites++;
        this.isCursorFailing = false;
        // writeFileDurable: one write, an fsync of the file and one of the directory.
        this.counters.bytesWritten += bytes;
        this.counters.fsyncs += 2;
        await this.doomed.deleteThrough(token);
      },
      onError: (err) => {
        if (!this.isCursorFailing) log.warn({ err }, 'journal.cursor-write-failed');
        this.isCursorFailing = true;
      },
    });
  }

  /** Age and cap rules once at open (the cap may have been lowered since the files were written). */
  enforceAtOpen(): void {
    this.space.evictAged();
    this.space.makeRoom(0);
  }

  append(lane: Lane, payload: Uint8Array, atMs: number): Promise<number> {
    if (this.isClosed) return Promise.reject(unavailable('closed', 'journal is closed', lane));
    const down = this.availability.reason;
    if (down !== null) {
      this.availability.rejected++;
      return Promise.reject(unavailable(down, `journal is not accepting: ${down}`, lane));
    }
    const bad = appendArgsProblem(lane, payload, atMs, this.opts.maxRecordBytes);
    if (bad !== null) return Promise.reject(bad);
    const queued = this.backlog.submit(this.lanes[lane], newFrame(payload, atMs), atMs);
    if (queued !== null) return queued;
    const { pendingBytes, waitingBytes } = this.backlog;
    const why = `journal backlog: ${pendingBytes} bytes waiting for fsync and ${waitingBytes} queued`;
    return Promise.reject(unavailable('full', why, lane));
  }

  private admit(l: LaneState, frame: Uint8Array, atMs: number): Promise<number> {
    const down = this.availability.reason ?? (this.isClosed ? 'closed' : null);
    if (down !== null) return Promise.reject(unavailable(down, `journal is not accepting: ${down}`, l.lane));
    if (!this.space.makeRoom(frame.length, l)) {
      const { usedBytes } = this.space;
      if (!this.isFullLogged) {
        this.log.error(
          { lane: l.lane, usedBytes, maxBytes: this.opts.maxBytes },
          'journal.full: unacknowledged alert/audit records fill the cap',
        );
      }
      this.isFullLogged = true;
      const why = `journal full: ${usedBytes} of ${this.opts.maxBytes} bytes held unacknowledged`;
      return Promise.reject(unavailable('full', why, l.lane));
    }
    this.isFullLogged = false;
    const place = l.table.place(frame.length);
    sealFrame(frame, place.seq);
    this.space.usedBytes += frame.length + (place.isNewSegment ? SEGMENT_HEADER_BYTES : 0);
    this.backlog.entered(frame.length);
    if (place.isNewSegment) this.space.evictAged();
    const item: Queued<FrameMeta> = { num: place.seg.num, frame, meta: { place, atMs } };
    return l.commit.enqueue(item).then(
      () => {
        this.backlog.settled(frame.length);
        return place.seq;
      },
      (err: unknown) => {
        this.backlog.settled(frame.length);
        throw this.availability.toUnavailable(err, l.lane);
      },
    );
  }

  /**
   * Ends a commit on a page boundary with a pad frame, so that the next commit starts on a fresh
   * page instead of rewriting this one (each rewrite is a whole page of flash wear). Only where it
   * is cheap: the pad is never larger than the commit's own bytes (space at most doubles), it stays
   * inside the segment, and the journal holds less than half its cap (an outage's backlog keeps
   * its room).
   */
  private padCommit(l: LaneState, groups: BatchGroup[]): void {
    const align = this.opts.commitAlignBytes;
    const g = groups.at(-1);
    const seg = l.table.newest();
    if (align === 0 || g === undefined || seg === undefined || seg.num !== g.num) return;
    const gap = (align - (seg.plannedBytes % align)) % align;
    if (gap < FRAME_HEADER_BYTES) return;
    let commitBytes = 0;
    for (const f of g.frames) commitBytes += f.length;
    if (gap > commitBytes || seg.plannedBytes + gap > this.opts.segmentBytes) return;
    if (this.space.usedBytes + gap > this.opts.maxBytes / 2) return;
    l.table.pad(gap);
    this.space.usedBytes += gap;
    g.frames.push(encodePad(gap));
  }

  private onBatchDurable(l: LaneState, items: readonly Queued<FrameMeta>[]): void {
    for (const it of items) {
      const { place, atMs } = it.meta;
      l.table.markDurable(place, atMs);
      const payload = it.frame.subarray(RECORD_OVERHEAD_BYTES);
      l.cache.push({ lane: l.lane, seq: place.seq, atMs, payload });
    }
    l.counts.appended += items.length;
    let over = LANES.reduce((n, x) => n + this.lanes[x].cache.bytes, 0) - this.opts.tailCacheBytes;
    // The lane that just grew pays first, so a telemetry flood does not push alerts out of RAM.
    for (const x of [l.lane, ...LANES]) {
      const c = this.lanes[x].cache;
      while (over > 0 && c.size > 0) over -= c.dropOldest();
    }
    for (const fn of this.listeners) {
      try {
        fn(l.lane);
      } catch (err) {
        this.log.warn({ err }, 'journal.listener-failed');
      }
    }
  }

  read(
    lane: Lane,
    afterSeq: number,
    maxRecords: number,
    maxBytes: number,
  ): Promise<readonly JournalRecord[]> {
    if (this.isClosed) return Promise.reject(unavailable('closed', 'journal is closed', lane));
    const bad = readArgsProblem(lane, afterSeq, maxRecords, maxBytes);
    if (bad !== null) return Promise.reject(bad);
    const l = this.lanes[lane];
    if (lane === 'telemetry') this.space.evictAged();
    const deps = {
      lane,
      dir: l.dir,
      io: this.io,
      table: l.table,
      cache: l.cache,
      maxRecordBytes: this.opts.maxRecordBytes,
      onDamaged: (seg: LaneSegment, why: string) => this.setAsideAtRuntime(l, seg, why),
    };
    return readLane(deps, afterSeq, maxRecords, maxBytes);
  }

  private async setAsideAtRuntime(l: LaneState, seg: LaneSegment, why: string): Promise<void> {
    const facts = { lane: l.lane, segment: seg.num };
    if (l.table.isBusy(seg)) {
      const msg = `journal ${l.lane} segment ${seg.num} reads back damaged: ${why}`;
      throw new ZtgwError('JOURNAL_CORRUPT', msg, facts);
    }
    this.log.error({ ...facts, why }, 'journal.damaged: segment set aside');
    this.space.drop(l, seg, 'damaged');
    await this.doomed.setAside(l.dir, seg.num);
  }

  ack(lane: Lane, throughSeq: number): void {
    if (this.isClosed || !isLane(lane) || !Number.isSafeInteger(throughSeq)) return;
    const l = this.lanes[lane];
    const s = Math.min(throughSeq, l.table.lastSeq);
    if (s <= l.ackedThrough) return;
    l.counts.acked += heldBetween(l, l.ackedThrough + 1, s);
    l.ackedThrough = s;
    l.cache.dropBelow(s + 1);
    // Sealed segments only: the newest stays, it is where the next records go.
    for (let seg = l.table.segs[0]; seg !== undefined && seg !== l.table.newest(); seg = l.table.segs[0]) {
      if (l.table.isBusy(seg) || l.table.lastSeqOf(seg) > s) break;
      this.space.drop(l, seg, 'acked');
    }
    this.flusher.markDirty();
  }

  ackedThrough(lane: Lane): number {
    return isLane(lane) ? this.lanes[lane].ackedThrough : 0;
  }

  lastSeq(lane: Lane): number {
    return isLane(lane) ? this.lanes[lane].table.lastSeq : 0;
  }

  onDurable(fn: (lane: Lane) => void): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }

  stats(): JournalStats {
    const reason = this.availability.reason;
    const { alert, audit, telemetry } = this.lanes;
    return {
      lanes: { alert: laneStats(alert), audit: laneStats(audit), telemetry: laneStats(telemetry) },
      diskBytes: LANES.reduce((n, x) => n + this.lanes[x].table.durableBytes(), 0) + this.doomed.bytes,
      bytesWritten: this.counters.bytesWritten,
      fsyncs: this.counters.fsyncs,
      cursorWrites: this.cursorWrites,
      pendingBytes: this.backlog.pendingBytes,
      waitingAppends: this.backlog.waiting,
      isAccepting: reason === null && !this.isClosed,
      notAcceptingReason: reason,
    };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.isClosed = true;
    this.backlog.rejectAll((w) => unavailable('closed', 'journal is closed', w.l.lane));
    this.availability.stop();
    await Promise.all(LANES.map((x) => this.lanes[x].commit.drain()));
    this.flusher.stop();
    // The cursor holds lastSeq too: written at close, so seqs go on from here after a restart.
    this.flusher.markDirty();
    await this.flusher.flush().catch((err: unknown) => this.log.warn({ err }, 'journal.cursor-write-failed'));
    for (const x of LANES) await this.lanes[x].writer.close().catch(() => undefined);
    this.listeners.clear();
    await this.release();
  }

  private cursor(): Cursor {
    const c = (x: Lane) => ({
      ackedThrough: this.lanes[x].ackedThrough,
      lastSeq: this.lanes[x].table.lastSeq,
    });
    return { alert: c('alert'), audit: c('audit'), telemetry: c('telemetry') };
  }
}
