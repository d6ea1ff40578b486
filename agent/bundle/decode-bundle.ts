/**
 * Reads a telemetry bundle from untrusted bytes. Never throws: every rejection is a reason that
 * names what was wrong (version, truncated CBOR, a field, an index, a limit).
 */
import { inflateRawSync } from 'node:zlib';
import { Decoder } from 'cbor-x';
import { fail, ok, type Result } from '../../modem/at/result.js';
import type { JsonValue } from '../../modem/errors.js';
import {
  BUNDLE_VERSION,
  type Bundle,
  DEFAULT_DECODE_OPTIONS,
  type DecodeBundleOptions,
  type DecodedReading,
  type ReadingBody,
} from './bundle-types.js';

/**
 * Maps as `Map`s (as objects, cbor-x renames a "__proto__" key, which a sensor's JSON may hold).
 * 64-bit integers arrive as `bigint` and are narrowed to safe numbers below: cbor-x 1.6.8's
 * `int64AsNumber` truncates negative 64-bit integers to 32 bits. cbor-x still understands its own
 * tags (records, dates, …); whatever they produce is refused by the shape checks, since a bundle
 * holds only plain CBOR.
 */
const decoder = new Decoder({ useRecords: false, mapsAsObjects: false });

type Obj = ReadonlyMap<unknown, unknown>;

/** Decodes a bundle, inflating the deflate envelope first when present. */
export function decodeBundle(bytes: Uint8Array, opts: DecodeBundleOptions = {}): Result<Bundle> {
  const o = { ...DEFAULT_DECODE_OPTIONS, ...opts };
  if (bytes.length > o.maxDecompressedBytes)
    return fail(`bundle is ${bytes.length} bytes, limit is ${o.maxDecompressedBytes}`);
  const outer = readCbor(bytes, 'bundle');
  if (!outer.ok) return outer;
  const top = outer.value;
  if (!isObj(top)) return fail('bundle: expected a CBOR map at the top');
  if (top.get('v') !== BUNDLE_VERSION)
    return fail(`bundle: unsupported version v=${describe(top.get('v'))}, expected ${BUNDLE_VERSION}`);
  if (!top.has('z')) return readBundle(top, false, o.maxReadings);

  if (top.get('z') !== 1)
    return fail(`envelope: unsupported compression z=${describe(top.get('z'))}, expected 1 (deflate)`);
  const d = top.get('d');
  if (!(d instanceof Uint8Array)) return fail('envelope: d must be a byte string');
  let plain: Uint8Array;
  try {
    plain = inflateRawSync(d, { maxOutputLength: o.maxDecompressedBytes });
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined;
    if (code === 'ERR_BUFFER_TOO_LARGE')
      return fail(`envelope: inflated size over the limit of ${o.maxDecompressedBytes} bytes`);
    return fail(`envelope: d is not valid deflate data (${e instanceof Error ? e.message : String(e)})`);
  }
  const inner = readCbor(plain, 'inflated bundle');
  if (!inner.ok) return inner;
  if (!isObj(inner.value)) return fail('inflated bundle: expected a CBOR map');
  if (inner.value.get('v') !== BUNDLE_VERSION)
    return fail(
      `inflated bundle: unsupported version v=${describe(inner.value.get('v'))}, expected ${BUNDLE_VERSION}`,
    );
  if (inner.value.has('z')) return fail('inflated bundle: nested envelope refused');
  return readBundle(inner.value, true, o.maxReadings);
}

function readCbor(bytes: Uint8Array, what: string): Result<unknown> {
  try {
    return ok(decoder.decode(bytes));
  } catch (e) {
    const isIncomplete = typeof e === 'object' && e !== null && 'incomplete' in e && e.incomplete === true;
    if (isIncomplete) return fail(`${what}: truncated CBOR (${bytes.length} bytes)`);
    return fail(`${what}: malformed CBOR (${e instanceof Error ? e.message : String(e)})`);
  }
}

function readBundle(m: Obj, wasDeflated: boolean, maxReadings: number): Result<Bundle> {
  const deviceId = m.get('dev');
  if (typeof deviceId !== 'string') return fail('bundle: dev must be a text string');
  const bundleSeq = asUint(m.get('seq'));
  if (bundleSeq === undefined)
    return fail(`bundle: seq must be an unsigned integer, got ${describe(m.get('seq'))}`);
  const t0Ms = asUint(m.get('t0'));
  if (t0Ms === undefined) return fail(`bundle: t0 must be an unsigned integer, got ${describe(m.get('t0'))}`);
  const s = m.get('s');
  if (!Array.isArray(s)) return fail('bundle: s must be an array of sensor ids');
  const sensors: string[] = [];
  for (const [i, id] of s.entries()) {
    if (typeof id !== 'string') return fail(`bundle: s[${i}] must be a text string`);
    sensors.push(id);
  }
  const tp = m.get('tp');
  if (!Array.isArray(tp)) return fail('bundle: tp must be an array of topics');
  const topics: string[] = [];
  for (const [i, t] of tp.entries()) {
    if (typeof t !== 'string') return fail(`bundle: tp[${i}] must be a text string`);
    topics.push(t);
  }
  const r = m.get('r');
  if (!Array.isArray(r)) return fail('bundle: r must be an array of readings');
  if (r.length > maxReadings) return fail(`bundle: ${r.length} readings, limit is ${maxReadings}`);
  const readings: DecodedReading[] = [];
  for (const [i, item] of r.entries()) {
    if (!Array.isArray(item) || item.length !== 4) return fail(`bundle: r[${i}] must be a 4-element array`);
    const index = asUint(item[0]);
    if (index === undefined) return fail(`bundle: r[${i}] sensor index must be an unsigned integer`);
    const sensor = sensors[index];
    if (sensor === undefined)
      return fail(`bundle: r[${i}] sensor index ${index} out of range (table has ${sensors.length})`);
    const dtMs = asUint(item[1]);
    if (dtMs === undefined) return fail(`bundle: r[${i}] dt must be an unsigned integer`);
    const tMs = t0Ms + dtMs;
    if (!Number.isSafeInteger(tMs)) return fail(`bundle: r[${i}] t0 + dt is past 2^53`);
    const topicIndex = asUint(item[2]);
    if (topicIndex === undefined) return fail(`bundle: r[${i}] topic index must be an unsigned integer`);
    const topic = topics[topicIndex];
    if (topic === undefined)
      return fail(`bundle: r[${i}] topic index ${topicIndex} out of range (table has ${topics.length})`);
    const seq = bundleSeq + i;
    if (!Number.isSafeInteger(seq)) return fail(`bundle: r[${i}] seq + index is past 2^53`);
    const body = readBody(item[3]);
    if (body === undefined) return fail(`bundle: r[${i}] body holds a type other than plain CBOR data`);
    readings.push({ sensor, topic, tMs, seq, body });
  }
  return ok({ deviceId, bundleSeq, t0Ms, readings, wasDeflated });
}

function readBody(v: unknown): ReadingBody | undefined {
  if (v instanceof Uint8Array) return { kind: 'bytes', bytes: new Uint8Array(v) };
  const value = asJsonValue(v);
  return value === undefined ? undefined : { kind: 'json', value };
}

/** Copies a decoded value into a plain JSON value, or undefined when it holds anything else. */
function asJsonValue(v: unknown): JsonValue | undefined {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return asSafe(v);
  if (Array.isArray(v)) {
    const out: JsonValue[] = [];
    for (const item of v) {
      const j = asJsonValue(item);
      if (j === undefined) return undefined;
      out.push(j);
    }
    return out;
  }
  if (!isObj(v)) return undefined;
  const out: { [key: string]: JsonValue } = {};
  for (const [k, item] of v) {
    const j = asJsonValue(item);
    if (typeof k !== 'string' || j === undefined) return undefined;
    // defineProperty: a "__proto__" key stays data, it does not become the prototype.
    Object.defineProperty(out, k, { value: j, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A CBOR map as cbor-x decodes it with `mapsAsObjects: false`. */
function isObj(v: unknown): v is Obj {
  return v instanceof Map;
}

/** A safe integer from a number or a 64-bit `bigint`, else undefined. */
function asSafe(v: unknown): number | undefined {
  const n = typeof v === 'bigint' ? Number(v) : v;
  // Number(bigint) rounds: a bigint just past 2^53 could round to a safe-looking value, hence the check.
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) return undefined;
  return typeof v === 'bigint' && BigInt(n) !== v ? undefined : n;
}

function asUint(v: unknown): number | undefined {
  const n = asSafe(v);
  return n !== undefined && n >= 0 ? n : undefined;
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'bigint') return `${v}`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    // Not JSON-able (a cycle cannot come from CBOR, but a class instance may): name its type.
    return typeof v;
  }
}
