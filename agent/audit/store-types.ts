/**
 * The audit log's public shape, as returned by `openAuditLog`.
 */
import type { AuditEventName } from './catalogue.js';
import type { AuditEventInput, AuditRecord } from './record.js';

/** An event from the catalogue, as modules append it. */
export type AuditEvent = AuditEventInput & { readonly ev: AuditEventName };

/** The newest record of the chain: its seq, hash and time. seq 0 and a zero hash for an empty log. */
export interface ChainHead {
  readonly seq: number;
  readonly h: Uint8Array;
  readonly t: number;
}

export interface AppendResult {
  readonly seq: number;
  readonly h: Uint8Array;
}

/** A record with the exact bytes it is stored (and shipped) as. */
export interface StoredRecord {
  readonly record: AuditRecord;
  readonly bytes: Uint8Array;
}

/** What a torn tail cost, as found and cut at open. */
export interface TailCutReport {
  readonly segment: number;
  /** Where the segment was cut. */
  readonly offset: number;
  readonly lostBytes: number;
  /** Frames begun in the lost bytes (records that were being written, never reported durable). */
  readonly lostRecords: number;
  /** The last record kept. */
  readonly lastSeq: number;
  /** Seq of the `audit.tail-cut` record that reports it. */
  readonly recordSeq: number;
  readonly why: string;
}

export interface AuditUsage {
  readonly usedBytes: number;
  readonly quotaBytes: number;
  readonly reserveBytes: number;
  readonly segments: number;
  /** Oldest record still held (0: none). */
  readonly firstSeq: number;
  readonly headSeq: number;
  readonly ackedSeq: number;
  readonly isRefusing: boolean;
  /** Events refused since the store became full. */
  readonly refused: number;
}

/** Signs with the device audit key without handing the secret out. */
export interface AuditSigner {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export interface AuditLog {
  /**
   * Appends one event; resolves when it is on disk (group commit). Rejects with TypeError for an
   * event the catalogue does not allow, AUDIT_QUOTA when full, AUDIT_IO after a write failure.
   */
  append(event: AuditEvent): Promise<AppendResult>;
  /** Seals the head with a signed checkpoint now; null when nothing was written since the last. */
  checkpoint(): Promise<AppendResult | null>;
  /** Durable records from `fromSeq` (default: the oldest held), oldest first, as far as written. */
  records(fromSeq?: number): AsyncIterable<AuditRecord>;
  /** As {@link records}, with each record's stored bytes. */
  entries(fromSeq?: number): AsyncIterable<StoredRecord>;
  /** The durable head. */
  head(): ChainHead;
  acknowledgedSeq(): number;
  /** Records up to `seq` are safe upstream (PUBACK): persists the cursor, may let space be reclaimed. */
  markAcknowledged(seq: number): Promise<void>;
  /** Called after each durable batch; returns the unsubscribe. */
  onDurable(listener: (head: ChainHead) => void): () => void;
  usage(): AuditUsage;
  readonly publicKey: Uint8Array;
  readonly signer: AuditSigner;
  /** The torn tail cut at open, or null. */
  readonly tailCut: TailCutReport | null;
  /** Writes a final checkpoint (unless disabled), flushes, releases the directory. */
  close(): Promise<void>;
}
