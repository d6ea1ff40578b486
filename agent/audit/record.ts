/**
 * One audit record: its shape, its deterministic CBOR, its hash chain link and the signed checkpoint.
 * Pure: no I/O, no clock (time is an argument). The schema is in `audit.cddl` beside this file.
 *
 *   h = SHA-256( prev || canonical CBOR of the record without `h` )
 *
 * `prev` is the `h` of the record before (32 zero bytes for the very first), so changing, removing
 * or reordering any record breaks every later link; checkpoints sign (seq, h) of the head with the
 * device audit key, so the chain cannot be rebuilt after the fact without that key.
 */
import { createHash } from 'node:crypto';
import nacl from 'tweetnacl';
import { type CborMap, decodeCanonical, encodeCanonical, isCborMap } from './canonical-cbor.js';

export const AUDIT_RECORD_VERSION = 1;
/** Bytes of a SHA-256 hash (`prev`, `h`). */
export const HASH_BYTES = 32;
/** Bytes of an Ed25519 signature. */
export const SIGNATURE_BYTES = 64;
/** `prev` of the first record ever written. */
export const ZERO_HASH: Uint8Array = new Uint8Array(HASH_BYTES);
/** Event name of a checkpoint record. */
export const CHECKPOINT_EVENT = 'audit.checkpoint';
/** Longest `actor`/`subject` in UTF-16 units; longer values are a caller's mistake. */
export const MAX_NAME_LENGTH = 256;
/** Longest `reason`. */
export const MAX_REASON_LENGTH = 1024;

export type Outcome = 'ok' | 'denied' | 'failed' | 'info';
export const OUTCOMES: readonly Outcome[] = ['ok', 'denied', 'failed', 'info'];

/** What a module reports: the fact, who did it, to what, how it ended, why, and extra facts. */
export interface AuditEventInput {
  /** Dotted fact from the catalogue, e.g. `uplink.down`. */
  readonly ev: string;
  /** Who acted: `agent`, `operator:<key id>`, `sensor:<id>`, `cli:<user>`. */
  readonly actor: string;
  /** What it was done to: `uplink`, `sensor:<id>`, `config:<version>`. */
  readonly subject: string;
  readonly outcome: Outcome;
  readonly reason?: string;
  /** Extra facts: integers, text, bytes, booleans, null, arrays, maps (no fractions). */
  readonly data?: CborMap;
}

/** A sealed record, as stored and shipped. */
export interface AuditRecord extends AuditEventInput {
  readonly v: 1;
  /** 1 for the first record, then +1 each. */
  readonly seq: number;
  /** Wall-clock time of the append, ms since the Unix epoch. */
  readonly t: number;
  readonly prev: Uint8Array;
  readonly h: Uint8Array;
}

export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

const EVENT_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

function bodyOf(r: Omit<AuditRecord, 'h'>): Record<string, unknown> {
  return {
    v: r.v,
    seq: r.seq,
    t: r.t,
    ev: r.ev,
    actor: r.actor,
    subject: r.subject,
    outcome: r.outcome,
    reason: r.reason,
    data: r.data,
    prev: r.prev,
  };
}

/** SHA-256(prev || body), the link of the chain. */
export function chainHash(prev: Uint8Array, body: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(prev).update(body).digest());
}

/** The hash a record must carry, computed from its other fields. */
export function computeRecordHash(r: Omit<AuditRecord, 'h'>): Uint8Array {
  return chainHash(r.prev, encodeCanonical(bodyOf(r)));
}

/** Why an event cannot be recorded as given, or null. For callers' mistakes, not for peer input. */
export function checkEventInput(e: AuditEventInput): string | null {
  if (!EVENT_NAME.test(e.ev)) return `ev ${JSON.stringify(e.ev)} is not a dotted event name`;
  if (e.actor === '' || e.actor.length > MAX_NAME_LENGTH) return `actor must be 1..${MAX_NAME_LENGTH} chars`;
  if (e.subject === '' || e.subject.length > MAX_NAME_LENGTH)
    return `subject must be 1..${MAX_NAME_LENGTH} chars`;
  if (!OUTCOMES.includes(e.outcome)) return `outcome ${JSON.stringify(e.outcome)} is not one of ${OUTCOMES}`;
  if (e.reason !== undefined && e.reason.length > MAX_REASON_LENGTH)
    return `reason is longer than ${MAX_REASON_LENGTH} chars`;
  return null;
}

/**
 * Seals an event into the record that follows `prev` at `seq`, stamped `tMs`. Throws TypeError when
 * the event breaks the schema (a bad name, a fraction in `data`): the caller's mistake.
 */
export function sealRecord(prev: Uint8Array, seq: number, tMs: number, e: AuditEventInput): AuditRecord {
  const bad = checkEventInput(e);
  if (bad !== null) throw new TypeError(`audit event: ${bad}`);
  if (prev.length !== HASH_BYTES) throw new TypeError(`prev must be ${HASH_BYTES} bytes`);
  if (!Number.isSafeInteger(seq) || seq < 1)
    throw new TypeError(`seq must be a positive integer, got ${seq}`);
  if (!Number.isSafeInteger(tMs) || tMs < 0) throw new TypeError(`t must be ms since epoch, got ${tMs}`);
  const unsealed: Omit<AuditRecord, 'h'> = {
    v: AUDIT_RECORD_VERSION,
    seq,
    t: tMs,
    ev: e.ev,
    actor: e.actor,
    subject: e.subject,
    outcome: e.outcome,
    ...(e.reason === undefined ? {} : { reason: e.reason }),
    ...(e.data === undefined ? {} : { data: e.data }),
    prev,
  };
  return { ...unsealed, h: computeRecordHash(unsealed) };
}

// In a record's deterministic encoding "h" is the first key (length 1, and "h" < "t" < "v"):
// map header (0xa0 | n), 0x61 'h', 0x58 0x20, 32 bytes, then exactly the body's entries.
const H_ENTRY = Uint8Array.of(0x61, 0x68, 0x58, 0x20);
const H_ENTRY_BYTES = H_ENTRY.length + HASH_BYTES;

/**
 * The hash a stored record must carry, computed from its bytes without re-encoding: the body is the
 * stored map minus its leading `h` entry. Only for bytes known to be the deterministic encoding of
 * a record (as verify checks first); null when they are not laid out that way.
 */
export function hashStoredRecord(stored: Uint8Array, prev: Uint8Array): Uint8Array | null {
  const head = stored[0] ?? 0;
  if (head < 0xa2 || head > 0xb7 || !sameBytes(stored.subarray(1, 1 + H_ENTRY.length), H_ENTRY)) return null;
  const body = new Uint8Array(stored.length - H_ENTRY_BYTES);
  body[0] = head - 1;
  body.set(stored.subarray(1 + H_ENTRY_BYTES), 1);
  return chainHash(prev, body);
}

/** The stored/shipped bytes of a record: deterministic CBOR of every field including `h`. */
export function encodeRecord(r: AuditRecord): Uint8Array {
  return encodeCanonical({ ...bodyOf(r), h: r.h });
}

function isBytes(v: unknown, n: number): v is Uint8Array {
  return v instanceof Uint8Array && v.length === n;
}

/**
 * Decodes and schema-checks a record from untrusted bytes. It does not check `h` (that is
 * {@link computeRecordHash}'s job, in verify), only that the fields are there with the right types.
 */
export function decodeRecord(bytes: Uint8Array): Result<AuditRecord> {
  const d = decodeCanonical(bytes);
  if (!d.ok) return d;
  const m = d.value;
  if (!isCborMap(m)) return { ok: false, reason: 'record is not a CBOR map' };
  const { v, seq, t, ev, actor, subject, outcome, reason, data, prev, h, ...extra } = m;
  const fail = (why: string): Result<AuditRecord> => ({ ok: false, reason: why });
  if (v !== AUDIT_RECORD_VERSION) return fail(`unsupported record version ${String(v)}`);
  const unknown = Object.keys(extra);
  if (unknown.length > 0) return fail(`unknown field ${unknown[0]}`);
  if (typeof seq !== 'number' || seq < 1) return fail('seq is not a positive integer');
  if (typeof t !== 'number' || t < 0) return fail('t is not ms since epoch');
  if (typeof ev !== 'string' || typeof actor !== 'string' || typeof subject !== 'string')
    return fail('ev, actor and subject must be text');
  if (typeof outcome !== 'string' || !isOutcome(outcome)) return fail(`bad outcome ${String(outcome)}`);
  if (reason !== undefined && typeof reason !== 'string') return fail('reason is not text');
  if (data !== undefined && !isCborMap(data)) return fail('data is not a map');
  if (!isBytes(prev, HASH_BYTES)) return fail(`prev is not ${HASH_BYTES} bytes`);
  if (!isBytes(h, HASH_BYTES)) return fail(`h is not ${HASH_BYTES} bytes`);
  const record: AuditRecord = {
    v: AUDIT_RECORD_VERSION,
    seq,
    t,
    ev,
    actor,
    subject,
    outcome,
    ...(reason === undefined ? {} : { reason }),
    ...(data === undefined ? {} : { data }),
    prev,
    h,
  };
  const bad = checkEventInput(record);
  return bad === null ? { ok: true, value: record } : fail(bad);
}

function isOutcome(s: string): s is Outcome {
  return (OUTCOMES as readonly string[]).includes(s);
}

/** Whether two byte strings are equal. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

// --- checkpoints ---------------------------------------------------------------------------------

/** What a checkpoint seals: the head (seq, h) before the checkpoint record, and the signature. */
export interface CheckpointData {
  readonly seq: number;
  readonly h: Uint8Array;
  readonly sig: Uint8Array;
}

/** Domain separation, so an audit key's signature over a head can never be replayed as anything else. */
const CHECKPOINT_DOMAIN = Buffer.from('ztgw audit checkpoint v1\0', 'utf8');

/** The signed message: domain || uint64 big-endian seq || h. */
export function checkpointMessage(seq: number, h: Uint8Array): Uint8Array {
  const out = new Uint8Array(CHECKPOINT_DOMAIN.length + 8 + HASH_BYTES);
  out.set(CHECKPOINT_DOMAIN, 0);
  new DataView(out.buffer).setBigUint64(CHECKPOINT_DOMAIN.length, BigInt(seq));
  out.set(h, CHECKPOINT_DOMAIN.length + 8);
  return out;
}

/** The event that seals head (seq, h), signed with the audit secret key (64-byte tweetnacl form). */
export function checkpointEvent(seq: number, h: Uint8Array, secretKey: Uint8Array): AuditEventInput {
  const sig = nacl.sign.detached(checkpointMessage(seq, h), secretKey);
  return {
    ev: CHECKPOINT_EVENT,
    actor: 'agent',
    subject: 'audit',
    outcome: 'info',
    data: { seq, h, sig },
  };
}

/** Reads the checkpoint fields of a record, or says what is missing. */
export function readCheckpoint(r: AuditRecord): Result<CheckpointData> {
  if (r.ev !== CHECKPOINT_EVENT) return { ok: false, reason: `${r.ev} is not a checkpoint` };
  const seq = r.data?.['seq'];
  const h = r.data?.['h'];
  const sig = r.data?.['sig'];
  if (typeof seq !== 'number' || !isBytes(h, HASH_BYTES) || !isBytes(sig, SIGNATURE_BYTES))
    return {
      ok: false,
      reason: 'checkpoint data must be { seq: uint, h: bstr .size 32, sig: bstr .size 64 }',
    };
  return { ok: true, value: { seq, h, sig } };
}

/** Whether `sig` is the audit key's signature over (seq, h). */
export function isCheckpointSigned(cp: CheckpointData, publicKey: Uint8Array): boolean {
  if (publicKey.length !== nacl.sign.publicKeyLength) return false;
  return nacl.sign.detached.verify(checkpointMessage(cp.seq, cp.h), cp.sig, publicKey);
}
