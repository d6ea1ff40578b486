/**
 * Opening the journal: options checked (TypeError for a bad one), directories made 0700, the
 * directory locked against a second writer, each lane scanned (torn tails cut, damaged segments
 * set aside), the cursor read (a damaged one means every lane starts again from its oldest record:
 * at least once, never a loss), and the report of all that returned beside the journal.
 */
import { join } from 'node:path';
import { hasCode, ZtgwError } from '../../modem/errors.js';
import { acquireDirLock } from '../audit/dir-lock.js';
import { EMPTY_CURSOR, readCursor } from './cursor.js';
import { JournalStore, type LaneInit } from './journal.js';
import { countingIo, type IoCounters, NODE_JOURNAL_IO } from './journal-io.js';
import {
  commitAlignProblem,
  JOURNAL_DEFAULTS,
  type Journal,
  type JournalOpenReport,
  type JournalOptions,
  LANES,
  type Lane,
  type LaneOpenReport,
  type ResolvedJournalOptions,
  type SetAsideReport,
  type TailCutReport,
} from './journal-types.js';
import { scanLane } from './lane-scan.js';
import { LaneTable } from './lane-table.js';
import { TailCache } from './tail-cache.js';

type NumericOption = keyof typeof JOURNAL_DEFAULTS;

const RANGES: readonly (readonly [NumericOption, number, number])[] = [
  ['maxBytes', 16 * 1024, Number.MAX_SAFE_INTEGER],
  ['maxAgeMs', 1, Number.MAX_SAFE_INTEGER],
  ['segmentBytes', 4096, 64 * 1024 * 1024],
  ['groupCommitMs', 0, 1000],
  ['commitAlignBytes', 0, 4096],
  ['maxBatchRecords', 1, 1_000_000],
  ['maxRecordBytes', 1, 16 * 1024 * 1024],
  ['cursorFlushMs', 0, 3_600_000],
  ['retryMs', 1, 3_600_000],
  ['tailCacheBytes', 0, Number.MAX_SAFE_INTEGER],
  ['maxPendingBytes', 1, Number.MAX_SAFE_INTEGER],
];

/** Fills defaults and checks ranges; throws TypeError naming the option. */
export function resolveJournalOptions(o: JournalOptions): ResolvedJournalOptions {
  if (typeof o.dir !== 'string' || o.dir === '') throw new TypeError('journal dir must be a non-empty path');
  const r: ResolvedJournalOptions = { ...JOURNAL_DEFAULTS, io: NODE_JOURNAL_IO, ...o };
  for (const [key, lo, hi] of RANGES) {
    const v: unknown = r[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < lo || v > hi) {
      throw new TypeError(`journal option ${key} must be a whole number in ${lo}..${hi}, got ${String(v)}`);
    }
  }
  if (r.maxBytes < 4 * r.segmentBytes) {
    throw new TypeError(`journal maxBytes ${r.maxBytes} must be at least 4 × segmentBytes ${r.segmentBytes}`);
  }
  const alignProblem = commitAlignProblem(r.commitAlignBytes);
  if (alignProblem !== null) {
    throw new TypeError(`journal option commitAlignBytes ${alignProblem}, got ${r.commitAlignBytes}`);
  }
  if (r.maxPendingBytes < r.maxRecordBytes + 64) {
    throw new TypeError(
      `journal maxPendingBytes ${r.maxPendingBytes} must exceed maxRecordBytes ${r.maxRecordBytes}`,
    );
  }
  return r;
}

async function lock(dir: string): Promise<() => Promise<void>> {
  try {
    return await acquireDirLock(dir);
  } catch (err) {
    const pid = hasCode(err, 'AUDIT_IO') ? err.details['pid'] : undefined;
    const why = typeof pid === 'number' ? `in use by pid ${pid}` : `cannot be locked: ${String(err)}`;
    throw new ZtgwError(
      'JOURNAL_IO',
      `journal ${dir} ${why}`,
      { dir, ...(typeof pid === 'number' ? { pid } : {}) },
      { cause: err },
    );
  }
}

/** Opens (creating if needed) the journal in `options.dir`; see {@link JournalOptions}. */
export async function openJournal(
  options: JournalOptions,
): Promise<{ journal: Journal; report: JournalOpenReport }> {
  const opts = resolveJournalOptions(options);
  const log = opts.log.child({ component: 'journal' });
  const counters: IoCounters = { bytesWritten: 0, fsyncs: 0 };
  const io = countingIo(opts.io, counters);
  const ioError = (what: string, err: unknown): ZtgwError =>
    new ZtgwError(
      'JOURNAL_IO',
      `journal ${opts.dir}: cannot ${what}: ${String(err)}`,
      { dir: opts.dir },
      { cause: err },
    );
  try {
    await io.mkdir(opts.dir, 0o700);
    for (const lane of LANES) await io.mkdir(join(opts.dir, lane), 0o700);
  } catch (err) {
    throw ioError('create its directories', err);
  }
  const release = await lock(opts.dir);
  try {
    const read = await readCursor(opts.dir);
    if (read.kind === 'damaged') {
      log.warn({ why: read.why }, 'journal.cursor-damaged: every lane starts again from its oldest record');
    }
    const cursor = read.kind === 'ok' ? read.cursor : EMPTY_CURSOR;
    const tails: TailCutReport[] = [];
    const setAside: SetAsideReport[] = [];
    const openLane = async (lane: Lane): Promise<{ init: LaneInit; report: LaneOpenReport }> => {
      const dir = join(opts.dir, lane);
      const scan = await scanLane(io, lane, dir, opts.maxRecordBytes).catch((err: unknown) => {
        throw ioError(`scan lane ${lane}`, err);
      });
      for (const t of scan.tails) log.warn({ ...t }, 'journal.tail-cut');
      for (const s of scan.setAside)
        log.error({ ...s }, 'journal.set-aside: damaged segment moved out of the chain');
      tails.push(...scan.tails);
      setAside.push(...scan.setAside);
      // The newest segment may hold nothing (cut back to its header): the last seq is in the one before.
      let scannedLast = 0;
      for (const seg of scan.segments) {
        if (seg.durableCount > 0) scannedLast = Math.max(scannedLast, seg.firstSeq + seg.durableCount - 1);
      }
      const c = cursor[lane];
      const lastSeq = Math.max(scannedLast, c.lastSeq, c.ackedThrough);
      const table = new LaneTable(scan.segments, scan.highestNum, lastSeq, opts.segmentBytes);
      const ackedThrough = Math.min(c.ackedThrough, lastSeq);
      const init: LaneInit = {
        lane,
        dir,
        table,
        cache: new TailCache(),
        ackedThrough,
        repair: null,
        counts: { appended: 0, acked: 0, evicted: 0, evictedBytes: 0 },
      };
      return {
        init,
        report: { lastSeq, ackedThrough, records: table.records(), segments: table.segs.length },
      };
    };
    const alert = await openLane('alert');
    const audit = await openLane('audit');
    const telemetry = await openLane('telemetry');
    const inits = { alert: alert.init, audit: audit.init, telemetry: telemetry.init };
    const lanes = { alert: alert.report, audit: audit.report, telemetry: telemetry.report };
    const store = new JournalStore(opts, io, counters, inits, log, release);
    store.enforceAtOpen();
    return {
      journal: store,
      report: { lanes, tails, setAside, cursor: read.kind },
    };
  } catch (err) {
    await release();
    throw err;
  }
}
