/**
 * Options of the audit store, with units and defaults.
 */
import type { Logger } from '../../modem/log.js';
import type { AuditQuotaAlert } from './store-quota.js';

export interface AuditLogOptions {
  /** Directory of the segments, the acknowledged cursor and the lock (`/var/lib/ztgw/audit`). */
  readonly dir: string;
  /** Directory of the audit key (`/var/lib/ztgw/keys`, 0700); the key is made there at first start. */
  readonly keysDir: string;
  /** Bytes the segments may use. Default 16 MiB; at least 4 segments. */
  readonly quotaBytes: number;
  /** Bytes beyond the quota kept for critical events when nothing can be evicted. Default 1 MiB. */
  readonly reserveBytes: number;
  /** A segment is closed and a new one begun past this size. Default 1 MiB. */
  readonly segmentBytes: number;
  /** Largest encoded record. Default 64 KiB; a larger one is a caller's mistake (TypeError). */
  readonly maxRecordBytes: number;
  /** Longest an append waits for companions before its batch is fsynced, ms. Default 20. */
  readonly groupCommitMs: number;
  /** A batch is written at once when this many records wait. Default 512. */
  readonly groupCommitMaxRecords: number;
  /** A checkpoint follows after this many records. Default 1000. */
  readonly checkpointEveryRecords: number;
  /** A checkpoint follows this long after the first unsealed record, ms. Default 60 000. */
  readonly checkpointEveryMs: number;
  /** Whether close() seals the head with a checkpoint. Default true. */
  readonly isCheckpointOnClose: boolean;
  /** Wall clock for record times. Default Date.now. */
  readonly clock: { nowMs(): number };
  readonly log: Logger;
  /** Told once each time the store becomes full and starts refusing (for an upstream alert). */
  readonly onAlert?: (alert: AuditQuotaAlert) => void;
}

const MIB = 1024 * 1024;

export const DEFAULT_AUDIT_LOG_OPTIONS = {
  quotaBytes: 16 * MIB,
  reserveBytes: MIB,
  segmentBytes: MIB,
  maxRecordBytes: 64 * 1024,
  groupCommitMs: 20,
  groupCommitMaxRecords: 512,
  checkpointEveryRecords: 1000,
  checkpointEveryMs: 60_000,
  isCheckpointOnClose: true,
  clock: { nowMs: () => Date.now() },
} as const satisfies Partial<AuditLogOptions>;

function whole(name: string, v: number, min: number, max: number): void {
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw new TypeError(`audit option ${name} must be a whole number in [${min}, ${max}], got ${v}`);
  }
}

/** Throws TypeError for options that cannot work together. */
export function checkOptions(o: AuditLogOptions): void {
  if (o.dir === '' || o.keysDir === '') throw new TypeError('audit options dir and keysDir are required');
  // The store's own records (quota, tail-cut, checkpoints) take up to about 400 bytes.
  whole('maxRecordBytes', o.maxRecordBytes, 1024, 16 * MIB);
  whole('segmentBytes', o.segmentBytes, 4 * o.maxRecordBytes, 1024 * MIB);
  whole('quotaBytes', o.quotaBytes, 4 * o.segmentBytes, Number.MAX_SAFE_INTEGER);
  whole('reserveBytes', o.reserveBytes, o.maxRecordBytes, o.quotaBytes);
  whole('groupCommitMs', o.groupCommitMs, 0, 10_000);
  whole('groupCommitMaxRecords', o.groupCommitMaxRecords, 1, 1_000_000);
  whole('checkpointEveryRecords', o.checkpointEveryRecords, 1, 1_000_000);
  whole('checkpointEveryMs', o.checkpointEveryMs, 1, 86_400_000);
}
