/**
 * The operator's end of `ztgw/<id>/up/audit`, pure: takes each `audit-batch` as it arrives, checks
 * that it continues the chain already held (hashes, `prev` links, seq, every checkpoint's signature
 * with the operator's copy of the device audit public key), and keeps the newest verified
 * checkpoint as the **anchor**: `SEQ:HEX` of a record the operator holds, which
 * `ztgw audit verify --anchor` then demands, unchanged, of the device's log. A device that rewrites
 * its history afterwards (even one that still holds its audit key and re-signs everything) fails
 * that check.
 *
 *   batch ──decode──▶ per record: seq < next ──▶ same hash as held? duplicate (a resend) : REWRITTEN
 *                                 seq ≥ next ──▶ chain verifier ──ok──▶ held; checkpoint ⇒ new anchor
 *                                                              └─problem──▶ refused from here on
 *
 * At-least-once delivery resends records after a reconnect; those are duplicates and are dropped.
 * The first record ever held may be anywhere in the chain (the collector started late, or the
 * device's oldest records were acknowledged and evicted before): the chain is held from there.
 * A **gap** (records the broker acknowledged to the device but never delivered here, e.g. a broker
 * without persistence restarted while this collector was away) is reported and counted, and the
 * chain is held again from the record after it: those records are still on the device and in an
 * evidence export, but they were not seen here, and the link across the gap is not checked.
 * Any other problem is sticky: the collector takes nothing more, and the operator must look.
 */

import { CHECKPOINT_EVENT, decodeRecord, sameBytes } from './record.js';
import { decodeAuditBatch } from './shipper.js';
import { type Anchor, createChainVerifier, type VerifyProblem } from './verify.js';

export interface CollectorOptions {
  readonly publicKey: Uint8Array;
  /** The device whose batches these are: a batch naming another is refused. */
  readonly deviceId: string;
}

/** Seqs missing between two records held (both ends inclusive). */
export interface Gap {
  readonly fromSeq: number;
  readonly toSeq: number;
}

export interface CollectResult {
  /** Records that extend the chain, in order, as received (to append to the operator's copy). */
  readonly held: readonly Uint8Array[];
  readonly duplicates: number;
  /** Gaps found in this batch. */
  readonly gaps: readonly Gap[];
  /** Set when this batch (or an earlier one) broke the chain; nothing is held after it. */
  readonly problem: VerifyProblem | null;
  /** The newest verified checkpoint, after this batch (null until one arrives). */
  readonly anchor: Anchor | null;
}

export interface AuditCollector {
  /** Feeds one message payload from `up/audit`. */
  push(payload: Uint8Array): CollectResult;
  /** Feeds a record already held (the operator's copy, read back at start); returns its problem. */
  resume(record: Uint8Array): VerifyProblem | null;
  readonly stats: () => CollectorStats;
}

export interface CollectorStats {
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  readonly records: number;
  readonly duplicates: number;
  readonly gaps: readonly Gap[];
  readonly anchor: Anchor | null;
  readonly problem: VerifyProblem | null;
}

/** `SEQ:HEX`, the form `ztgw audit verify --anchor` takes. */
export function formatAnchor(a: Anchor): string {
  return `${a.seq}:${Buffer.from(a.h).toString('hex')}`;
}

export function createAuditCollector(opts: CollectorOptions): AuditCollector {
  let verifier = createChainVerifier({ publicKey: opts.publicKey });
  const gaps: Gap[] = [];
  // seq → hash of every record held: a resend must match it byte for byte.
  const hashes = new Map<number, Uint8Array>();
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  let duplicates = 0;
  let anchor: Anchor | null = null;
  let problem: VerifyProblem | null = null;

  const refuse = (p: VerifyProblem): 'refused' => {
    problem ??= p;
    return 'refused';
  };

  /** Takes one record: held (it extends the chain), a duplicate of one held, or refused. */
  const take = (bytes: Uint8Array): 'held' | 'duplicate' | 'refused' => {
    if (problem !== null) return 'refused';
    const d = decodeRecord(bytes);
    if (!d.ok) {
      return refuse({
        kind: 'bad-record',
        seq: null,
        index: null,
        message: `a record does not decode: ${d.reason}`,
      });
    }
    const r = d.value;
    if (lastSeq !== null && r.seq <= lastSeq) {
      const held = hashes.get(r.seq);
      if (held !== undefined && sameBytes(held, r.h)) {
        duplicates++;
        return 'duplicate';
      }
      return refuse({
        kind: 'anchor-mismatch',
        seq: r.seq,
        index: null,
        message:
          held === undefined
            ? `record ${r.seq} arrives after record ${lastSeq}, and is older than the first record held (${firstSeq}): the chain was restarted or rewritten`
            : `record ${r.seq} was received before with another content: the device's history was rewritten`,
      });
    }
    if (lastSeq !== null && r.seq > lastSeq + 1) {
      // Held again from here: the link across the gap cannot be checked.
      gaps.push({ fromSeq: lastSeq + 1, toSeq: r.seq - 1 });
      verifier = createChainVerifier({ publicKey: opts.publicKey });
    }
    const p = verifier.push(bytes, undefined, d);
    if (p !== null) return refuse(p);
    // A copy: `r.h` is a view into the message, which it would keep alive.
    const h = r.h.slice();
    hashes.set(r.seq, h);
    firstSeq ??= r.seq;
    lastSeq = r.seq;
    // The verifier checked the checkpoint's signature and what it seals before accepting it.
    if (r.ev === CHECKPOINT_EVENT) anchor = { seq: r.seq, h };
    return 'held';
  };

  return {
    push(payload) {
      const batch = decodeAuditBatch(payload);
      const held: Uint8Array[] = [];
      let dup = 0;
      const gapsBefore = gaps.length;
      // A message that is not a batch of this device's carries no record: it is reported, and the
      // chain held is unaffected (a record it hid would show as a gap in the next batch).
      let refused: VerifyProblem | null = null;
      if (!batch.ok) {
        refused = {
          kind: 'bad-frame',
          seq: null,
          index: null,
          message: `not an audit batch: ${batch.reason}`,
        };
      } else if (batch.value.device !== opts.deviceId) {
        refused = {
          kind: 'bad-frame',
          seq: null,
          index: null,
          message: `a batch for device ${JSON.stringify(batch.value.device)} on ${opts.deviceId}'s topic`,
        };
      } else {
        for (const rec of batch.value.records) {
          const t = take(rec);
          if (t === 'held') held.push(rec);
          else if (t === 'duplicate') dup++;
          else break;
        }
      }
      return { held, duplicates: dup, gaps: gaps.slice(gapsBefore), problem: problem ?? refused, anchor };
    },
    resume(record) {
      take(record);
      return problem;
    },
    stats: () => ({ firstSeq, lastSeq, records: hashes.size, duplicates, gaps: [...gaps], anchor, problem }),
  };
}
