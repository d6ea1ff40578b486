/**
 * The journal's public contract: lanes, options with their defaults, records, stats and the open
 * report. See index.ts for the shape of the store.
 */
import type { Logger } from '../../modem/log.js';
import type { JournalIo } from './journal-io.js';

/** Lanes in priority order, highest first. */
export type Lane = 'alert' | 'audit' | 'telemetry';
export const LANES: readonly Lane[] = ['alert', 'audit', 'telemetry'];

/** Why the journal refuses an append (`details.reason` of JOURNAL_UNAVAILABLE). */
export type UnavailableReason = 'disk-full' | 'read-only' | 'io' | 'full' | 'closed';
/** The reasons that stop every append until a probe write succeeds. */
export type DiskReason = Extract<UnavailableReason, 'disk-full' | 'read-only' | 'io'>;

export interface JournalOptions {
  /** Created 0700 if missing; one sub-directory (segment chain) per lane. */
  readonly dir: string;
  readonly log: Logger;
  /** Wall clock, ms: only for the age of telemetry. */
  readonly nowMs: () => number;
  /** Cap on all lanes on disk, bytes. Default 64 MiB; at least 4 × `segmentBytes`. */
  readonly maxBytes?: number;
  /** Telemetry older than this is evicted (whole segments), ms. Default 7 days. */
  readonly maxAgeMs?: number;
  /** Rotation size of a segment file, bytes. Default 1 MiB, range 4 KiB–64 MiB. */
  readonly segmentBytes?: number;
  /**
   * Longest wait for companions before one write + fsync, ms. Default 25, range 0–1000: each commit
   * writes at least one 4 KiB page, so a steady 1 000 readings/s costs about 4096/(rate × window)
   * bytes per reading when commits are padded to pages ({@link commitAlignBytes}); a longer window is
   * fewer flash writes for a later PUBACK.
   */
  readonly groupCommitMs?: number;
  /**
   * A commit is padded up to a multiple of this many bytes (a pad frame) when the pad is no larger
   * than the commit, fits the segment and the journal is under half its cap, so the next commit
   * does not rewrite a page the last one left partly filled. 0: never pad. Default 4096 (the page
   * the kernel writes back); 0 or a power of two from 512 to 4096.
   */
  readonly commitAlignBytes?: number;
  /** Write at once when this many records wait. Default 4096. */
  readonly maxBatchRecords?: number;
  /** Largest payload of one record, bytes. Default 65 536. */
  readonly maxRecordBytes?: number;
  /** The acknowledgement cursor is written durably at most this often (and at close), ms. Default 1000. */
  readonly cursorFlushMs?: number;
  /** While not accepting, the disk is probed again after this long, ms. Default 5000. */
  readonly retryMs?: number;
  /** Recent durable records kept in RAM for read(), bytes (all lanes). Default 4 MiB. */
  readonly tailCacheBytes?: number;
  /**
   * Bytes handed to the disk and not yet fsynced, beyond which appends wait (in order) for room;
   * as many bytes again may wait, beyond that append rejects with reason 'full'. Default 8 MiB.
   */
  readonly maxPendingBytes?: number;
  /** The file layer; default node:fs/promises ({@link NODE_JOURNAL_IO} in journal-io.ts). */
  readonly io?: JournalIo;
}

/** Why `n` is no `commitAlignBytes` (0, or a power of two from 512 to 4096), null when it is one. */
export function commitAlignProblem(n: number): string | null {
  const isOk = n === 0 || (Number.isInteger(n) && n >= 512 && n <= 4096 && (n & (n - 1)) === 0);
  return isOk ? null : 'must be 0 or a power of two from 512 to 4096';
}

/** The options with every default filled in. */
export type ResolvedJournalOptions = Required<Omit<JournalOptions, 'io'>> & { readonly io: JournalIo };

export const JOURNAL_DEFAULTS = {
  maxBytes: 64 * 1024 * 1024,
  maxAgeMs: 7 * 24 * 3600 * 1000,
  segmentBytes: 1024 * 1024,
  groupCommitMs: 25,
  commitAlignBytes: 4096,
  maxBatchRecords: 4096,
  maxRecordBytes: 65_536,
  cursorFlushMs: 1000,
  retryMs: 5000,
  tailCacheBytes: 4 * 1024 * 1024,
  maxPendingBytes: 8 * 1024 * 1024,
} as const;

export interface JournalRecord {
  readonly lane: Lane;
  readonly seq: number;
  readonly atMs: number;
  /** Shared with the journal's cache: read it, do not modify it. */
  readonly payload: Uint8Array;
}

export interface LaneStats {
  /** Durable records held that are not acknowledged. */
  readonly depthRecords: number;
  /** Their payload bytes. */
  readonly depthBytes: number;
  /** Records made durable since open. */
  readonly appended: number;
  /** Records acknowledged since open. */
  readonly acked: number;
  /** Unacknowledged records evicted since open (cap, age, damage), and their payload bytes. */
  readonly evicted: number;
  readonly evictedBytes: number;
  /**
   * Time of the oldest unacknowledged record, null when none. Exact while that record is in the
   * tail cache; otherwise the earliest time in its segment (a lower bound).
   */
  readonly oldestAtMs: number | null;
  readonly lastSeq: number;
  readonly ackedThrough: number;
  readonly segments: number;
}

export interface JournalStats {
  readonly lanes: Readonly<Record<Lane, LaneStats>>;
  /** Segment bytes on disk, including segments waiting for the cursor before they are deleted. */
  readonly diskBytes: number;
  /** Bytes handed to write() (segments, probes, cursor) since open. */
  readonly bytesWritten: number;
  /** fsyncs of files and directories since open. */
  readonly fsyncs: number;
  readonly cursorWrites: number;
  /** Bytes handed to the group commit and not yet durable. */
  readonly pendingBytes: number;
  /** Appends waiting for room under `maxPendingBytes`. */
  readonly waitingAppends: number;
  readonly isAccepting: boolean;
  readonly notAcceptingReason: DiskReason | null;
}

export interface TailCutReport {
  readonly lane: Lane;
  readonly segment: string;
  /** Where the file was cut. */
  readonly offset: number;
  readonly bytes: number;
  readonly frames: number;
  readonly why: string;
}

export interface SetAsideReport {
  readonly lane: Lane;
  readonly segment: string;
  /** The new name of the file, beside the segments. */
  readonly movedTo: string;
  readonly why: string;
}

export interface LaneOpenReport {
  readonly lastSeq: number;
  readonly ackedThrough: number;
  /** Durable records held. */
  readonly records: number;
  readonly segments: number;
}

export interface JournalOpenReport {
  readonly lanes: Readonly<Record<Lane, LaneOpenReport>>;
  readonly tails: readonly TailCutReport[];
  readonly setAside: readonly SetAsideReport[];
  /** 'damaged': the cursor file was unreadable; every lane restarts from its oldest record. */
  readonly cursor: 'ok' | 'missing' | 'damaged';
}

export interface Journal {
  /**
   * Resolves with the record's seq once it is durable (fsynced). Rejects ZtgwError
   * JOURNAL_UNAVAILABLE (details.reason: {@link UnavailableReason}) when it cannot accept, and
   * TypeError for a bad lane, payload or time.
   */
  append(lane: Lane, payload: Uint8Array, atMs: number): Promise<number>;
  /** Durable records with seq > afterSeq, oldest first, at most maxRecords and maxBytes of payload (at least one record if any). */
  read(lane: Lane, afterSeq: number, maxRecords: number, maxBytes: number): Promise<readonly JournalRecord[]>;
  /** Everything of `lane` through `seq` was delivered; persisted (coalesced), wholly-acked segments deleted. */
  ack(lane: Lane, throughSeq: number): void;
  ackedThrough(lane: Lane): number;
  /** Highest durable seq (0 when none ever). */
  lastSeq(lane: Lane): number;
  /** Called after each batch that made records of a lane durable; returns the unsubscribe. */
  onDurable(fn: (lane: Lane) => void): () => void;
  stats(): JournalStats;
  /** Waits for appends in flight, writes the cursor, deletes what it may, releases the directory. */
  close(): Promise<void>;
}
