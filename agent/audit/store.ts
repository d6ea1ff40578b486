/**
 * The audit log on flash: an append-only, hash-chained, checkpointed trail in segment files.
 *
 *   append(event) ─▶ catalogue check ─▶ quota plan ─▶ seal (seq, t, prev, h) ─▶ group commit
 *   resolves ◀───────────── one fsync per batch (see group-commit.ts) ◀──────────────┘
 *
 * Every N records or M ms a signed `audit.checkpoint` record seals the head. At open the directory
 * is scanned, a torn tail is cut and reported (return value and an `audit.tail-cut` record); other
 * damage is AUDIT_CORRUPT. The store keeps its own quota and evicts only segments the uplink has
 * acknowledged (space-plan.ts).
 */
import { mkdir, open } from 'node:fs/promises';
import { ZtgwError } from '../../modem/errors.js';
import type { Logger } from '../../modem/log.js';
import { createAckWriter, readAckCursor } from './ack-cursor.js';
import { type AuditKey, auditSigner, loadOrCreateAuditKey } from './audit-key.js';
import { catalogueProblem, isCriticalEvent } from './catalogue.js';
import { acquireDirLock } from './dir-lock.js';
import { encodeFrame, SEGMENT_HEADER_BYTES } from './frame.js';
import { createGroupCommit } from './group-commit.js';
import {
  type AuditEventInput,
  type AuditRecord,
  CHECKPOINT_EVENT,
  checkpointEvent,
  encodeRecord,
  sealRecord,
  ZERO_HASH,
} from './record.js';
import { segmentName } from './segment-files.js';
import { readTableEntries } from './segment-reader.js';
import { type DirScan, scanAuditDir } from './segment-scan.js';
import { type Placement, SegmentTable } from './segment-table.js';
import { createSegmentWriter } from './segment-writer.js';
import { planSpace, type SpacePlan } from './space-plan.js';
import { type AuditLogOptions, checkOptions, DEFAULT_AUDIT_LOG_OPTIONS } from './store-options.js';
import { type AuditQuotaAlert, quotaEvent, quotaRefusal } from './store-quota.js';
import type { AppendResult, AuditLog, ChainHead, StoredRecord, TailCutReport } from './store-types.js';

interface Sealed {
  readonly record: AuditRecord;
  readonly frame: Uint8Array;
}

/** Options a caller must give; the rest default (see {@link DEFAULT_AUDIT_LOG_OPTIONS}). */
export type OpenAuditLogOptions = Partial<AuditLogOptions> & Pick<AuditLogOptions, 'dir' | 'keysDir' | 'log'>;

/** Opens (creating if needed) the audit log in `dir`, taking its lock; see {@link AuditLogOptions}. */
export async function openAuditLog(options: OpenAuditLogOptions): Promise<AuditLog> {
  const opts: AuditLogOptions = { ...DEFAULT_AUDIT_LOG_OPTIONS, ...options };
  checkOptions(opts);
  const log = opts.log.child({ component: 'audit' });
  await mkdir(opts.dir, { recursive: true, mode: 0o700 });
  const release = await acquireDirLock(opts.dir);
  try {
    const key = await loadOrCreateAuditKey(opts.keysDir, log);
    const scan = await scanAuditDir(opts.dir, opts.maxRecordBytes, opts.checkpointEveryRecords);
    if (scan.tail !== null) await cutTail(scan.tail.path, scan.tail.offset);
    const ackedSeq = await readAckCursor(opts.dir, log);
    const auditLog = createLog(opts, log, key, scan, ackedSeq, release);
    try {
      await auditLog.reportTail();
    } catch (err) {
      await auditLog.api.close().catch(() => undefined);
      throw err;
    }
    return auditLog.api;
  } catch (err) {
    await release();
    throw err;
  }
}

async function cutTail(path: string, atBytes: number): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.truncate(atBytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function createLog(
  opts: AuditLogOptions,
  log: Logger,
  key: AuditKey,
  scan: DirScan,
  ackedAtOpen: number,
  release: () => Promise<void>,
): { api: AuditLog; reportTail: () => Promise<void> } {
  const table = new SegmentTable(scan.segments, opts.segmentBytes);
  const last = table.active();
  const writer = createSegmentWriter(opts.dir, last?.num ?? 0, last?.durableBytes ?? 0);
  const ackWriter = createAckWriter(opts.dir);
  let head: ChainHead =
    scan.last === null
      ? { seq: 0, h: ZERO_HASH, t: 0 }
      : { seq: scan.last.seq, h: scan.last.h, t: scan.last.t };
  let durableHead = head;
  let ackedSeq = Math.min(ackedAtOpen, head.seq);
  let checkpointTimer: NodeJS.Timeout | null = null;
  let failure: ZtgwError | null = null;
  let isClosed = false;
  let sinceCheckpoint = scan.sinceCheckpoint;
  let refusing: { refused: number } | null = null;
  let tailCut: TailCutReport | null = null;
  const listeners = new Set<(h: ChainHead) => void>();

  const commits = createGroupCommit<{ place: Placement; head: ChainHead }>(
    writer,
    { groupCommitMs: opts.groupCommitMs, maxRecords: opts.groupCommitMaxRecords },
    (items) => {
      for (const it of items) {
        table.markDurable(it.meta.place, it.meta.head.seq);
        durableHead = it.meta.head;
      }
      for (const l of listeners) l(durableHead);
    },
    (err) => {
      failure = new ZtgwError(
        'AUDIT_IO',
        `audit write failed; reopen the log: ${String(err)}`,
        {},
        { cause: err },
      );
      log.error({ err }, 'audit write failed');
    },
  );

  /** Appends without a caller: a failure is logged, since nobody awaits it. */
  const appendQuiet = (e: AuditEventInput): void => {
    append(e).catch((err: unknown) => log.warn({ err, ev: e.ev }, 'internal audit event not written'));
  };
  const sealHead = (): void => appendQuiet(checkpointEvent(head.seq, head.h, key.secretKey));

  const armCheckpointTimer = (): void => {
    if (checkpointTimer !== null || isClosed) return;
    checkpointTimer = setTimeout(() => {
      checkpointTimer = null;
      if (sinceCheckpoint > 0 && failure === null && !isClosed) sealHead();
    }, opts.checkpointEveryMs);
  };

  const sealNext = (e: AuditEventInput): Sealed => {
    const record = sealRecord(head.h, head.seq + 1, opts.clock.nowMs(), e);
    const payload = encodeRecord(record);
    if (payload.length > opts.maxRecordBytes) {
      throw new TypeError(`audit record ${e.ev} is ${payload.length} bytes, over ${opts.maxRecordBytes}`);
    }
    return { record, frame: encodeFrame(payload) };
  };

  const commit = ({ record, frame }: Sealed): Promise<AppendResult> => {
    const place = table.place(record.seq, frame.length);
    head = { seq: record.seq, h: record.h, t: record.t };
    const done = commits.enqueue({ num: place.num, frame, meta: { place, head } });
    if (record.ev === CHECKPOINT_EVENT) {
      sinceCheckpoint = 0;
      if (checkpointTimer !== null) clearTimeout(checkpointTimer);
      checkpointTimer = null;
    } else if (++sinceCheckpoint >= opts.checkpointEveryRecords) {
      sealHead();
    } else {
      armCheckpointTimer();
    }
    const result = { seq: record.seq, h: record.h };
    return done.then(
      () => result,
      (err: unknown) => {
        throw failure ?? err;
      },
    );
  };

  const facts = (): AuditQuotaAlert => ({
    usedBytes: table.usedBytes(),
    quotaBytes: opts.quotaBytes,
    ackedSeq,
    headSeq: head.seq,
    firstSeq: table.firstSeq(),
  });

  const plan = (frameBytes: number, isCritical: boolean): SpacePlan => {
    const isRotating = table.isRotating(frameBytes);
    return planSpace({
      segments: table.usage(),
      // A full active segment is about to be closed: it may go like any other acknowledged one.
      activeNum: isRotating ? -1 : (table.active()?.num ?? -1),
      ackedSeq,
      quotaBytes: opts.quotaBytes,
      reserveBytes: opts.reserveBytes,
      needBytes: frameBytes + (isRotating ? SEGMENT_HEADER_BYTES : 0),
      isCritical,
    });
  };

  /**
   * Writes the store's own quota record at once, without planning (it would recurse): it is
   * small and critical, so it goes into the reserve, unless even that is used up.
   */
  const noteQuota = (e: AuditEventInput): void => {
    try {
      const sealed = sealNext(e);
      if (table.usedBytes() + sealed.frame.length > opts.quotaBytes + opts.reserveBytes) {
        log.error({ ev: e.ev, reason: e.reason }, 'audit reserve used up: quota record not written');
        return;
      }
      commit(sealed).catch((err: unknown) => log.warn({ err }, 'audit quota record not written'));
    } catch (err) {
      log.warn({ err }, 'audit quota record not written');
    }
  };

  const appendNow = (e: AuditEventInput): Promise<AppendResult> => {
    const bad = catalogueProblem(e);
    if (bad !== null) throw new TypeError(bad);
    const isCritical = isCriticalEvent(e.ev);
    let sealed = sealNext(e);
    const p = plan(sealed.frame.length, isCritical);
    if (p.kind === 'refuse') {
      if (refusing === null) {
        refusing = { refused: 0 };
        const alert = facts();
        log.error(
          { ...alert },
          'audit quota full: refusing non-critical events until the uplink acknowledges',
        );
        noteQuota(quotaEvent('refusing', alert, 0));
        opts.onAlert?.(alert);
      }
      refusing.refused++;
      return Promise.reject(quotaRefusal(e.ev, isCritical, { ...facts(), reserveBytes: opts.reserveBytes }));
    }
    if (p.evict.length > 0) {
      const throughSeq = table.remove(p.evict);
      commits.evict(p.evict);
      log.info({ segments: p.evict, throughSeq }, 'audit quota: evicted acknowledged segments');
      noteQuota(quotaEvent('evicted', facts(), 0, { segments: p.evict.length, throughSeq }));
    }
    if (refusing !== null && !p.isInReserve) {
      const r = refusing;
      refusing = null;
      log.info({ refused: r.refused }, 'audit quota: writing again');
      noteQuota(quotaEvent('resumed', facts(), r.refused));
    }
    // The quota records above moved the head: seal again behind them.
    if (sealed.record.seq !== head.seq + 1) sealed = sealNext(e);
    return commit(sealed);
  };

  function append(e: AuditEventInput): Promise<AppendResult> {
    if (isClosed) return Promise.reject(new ZtgwError('AUDIT_IO', 'audit log is closed'));
    if (failure !== null) return Promise.reject(failure);
    try {
      return appendNow(e);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  const entries = (fromSeq = 1): AsyncGenerator<StoredRecord> =>
    readTableEntries(opts.dir, table, () => durableHead.seq, opts.maxRecordBytes, fromSeq);

  const reportTail = async (): Promise<void> => {
    const t = scan.tail;
    if (t === null) return;
    const lastSeq = head.seq;
    const facts = {
      segment: t.num,
      offset: t.offset,
      lostBytes: t.lostBytes,
      lostRecords: t.lostFrames,
      lastSeq,
    };
    log.warn(facts, 'audit: cut a torn tail');
    const r = await append({
      ev: 'audit.tail-cut',
      actor: 'agent',
      subject: `audit:${segmentName(t.num)}`,
      outcome: 'info',
      reason: t.why,
      data: facts,
    });
    tailCut = { ...facts, recordSeq: r.seq, why: t.why };
  };

  const api: AuditLog = {
    append,
    async checkpoint() {
      if (sinceCheckpoint === 0) return null;
      return append(checkpointEvent(head.seq, head.h, key.secretKey));
    },
    entries,
    async *records(fromSeq) {
      for await (const e of entries(fromSeq)) yield e.record;
    },
    head: () => durableHead,
    acknowledgedSeq: () => ackedSeq,
    async markAcknowledged(seq) {
      if (!Number.isSafeInteger(seq) || seq < 0)
        throw new TypeError(`acknowledged seq must be whole, got ${seq}`);
      let s = seq;
      if (s > durableHead.seq) {
        log.warn({ seq, headSeq: durableHead.seq }, 'acknowledgement beyond the durable head; clamped');
        s = durableHead.seq;
      }
      if (s <= ackedSeq) return;
      ackedSeq = s;
      try {
        await ackWriter.write(s);
      } catch (err) {
        throw new ZtgwError(
          'AUDIT_IO',
          `cannot persist acknowledged seq ${s}: ${String(err)}`,
          { seq: s },
          { cause: err },
        );
      }
    },
    onDurable(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    usage: () => ({
      ...facts(),
      reserveBytes: opts.reserveBytes,
      segments: table.count(),
      isRefusing: refusing !== null,
      refused: refusing?.refused ?? 0,
    }),
    publicKey: key.publicKey,
    signer: auditSigner(key),
    get tailCut() {
      return tailCut;
    },
    async close() {
      if (isClosed) return;
      if (opts.isCheckpointOnClose && sinceCheckpoint > 0 && failure === null) sealHead();
      isClosed = true;
      if (checkpointTimer !== null) clearTimeout(checkpointTimer);
      checkpointTimer = null;
      await commits.drain();
      listeners.clear();
      await writer.close();
      await release();
    },
  };
  return { api, reportTail };
}
