/**
 * Verification of an audit chain, pure: over stored record bytes (or whole segment files) and the
 * device audit public key. It re-hashes every record, follows `prev` and `seq`, checks every
 * checkpoint's fields and signature, and names the FIRST place where the log differs from an honest
 * one, and why:
 *
 *   flipped byte      → crc-mismatch (segment bytes) or hash-mismatch (record bytes)
 *   deleted record    → seq-gap, or prev-mismatch / checkpoint-invalid if renumbered
 *   swapped pair      → swapped
 *   truncated tail    → torn-tail (partial frame), or truncated (an expected checkpoint or the
 *                       operator's anchor is never reached)
 *   forged checkpoint → checkpoint-signature
 *
 * `problem.seq` is the seq at which the chain first goes wrong (the expected seq for a gap).
 */
import {
  type AuditRecord,
  CHECKPOINT_EVENT,
  computeRecordHash,
  decodeRecord,
  encodeRecord,
  hashStoredRecord,
  isCheckpointSigned,
  type Result,
  readCheckpoint,
  sameBytes,
  ZERO_HASH,
} from './record.js';

export type ProblemKind =
  | 'torn-tail'
  | 'crc-mismatch'
  | 'bad-frame'
  | 'bad-record'
  | 'non-canonical'
  | 'hash-mismatch'
  | 'seq-gap'
  | 'swapped'
  | 'seq-order'
  | 'prev-mismatch'
  | 'checkpoint-invalid'
  | 'checkpoint-signature'
  | 'anchor-mismatch'
  | 'truncated'
  | 'empty';

export interface VerifyProblem {
  readonly kind: ProblemKind;
  /** Seq where the chain first goes wrong; null when no seq can be named. */
  readonly seq: number | null;
  /** Index of the record in the input (0-based), when known. */
  readonly index: number | null;
  /** Segment number and byte offset, when verifying segment files. */
  readonly segment?: number;
  readonly offset?: number;
  readonly message: string;
}

/** A checkpoint the operator holds (acknowledged upstream): the log must contain it unchanged. */
export interface Anchor {
  readonly seq: number;
  readonly h: Uint8Array;
}

export interface VerifyOptions {
  readonly publicKey: Uint8Array;
  readonly anchor?: Anchor;
  /** The hash before the first record (an export's chain context). Default: zeros if it is seq 1. */
  readonly expectedPrev?: Uint8Array;
  /** The seq the input must start at. */
  readonly expectedFirstSeq?: number;
  /** A valid checkpoint covering at least this seq must be reached (else: truncated). */
  readonly sealedThroughSeq?: number;
}

export type AnchorStatus = 'none' | 'matched' | 'not-covered';

export interface VerifyReport {
  readonly ok: boolean;
  readonly problem: VerifyProblem | null;
  readonly records: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  readonly checkpoints: number;
  /** Seq of the head the last valid checkpoint seals (null: none). */
  readonly sealedThroughSeq: number | null;
  /** Records after the last checkpoint (covered by nothing signed yet). */
  readonly unsealed: number;
  /** `not-covered`: the anchor is older than the oldest record held (evicted after acknowledgement). */
  readonly anchor: AnchorStatus;
}

export interface ChainVerifier {
  /**
   * Feeds the next stored record (with its decoding, if the caller already has it); returns the
   * first problem once there is one.
   */
  push(
    bytes: Uint8Array,
    where?: { segment: number; offset: number },
    decoded?: Result<AuditRecord>,
  ): VerifyProblem | null;
  /** Records a framing problem found outside the chain (torn tail, bad CRC). */
  fail(problem: Omit<VerifyProblem, 'seq' | 'index'>): void;
  finish(): VerifyReport;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').slice(0, 16);

/** A streaming verifier: push records oldest first, then finish. */
export function createChainVerifier(opts: VerifyOptions): ChainVerifier {
  let problem: VerifyProblem | null = null;
  let count = 0;
  let first: AuditRecord | null = null;
  let last: AuditRecord | null = null;
  let suspect: { record: AuditRecord; index: number; expected: number; where: Where } | null = null;
  let checkpoints = 0;
  let sealedThrough: number | null = null;
  let unsealed = 0;
  let anchor: AnchorStatus = opts.anchor === undefined ? 'none' : 'not-covered';
  type Where = { segment: number; offset: number } | undefined;

  const set = (p: Omit<VerifyProblem, 'segment' | 'offset'>, where: Where): VerifyProblem => {
    problem = where === undefined ? p : { ...p, ...where };
    return problem;
  };
  const report = (
    kind: ProblemKind,
    seq: number | null,
    index: number | null,
    message: string,
    where: Where,
  ) => set({ kind, seq, index, message }, where);

  const expectedNext = (): number | null => (last === null ? (opts.expectedFirstSeq ?? null) : last.seq + 1);

  const link = (r: AuditRecord, index: number, where: Where): VerifyProblem | null => {
    const seq = r.seq;
    const prevH = last === null ? (opts.expectedPrev ?? (r.seq === 1 ? ZERO_HASH : r.prev)) : last.h;
    if (!sameBytes(r.prev, prevH)) {
      const what = last === null ? 'the hash before the first record' : `record ${last.seq}`;
      return report(
        'prev-mismatch',
        seq,
        index,
        `record ${seq} does not link to ${what}: a record before it was changed, removed or replaced (prev ${hex(r.prev)}…, expected ${hex(prevH)}…)`,
        where,
      );
    }
    const a = opts.anchor;
    if (a !== undefined && last === null && seq > a.seq) {
      // The log starts after the anchor: it can be checked only if it starts right behind it.
      if (seq !== a.seq + 1) anchor = 'not-covered';
      else if (sameBytes(r.prev, a.h)) anchor = 'matched';
      else {
        return report(
          'anchor-mismatch',
          a.seq,
          index,
          `record ${seq} does not follow the operator's anchored checkpoint (seq ${a.seq}): history up to it was rewritten`,
          where,
        );
      }
    }
    if (a !== undefined && seq === a.seq) {
      if (!sameBytes(r.h, a.h)) {
        return report(
          'anchor-mismatch',
          seq,
          index,
          `record ${seq} differs from the operator's anchored checkpoint (h ${hex(r.h)}…, anchored ${hex(a.h)}…)`,
          where,
        );
      }
      anchor = 'matched';
    }
    if (r.ev === CHECKPOINT_EVENT) {
      const cp = readCheckpoint(r);
      if (!cp.ok) return report('checkpoint-invalid', seq, index, `checkpoint ${seq}: ${cp.reason}`, where);
      if (cp.value.seq !== seq - 1 || !sameBytes(cp.value.h, r.prev)) {
        return report(
          'checkpoint-invalid',
          seq,
          index,
          `checkpoint ${seq} seals seq ${cp.value.seq} / ${hex(cp.value.h)}…, but the chain before it is seq ${seq - 1} / ${hex(r.prev)}…: records were removed or rewritten`,
          where,
        );
      }
      if (!isCheckpointSigned(cp.value, opts.publicKey)) {
        return report(
          'checkpoint-signature',
          seq,
          index,
          `checkpoint ${seq}: the signature does not verify with the audit key (forged, or another device's key)`,
          where,
        );
      }
      checkpoints++;
      sealedThrough = cp.value.seq;
      unsealed = 0;
    } else {
      unsealed++;
    }
    if (first === null) first = r;
    last = r;
    count++;
    return null;
  };

  const push = (bytes: Uint8Array, where?: Where, decoded?: Result<AuditRecord>): VerifyProblem | null => {
    if (problem !== null) return problem;
    const index = count + (suspect === null ? 0 : 1);
    const d = decoded ?? decodeRecord(bytes);
    const exp = expectedNext();
    if (!d.ok)
      return report(
        'bad-record',
        exp,
        index,
        `record ${exp ?? `#${index}`} does not decode: ${d.reason}`,
        where,
      );
    const r = d.value;
    if (!sameBytes(encodeRecord(r), bytes))
      return report(
        'non-canonical',
        r.seq,
        index,
        `record ${r.seq} is not in deterministic CBOR: it was re-encoded or edited`,
        where,
      );
    const h = hashStoredRecord(bytes, r.prev) ?? computeRecordHash(r);
    if (!sameBytes(h, r.h))
      return report(
        'hash-mismatch',
        r.seq,
        index,
        `record ${r.seq}: its hash does not match its content (changed after it was written)`,
        where,
      );
    if (suspect !== null) {
      const s = suspect;
      suspect = null;
      if (r.seq === s.expected) {
        const isPair = s.record.seq === s.expected + 1;
        return report(
          isPair ? 'swapped' : 'seq-order',
          s.expected,
          s.index,
          isPair
            ? `records ${s.expected} and ${s.record.seq} are swapped`
            : `record ${s.record.seq} appears before record ${s.expected}`,
          s.where,
        );
      }
      return set(gap(s.expected, s.record.seq, s.index), s.where);
    }
    if (exp !== null && r.seq !== exp) {
      if (r.seq < exp)
        return report(
          'seq-order',
          exp,
          index,
          `record ${r.seq} appears again or out of order where ${exp} was expected`,
          where,
        );
      // One record of look-ahead tells a swapped pair from a gap.
      suspect = { record: r, index, expected: exp, where };
      return null;
    }
    return link(r, index, where);
  };

  const gap = (
    expected: number,
    found: number,
    index: number,
  ): Omit<VerifyProblem, 'segment' | 'offset'> => ({
    kind: 'seq-gap',
    seq: expected,
    index,
    message:
      found === expected + 1
        ? `record ${expected} is missing (deleted)`
        : `records ${expected}..${found - 1} are missing (deleted)`,
  });

  /** A record out of sequence with nothing after it: a gap. */
  const flushSuspect = (): void => {
    if (problem !== null || suspect === null) return;
    const s = suspect;
    suspect = null;
    set(gap(s.expected, s.record.seq, s.index), s.where);
  };

  return {
    push,
    fail(p) {
      flushSuspect();
      if (problem === null) problem = { ...p, seq: expectedNext(), index: count };
    },
    finish() {
      flushSuspect();
      const lastSeq = last?.seq ?? null;
      if (problem === null && count === 0) report('empty', null, null, 'no audit records', undefined);
      const a = opts.anchor;
      if (problem === null && a !== undefined && lastSeq !== null && lastSeq < a.seq) {
        const msg = `the log ends at seq ${lastSeq}, but the operator holds a checkpoint for seq ${a.seq}: records ${lastSeq + 1}..${a.seq} were cut off`;
        report('truncated', lastSeq + 1, count, msg, undefined);
      }
      const need = opts.sealedThroughSeq;
      if (problem === null && need !== undefined && (sealedThrough === null || sealedThrough < need)) {
        const msg = `no valid checkpoint covers seq ${need} (last sealed: ${sealedThrough ?? 'none'}): the end was cut off`;
        report('truncated', lastSeq === null ? null : lastSeq + 1, count, msg, undefined);
      }
      return {
        ok: problem === null,
        problem,
        records: count,
        firstSeq: first?.seq ?? null,
        lastSeq,
        checkpoints,
        sealedThroughSeq: sealedThrough,
        unsealed,
        anchor,
      };
    },
  };
}

/** Verifies stored record bytes, oldest first. */
export function verifyRecordBytes(records: Iterable<Uint8Array>, opts: VerifyOptions): VerifyReport {
  const v = createChainVerifier(opts);
  for (const b of records) if (v.push(b) !== null) break;
  return v.finish();
}
