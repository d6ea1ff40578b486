/**
 * The journal's writers and what happens when a write fails. Each lane has its own segment writer
 * and group commit. A failed write (ENOSPC, EROFS, EIO…) rejects every frame of that lane not yet
 * durable, rolls the lane back to what is durable (those seqs will be given again: they were never
 * acknowledged), and stops every append at once with the reason, logged once. Every `retryMs` a
 * probe cleans what the failed write left (cuts the segment back, removes a half-made one) and
 * writes and fsyncs a probe file; when that succeeds the lanes get fresh writers and appends are
 * accepted again. Nothing durable is touched.
 */
import { join } from 'node:path';
import type { ZtgwError } from '../../modem/errors.js';
import type { Logger } from '../../modem/log.js';
import { type BatchGroup, createGroupCommit, type GroupCommit, type Queued } from '../audit/group-commit.js';
import { errnoCode, segmentName } from '../audit/segment-files.js';
import { createSegmentWriter, type SegmentWriter, writeAll } from '../audit/segment-writer.js';
import { classifyDiskError, unavailable } from './journal-errors.js';
import type { JournalIo } from './journal-io.js';
import { JOURNAL_MAGIC } from './journal-record.js';
import type { DiskReason, Lane, ResolvedJournalOptions } from './journal-types.js';
import type { FrameMeta, LaneState } from './lane-state.js';
import type { LaneTable } from './lane-table.js';

export type Lanes = Readonly<Record<Lane, LaneState>>;

/** Size of the probe write, bytes: room for a batch, not just for one page. */
const PROBE_BYTES = 64 * 1024;
const PROBE_FILE = '.probe';

export interface AvailabilityDeps {
  readonly opts: ResolvedJournalOptions;
  readonly io: JournalIo;
  readonly log: Logger;
  readonly lanes: () => Lanes;
  readonly onDurable: (l: LaneState, items: readonly Queued<FrameMeta>[]) => void;
  /** Appends stopped: waiting ones must be rejected. */
  readonly onDown: (reason: DiskReason) => void;
  /** A lane was rolled back: planned sizes changed. */
  readonly onRolledBack: () => void;
  /** Just before a lane's batch is written: may append a pad frame to its last group. */
  readonly beforeWrite: (l: LaneState, groups: BatchGroup[]) => void;
}

const ignoreMissing = (err: unknown): void => {
  if (errnoCode(err) !== 'ENOENT') throw err;
};

export class Availability {
  /** Why appends are refused now, null while accepting. */
  reason: DiskReason | null = null;
  /** Appends refused since the journal stopped accepting. */
  rejected = 0;
  private downSinceMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private isStopped = false;

  constructor(private readonly deps: AvailabilityDeps) {}

  /** A writer continuing the lane's newest segment. */
  newWriter(dir: string, table: LaneTable): SegmentWriter {
    const newest = table.newest();
    // Closed after each batch: no descriptor stays open for writing while the journal is idle.
    return createSegmentWriter(dir, newest?.num ?? 0, newest?.durableBytes ?? 0, {
      magic: JOURNAL_MAGIC,
      io: this.deps.io,
      isHandleKeptOpen: false,
    });
  }

  /** A group commit over `writer` for the lane `lane()` returns (null before the lane exists). */
  newCommit(writer: SegmentWriter, lane: () => LaneState | null): GroupCommit<FrameMeta> {
    const o = this.deps.opts;
    return createGroupCommit<FrameMeta>(
      writer,
      {
        groupCommitMs: o.groupCommitMs,
        maxRecords: o.maxBatchRecords,
        isPaced: true,
        beforeWrite: (groups) => {
          const l = lane();
          if (l !== null) this.deps.beforeWrite(l, groups);
        },
      },
      (items) => {
        const l = lane();
        if (l !== null) this.deps.onDurable(l, items);
      },
      (err) => {
        const l = lane();
        if (l !== null) this.failed(l, err);
      },
    );
  }

  /** The error a frame of a failed write is rejected with. */
  toUnavailable(err: unknown, lane: Lane): ZtgwError<'JOURNAL_UNAVAILABLE'> {
    const reason = this.reason ?? classifyDiskError(err);
    return unavailable(reason, `journal write failed (${reason}): ${String(err)}`, lane, err);
  }

  private failed(l: LaneState, err: unknown): void {
    const repair = l.table.rollback();
    const prev = l.repair;
    l.repair = {
      truncate: [...(prev?.truncate ?? []), ...repair.truncate],
      unlink: [...(prev?.unlink ?? []), ...repair.unlink],
    };
    this.deps.onRolledBack();
    void l.writer.close().catch(() => undefined);
    if (this.reason !== null) return;
    this.reason = classifyDiskError(err);
    this.downSinceMs = this.deps.opts.nowMs();
    this.rejected = 0;
    this.deps.log.error(
      { err, reason: this.reason, lane: l.lane, retryMs: this.deps.opts.retryMs },
      'journal.unavailable: not accepting appends until a probe write succeeds',
    );
    this.deps.onDown(this.reason);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null || this.isStopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.probe();
    }, this.deps.opts.retryMs);
  }

  private async probe(): Promise<void> {
    const { io, opts } = this.deps;
    const lanes = this.deps.lanes();
    const work = Object.values(lanes).flatMap((l) => (l.repair === null ? [] : [{ l, repair: l.repair }]));
    try {
      for (const { l, repair } of work) {
        for (const t of repair.truncate) await io.truncate(join(l.dir, segmentName(t.num)), t.bytes);
        for (const n of repair.unlink) await io.unlink(join(l.dir, segmentName(n))).catch(ignoreMissing);
        await io.fsyncDir(l.dir);
      }
      await writeProbe(io, opts.dir);
    } catch (err) {
      const reason = classifyDiskError(err);
      if (reason !== this.reason) this.deps.log.warn({ err, reason }, 'journal.probe-failed');
      this.reason = reason;
      this.schedule();
      return;
    }
    // A lane that failed while this probe ran still needs its own cleaning.
    const isStale = Object.values(lanes).some(
      (l) => l.repair !== (work.find((w) => w.l === l)?.repair ?? null),
    );
    if (this.isStopped) return;
    if (isStale) return this.schedule();
    for (const { l } of work) {
      l.writer = this.newWriter(l.dir, l.table);
      l.commit = this.newCommit(l.writer, () => l);
      l.repair = null;
    }
    this.deps.log.info(
      { downMs: opts.nowMs() - this.downSinceMs, rejected: this.rejected, reason: this.reason },
      'journal.accepting: probe write succeeded',
    );
    this.reason = null;
  }

  stop(): void {
    this.isStopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Writes, fsyncs and removes a probe file in `dir`: proof that the disk takes writes again. */
async function writeProbe(io: JournalIo, dir: string): Promise<void> {
  const path = join(dir, PROBE_FILE);
  const fh = await io.open(path, 'w', 0o600);
  try {
    await writeAll(fh, new Uint8Array(PROBE_BYTES), 0);
    await fh.sync();
  } finally {
    await fh.close().catch(() => undefined);
    await io.unlink(path).catch(() => undefined);
  }
  await io.fsyncDir(dir);
}
