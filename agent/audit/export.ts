/**
 * Evidence export, the shell around evidence.ts: picks the records of a time range out of a log,
 * with the chain context that makes them verifiable (the hash before the first, and every record
 * up to the checkpoint that covers the last one, forcing a checkpoint when the log can make one),
 * and signs the bundle with the audit key.
 */
import { buildEvidence, type DeviceIdentity } from './evidence.js';
import { CHECKPOINT_EVENT, readCheckpoint } from './record.js';
import type { AuditSigner, StoredRecord } from './store-types.js';

/** What an export reads: an open AuditLog, or a read-only view of an audit directory. */
export interface EvidenceSource {
  entries(fromSeq?: number): AsyncIterable<StoredRecord>;
  readonly signer: AuditSigner;
  /** Seals the head now (a live log); absent for a read-only view, whose tail may stay unsealed. */
  checkpoint?(): Promise<unknown>;
}

export interface EvidenceRequest {
  /** Range start, ms since epoch, inclusive. */
  readonly sinceMs: number;
  /** Range end, ms since epoch, inclusive. */
  readonly untilMs: number;
  readonly device: DeviceIdentity;
  /** Time of the export, ms since epoch. */
  readonly nowMs: number;
  /** The operator's view of the cause; otherwise the summary names the most severe indicator. */
  readonly suspectedCause?: string;
}

interface Picked {
  readonly entries: StoredRecord[];
  /** Seq of the last record in range, 0 if none. */
  lastInRange: number;
  /** Index of the last record in range. */
  lastInRangeIdx: number;
  /** Index of the checkpoint covering the last record in range, -1 if none yet. */
  coverIdx: number;
  /** Seq of the last record read. */
  lastSeq: number;
}

async function pick(
  source: EvidenceSource,
  req: EvidenceRequest,
  fromSeq: number,
  into: Picked,
): Promise<void> {
  for await (const e of source.entries(fromSeq)) {
    const r = e.record;
    const isIn = r.t >= req.sinceMs && r.t <= req.untilMs;
    if (into.entries.length === 0 && !isIn) continue;
    into.entries.push(e);
    into.lastSeq = r.seq;
    if (isIn) {
      into.lastInRange = r.seq;
      into.lastInRangeIdx = into.entries.length - 1;
      into.coverIdx = -1;
    }
    if (r.ev === CHECKPOINT_EVENT && into.coverIdx === -1) {
      const cp = readCheckpoint(r);
      if (cp.ok && cp.value.seq >= into.lastInRange) into.coverIdx = into.entries.length - 1;
    }
    // Past the range and sealed: nothing later is needed. (Times may step back after a clock
    // correction; records after this point are left out even if their time falls in range.)
    if (r.t > req.untilMs && into.coverIdx !== -1) return;
  }
}

/**
 * Exports the events of `[sinceMs, untilMs]` as a signed evidence bundle (CBOR bytes; see
 * evidence.ts and audit.cddl). A day of events (tens of thousands) takes seconds.
 */
export async function exportEvidence(source: EvidenceSource, req: EvidenceRequest): Promise<Uint8Array> {
  if (!(req.untilMs >= req.sinceMs))
    throw new TypeError(`until (${req.untilMs}) is before since (${req.sinceMs})`);
  const picked: Picked = { entries: [], lastInRange: 0, lastInRangeIdx: -1, coverIdx: -1, lastSeq: 0 };
  await pick(source, req, 1, picked);
  if (picked.entries.length > 0 && picked.coverIdx === -1 && source.checkpoint !== undefined) {
    await source.checkpoint();
    await pick(source, req, picked.lastSeq + 1, picked);
  }
  // Drop context past the covering checkpoint, or past the range when nothing covers it.
  const end = picked.coverIdx === -1 ? picked.lastInRangeIdx : picked.coverIdx;
  const keep = picked.entries.slice(0, end + 1);
  return buildEvidence(
    {
      sinceMs: req.sinceMs,
      untilMs: req.untilMs,
      createdMs: req.nowMs,
      device: req.device,
      records: keep,
      ...(req.suspectedCause === undefined ? {} : { suspectedCause: req.suspectedCause }),
    },
    source.signer,
  );
}
