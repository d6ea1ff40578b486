/**
 * Deterministic CBOR for the audit trail (RFC 8949 §4.2.1, "core deterministic encoding"), on top of
 * cbor-x. cbor-x has no canonical mode, so values are first rewritten into a shape whose cbor-x
 * encoding is deterministic:
 *
 * - maps become `Map`s with keys in length-first, then bytewise order (§4.2.1: sorting by the
 *   encoded key bytes is the same as sorting text keys by UTF-8 length, then bytes); a `Map` keeps
 *   that order even for keys like "7", which a plain object would move to the front;
 * - integers outside the 32-bit range become `bigint`, because cbor-x writes a `number` above
 *   2^32 − 1 as a float64 and §4.2.1 wants the shortest integer form (uint64 / nint64);
 * - only integers, text, byte strings, booleans, null, arrays and text-keyed maps are allowed:
 *   fractional numbers are refused (their shortest float form is float16/32, which cbor-x cannot
 *   choose), so any standard deterministic encoder in the cloud reproduces the same bytes.
 */
import { Decoder, Encoder } from 'cbor-x';

/** The values an audit document may hold. Numbers are safe integers only. */
export type CborValue = null | boolean | number | string | Uint8Array | readonly CborValue[] | CborMap;
export interface CborMap {
  readonly [key: string]: CborValue;
}

type Encodable =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Encodable[]
  | Map<string, Encodable>;

const UINT32_MAX = 0xffff_ffff;
const NINT32_MIN = -0x1_0000_0000;

/**
 * Plain CBOR maps (no record extension, no tag 259 on `Map`s), untagged byte strings, shortest map
 * headers. `useTag259ForMaps` is read by cbor-x's encoder but missing from its type declarations,
 * hence the separate constant (no excess-property check).
 */
const ENCODER_OPTIONS = {
  useRecords: false,
  mapsAsObjects: true,
  useTag259ForMaps: false,
  tagUint8Array: false,
  variableMapSize: true,
};
const encoder = new Encoder(ENCODER_OPTIONS);
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });

/** Orders text keys as RFC 8949 §4.2.1 does for their encodings: shorter first, then bytewise. */
export function compareKeys(a: string, b: string): number {
  if (isAscii(a) && isAscii(b)) {
    // Fast path (nearly every key): for ASCII, UTF-8 length and bytes are the UTF-16 ones.
    if (a.length !== b.length) return a.length - b.length;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) return ab.length - bb.length;
  return Buffer.compare(ab, bb);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function prepare(value: unknown, path: string): Encodable {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new TypeError(`${path}: only safe integers are allowed in audit CBOR, got ${value}`);
    }
    if (value > UINT32_MAX || value < NINT32_MIN) return BigInt(value);
    // -0 is an integer for CBOR: write it as 0.
    return value === 0 ? 0 : value;
  }
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map((v: unknown, i) => prepare(v, `${path}[${i}]`));
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    // cbor-x renames this key on decoding (prototype pollution guard), so it could never re-hash.
    if (Object.hasOwn(value, '__proto__')) throw new TypeError(`${path}: the key __proto__ is not allowed`);
    const keys = entries.map(([k]) => k).sort(compareKeys);
    const out = new Map<string, Encodable>();
    const byKey = new Map(entries);
    for (const k of keys) {
      const v = byKey.get(k);
      // An absent optional field is left out, as if it were never set.
      if (v === undefined) continue;
      out.set(k, prepare(v, `${path}.${k}`));
    }
    return out;
  }
  throw new TypeError(`${path}: ${describe(value)} cannot be written to audit CBOR`);
}

function describe(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  const name = Object.getPrototypeOf(value)?.constructor?.name;
  return typeof name === 'string' ? name : 'object';
}

/**
 * Encodes a value deterministically. Throws TypeError for values outside {@link CborValue}
 * (fractions, NaN, undefined in arrays, class instances): that is a caller's mistake.
 */
export function encodeCanonical(value: unknown): Uint8Array {
  return encoder.encode(prepare(value, '$'));
}

/** The result of decoding untrusted bytes. */
export type DecodeResult = { ok: true; value: CborValue } | { ok: false; reason: string };

/**
 * Decodes one CBOR item from untrusted bytes and checks it stays inside {@link CborValue} (no floats,
 * tags, undefined, Dates), so that re-encoding can reproduce the hashed bytes. 64-bit integers come
 * back as `number` when safe. Bad bytes are a reason naming the first offending path, never a throw.
 */
export function decodeCanonical(bytes: Uint8Array): DecodeResult {
  let raw: unknown;
  try {
    raw = decoder.decode(bytes);
  } catch (err) {
    return { ok: false, reason: `CBOR does not decode: ${err instanceof Error ? err.message : String(err)}` };
  }
  const problem: string[] = [];
  const value = normalize(raw, '$', problem);
  return value === undefined
    ? { ok: false, reason: problem[0] ?? 'CBOR value not allowed' }
    : { ok: true, value };
}

// cbor-x returns 64-bit integers as bigint (its int64AsNumber mode truncates negative ones to 32 bits),
// so they are turned back into numbers here when they are safe.
function normalize(value: unknown, path: string, problem: string[]): CborValue | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value;
    problem.push(`${path}: ${value} is not a safe integer`);
    return undefined;
  }
  if (typeof value === 'bigint') {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
    problem.push(`${path}: integer ${value} is beyond 2^53`);
    return undefined;
  }
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) {
    const out: CborValue[] = [];
    for (let i = 0; i < value.length; i++) {
      const v = normalize(value[i], `${path}[${i}]`, problem);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, CborValue> = {};
    for (const [k, raw] of Object.entries(value)) {
      const v = normalize(raw, `${path}.${k}`, problem);
      if (v === undefined) return undefined;
      out[k] = v;
    }
    return out;
  }
  problem.push(`${path}: unsupported ${describe(value)}`);
  return undefined;
}

/** A plain object (a decoded CBOR map), as opposed to arrays, byte strings, tags or class instances. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Narrows a decoded value to a map. */
export function isCborMap(value: CborValue | undefined): value is CborMap {
  return isPlainObject(value);
}
