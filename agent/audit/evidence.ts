/**
 * The evidence bundle, pure: building and verifying it. Layout (CDDL in audit.cddl):
 *
 *   envelope = { v: 1, body: bstr (deterministic CBOR of evidence-body), sig: bstr .size 64 }
 *   sig      = Ed25519(audit key, "ztgw audit evidence v1\0" || SHA-256(body))
 *
 * The body holds the stored bytes of every record from the first in range through the checkpoint
 * that covers the last one (the chain context), the hash before the first, the device identity,
 * a timeline and a NIS2 summary. A verifier needs only the bundle and the device audit public key;
 * the timeline and summary are recomputed from the records and must match.
 */
import { createHash } from 'node:crypto';
import nacl from 'tweetnacl';
import { type CborValue, decodeCanonical, encodeCanonical, isCborMap } from './canonical-cbor.js';
import { buildSummary, buildTimeline, type Nis2Summary, type TimelineEntry } from './evidence-summary.js';
import { type AuditRecord, decodeRecord, HASH_BYTES, SIGNATURE_BYTES, sameBytes } from './record.js';
import type { AuditSigner, StoredRecord } from './store-types.js';
import { type Anchor, createChainVerifier, type VerifyReport } from './verify.js';

export const EVIDENCE_VERSION = 1;
export const EVIDENCE_KIND = 'ztgw.audit.evidence';
const EVIDENCE_DOMAIN = Buffer.from('ztgw audit evidence v1\0', 'utf8');

/** Who the device is, as the exporter was told (null: unknown). */
export interface DeviceIdentity {
  readonly deviceId: string | null;
  readonly iccid: string | null;
  readonly imei: string | null;
  /** SHA-256 of the device certificate (DER), hex. */
  readonly certFingerprint: string | null;
  readonly certSubject: string | null;
}

export interface EvidenceChain {
  /** `prev` of the first record: the hash before it. */
  readonly prev: Uint8Array;
  /** First and last record in range. */
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** Last record carried (the covering checkpoint, or lastSeq when none was reached). */
  readonly endSeq: number;
  /** Seq the last carried checkpoint seals, or null. */
  readonly sealedThroughSeq: number | null;
}

export interface EvidenceBody {
  readonly v: 1;
  readonly kind: typeof EVIDENCE_KIND;
  readonly createdMs: number;
  readonly range: { readonly sinceMs: number; readonly untilMs: number };
  readonly device: DeviceIdentity & { readonly auditKey: Uint8Array };
  /** Null when no record falls in the range. */
  readonly chain: EvidenceChain | null;
  readonly records: readonly Uint8Array[];
  readonly timeline: readonly TimelineEntry[];
  readonly summary: Nis2Summary;
}

export interface EvidenceInput {
  readonly sinceMs: number;
  readonly untilMs: number;
  readonly createdMs: number;
  readonly device: DeviceIdentity;
  /** Stored records, first in range through the covering checkpoint (or the last available). */
  readonly records: readonly StoredRecord[];
  readonly suspectedCause?: string;
}

function signedMessage(body: Uint8Array): Uint8Array {
  const digest = createHash('sha256').update(body).digest();
  return Buffer.concat([EVIDENCE_DOMAIN, digest]);
}

const inRange = (r: AuditRecord, sinceMs: number, untilMs: number): boolean =>
  r.t >= sinceMs && r.t <= untilMs;

/** The chain context and the in-range part of the carried records. */
function analyse(records: readonly AuditRecord[], sinceMs: number, untilMs: number) {
  let lastIdx = -1;
  records.forEach((r, i) => {
    if (inRange(r, sinceMs, untilMs)) lastIdx = i;
  });
  const first = records[0];
  const lastInRange = records[lastIdx];
  if (first === undefined || lastInRange === undefined) return { chain: null, inRange: [] };
  let sealed: number | null = null;
  for (const r of records) {
    const cp = r.ev === 'audit.checkpoint' ? r.data?.['seq'] : undefined;
    if (typeof cp === 'number') sealed = cp;
  }
  const chain: EvidenceChain = {
    prev: first.prev,
    firstSeq: first.seq,
    lastSeq: lastInRange.seq,
    endSeq: records.at(-1)?.seq ?? lastInRange.seq,
    sealedThroughSeq: sealed,
  };
  return { chain, inRange: records.slice(0, lastIdx + 1).filter((r) => inRange(r, sinceMs, untilMs)) };
}

/** Builds and signs a bundle. */
export function buildEvidence(input: EvidenceInput, signer: AuditSigner): Uint8Array {
  const records = input.records.map((e) => e.record);
  const { chain, inRange: hits } = analyse(records, input.sinceMs, input.untilMs);
  const body: EvidenceBody = {
    v: EVIDENCE_VERSION,
    kind: EVIDENCE_KIND,
    createdMs: input.createdMs,
    range: { sinceMs: input.sinceMs, untilMs: input.untilMs },
    device: { ...input.device, auditKey: signer.publicKey },
    chain,
    records: chain === null ? [] : input.records.map((e) => e.bytes),
    timeline: buildTimeline(hits),
    summary: buildSummary(hits, input.untilMs, input.suspectedCause),
  };
  const bodyBytes = encodeCanonical(body);
  return encodeCanonical({
    v: EVIDENCE_VERSION,
    body: bodyBytes,
    sig: signer.sign(signedMessage(bodyBytes)),
  });
}

export type EvidenceProblemKind = 'bad-bundle' | 'signature' | 'wrong-key' | 'chain' | 'summary-mismatch';

export interface EvidenceReport {
  readonly ok: boolean;
  readonly problem: { readonly kind: EvidenceProblemKind; readonly message: string } | null;
  /** The chain verification, when the bundle got that far. */
  readonly chain: VerifyReport | null;
  /** The decoded body, when its signature verified. */
  readonly body: EvidenceBody | null;
  /** Whether a checkpoint carried in the bundle covers the last record in range. */
  readonly isSealed: boolean;
}

const bad = (
  kind: EvidenceProblemKind,
  message: string,
  more: Partial<EvidenceReport> = {},
): EvidenceReport => ({
  ok: false,
  problem: { kind, message },
  chain: null,
  body: null,
  isSealed: false,
  ...more,
});

/**
 * Verifies a bundle with the device audit public key the operator trusts: the signature, the key
 * named inside, every carried record's hash, link and checkpoint, that the covering checkpoint is
 * reached, the operator's anchor if given, and that timeline and summary match the records.
 */
export function verifyEvidence(bundle: Uint8Array, publicKey: Uint8Array, anchor?: Anchor): EvidenceReport {
  const env = decodeCanonical(bundle);
  if (!env.ok) return bad('bad-bundle', `not an evidence bundle: ${env.reason}`);
  const e = env.value;
  if (!isCborMap(e) || e['v'] !== EVIDENCE_VERSION)
    return bad('bad-bundle', 'not a version 1 evidence envelope');
  const bodyBytes = e['body'];
  const sig = e['sig'];
  if (!(bodyBytes instanceof Uint8Array) || !(sig instanceof Uint8Array) || sig.length !== SIGNATURE_BYTES) {
    return bad('bad-bundle', 'envelope needs body (bstr) and sig (64 bytes)');
  }
  if (publicKey.length !== nacl.sign.publicKeyLength)
    return bad('wrong-key', 'the public key is not 32 bytes');
  if (!nacl.sign.detached.verify(signedMessage(bodyBytes), sig, publicKey)) {
    return bad(
      'signature',
      'the bundle signature does not verify with this audit key (altered, or another device)',
    );
  }
  const parsed = parseBody(bodyBytes);
  if (typeof parsed === 'string') return bad('bad-bundle', parsed);
  const { head, operatorCause } = parsed;
  if (!sameBytes(head.device.auditKey, publicKey)) {
    return bad('wrong-key', 'the bundle names another audit key than the one it verifies with');
  }
  let chain: VerifyReport | null = null;
  // Each carried record is decoded once, for the chain check and for the rebuild below.
  const decoded = head.records.map((b) => decodeRecord(b));
  if (head.chain !== null) {
    const c = head.chain;
    const v = createChainVerifier({
      publicKey,
      expectedPrev: c.prev,
      expectedFirstSeq: c.firstSeq,
      ...(c.sealedThroughSeq === null ? {} : { sealedThroughSeq: c.sealedThroughSeq }),
      ...(anchor === undefined ? {} : { anchor }),
    });
    for (let i = 0; i < head.records.length; i++) {
      if (v.push(head.records[i] ?? new Uint8Array(0), undefined, decoded[i]) !== null) break;
    }
    chain = v.finish();
    if (!chain.ok) return bad('chain', chain.problem?.message ?? 'the chain does not verify', { chain });
    if (chain.lastSeq !== c.endSeq || chain.sealedThroughSeq !== c.sealedThroughSeq) {
      const msg = `the records run to ${chain.lastSeq} sealed through ${chain.sealedThroughSeq}, the bundle says ${c.endSeq} / ${c.sealedThroughSeq}`;
      return bad('chain', msg, { chain });
    }
  } else if (head.records.length > 0) {
    return bad('bad-bundle', 'records without chain context');
  }
  // The chain check passed, so every record decoded.
  const records = decoded.flatMap((d) => (d.ok ? [d.value] : []));
  const { inRange: hits } = analyse(records, head.range.sinceMs, head.range.untilMs);
  const body: EvidenceBody = {
    ...head,
    timeline: buildTimeline(hits),
    summary: buildSummary(hits, head.range.untilMs, operatorCause),
  };
  // Rebuilt from its records, the body must come out byte for byte as signed.
  if (!sameBytes(encodeCanonical(body), bodyBytes)) {
    return bad('summary-mismatch', 'the timeline or summary do not match the records', { chain });
  }
  const isSealed = head.chain === null || (head.chain.sealedThroughSeq ?? -1) >= head.chain.lastSeq;
  return { ok: true, problem: null, chain, body, isSealed };
}

type BodyHead = Omit<EvidenceBody, 'timeline' | 'summary'>;

const uint = (v: CborValue | undefined): v is number => typeof v === 'number' && v >= 0;
const textOrNull = (v: CborValue | undefined): v is string | null => v === null || typeof v === 'string';
const hash = (v: CborValue | undefined): v is Uint8Array =>
  v instanceof Uint8Array && v.length === HASH_BYTES;

/** Schema check of a signed body; timeline and summary are rebuilt from the records, not parsed. */
function parseBody(bytes: Uint8Array): string | { head: BodyHead; operatorCause: string | undefined } {
  const d = decodeCanonical(bytes);
  if (!d.ok) return `body: ${d.reason}`;
  const b = d.value;
  if (!isCborMap(b) || b['v'] !== EVIDENCE_VERSION || b['kind'] !== EVIDENCE_KIND)
    return 'body is not ztgw evidence v1';
  const { createdMs, range, device, chain, records, timeline, summary } = b;
  if (!uint(createdMs)) return 'body.createdMs must be uint';
  if (!isCborMap(range) || !uint(range['sinceMs']) || !uint(range['untilMs']))
    return 'body.range must be { sinceMs, untilMs }';
  if (!isCborMap(device)) return 'body.device must be a map';
  const { deviceId, iccid, imei, certFingerprint, certSubject, auditKey } = device;
  if (
    !textOrNull(deviceId) ||
    !textOrNull(iccid) ||
    !textOrNull(imei) ||
    !textOrNull(certFingerprint) ||
    !textOrNull(certSubject)
  ) {
    return 'body.device fields must be text or null';
  }
  if (!(auditKey instanceof Uint8Array) || auditKey.length !== nacl.sign.publicKeyLength)
    return 'body.device.auditKey must be 32 bytes';
  if (!Array.isArray(records) || !records.every((r): r is Uint8Array => r instanceof Uint8Array))
    return 'body.records must be byte strings';
  let c: EvidenceChain | null = null;
  if (chain !== null) {
    if (!isCborMap(chain)) return 'body.chain must be a map or null';
    const { prev, firstSeq, lastSeq, endSeq, sealedThroughSeq } = chain;
    if (!hash(prev) || !uint(firstSeq) || !uint(lastSeq) || !uint(endSeq))
      return 'body.chain fields are missing';
    if (sealedThroughSeq !== null && !uint(sealedThroughSeq))
      return 'body.chain.sealedThroughSeq must be uint or null';
    c = { prev, firstSeq, lastSeq, endSeq, sealedThroughSeq };
  }
  if (!isCborMap(summary) || timeline === undefined) return 'body needs timeline and summary';
  const source = summary['suspectedCauseSource'];
  const cause = summary['suspectedCause'];
  const head: BodyHead = {
    v: EVIDENCE_VERSION,
    kind: EVIDENCE_KIND,
    createdMs,
    range: { sinceMs: range['sinceMs'], untilMs: range['untilMs'] },
    device: { deviceId, iccid, imei, certFingerprint, certSubject, auditKey },
    chain: c,
    records,
  };
  return {
    head,
    operatorCause: source === 'operator' && typeof cause === 'string' ? cause : undefined,
  };
}
