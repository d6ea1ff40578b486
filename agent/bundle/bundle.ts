/**
 * The telemetry bundle published on `ztgw/<id>/up/t` (schema: bundle.cddl).
 *
 *   readings ─▶ string tables of sensor ids and topics ─▶ { v, dev, seq, t0, s, tp, r } (CBOR, fixed key order)
 *                                                  │ deflate pays? (> 10 % and ≥ 32 bytes)
 *                                                  ▼ yes
 *                                            { v, z: 1, d: deflateRaw(bundle) }
 *
 * Pure: the same input and options give the same bytes (for a given zlib build).
 */
import { deflateRawSync } from 'node:zlib';
import {
  BUNDLE_VERSION,
  type BundleInput,
  DEFAULT_ENCODE_OPTIONS,
  type EncodeBundleOptions,
} from './bundle-types.js';
import { CborWriter } from './cbor-writer.js';

export * from './bundle-types.js';
export { decodeBundle } from './decode-bundle.js';

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Encodes a bundle. Readings keep their order; `t0` is the earliest `tMs` (0 for no readings) so
 * every offset is unsigned. Throws `TypeError` on input no receiver would accept (negative or
 * fractional sequence/time, too many readings): that is a caller bug, not bad outside input.
 */
export function encodeBundle(b: BundleInput, opts: EncodeBundleOptions = {}): Uint8Array {
  const o = { ...DEFAULT_ENCODE_OPTIONS, ...opts };
  checkUint('bundleSeq', b.bundleSeq);
  if (b.readings.length > o.maxReadings)
    throw new TypeError(`bundle has ${b.readings.length} readings, limit is ${o.maxReadings}`);
  let t0Ms = Number.POSITIVE_INFINITY;
  for (const r of b.readings) {
    checkUint('tMs', r.tMs);
    if (r.tMs < t0Ms) t0Ms = r.tMs;
  }
  if (b.readings.length === 0) t0Ms = 0;

  const table = new Map<string, number>();
  const topics = new Map<string, number>();
  const indices = b.readings.map((r) => indexOf(table, r.sensor));
  const topicIndices = b.readings.map((r) => indexOf(topics, r.topic));

  const w = new CborWriter();
  w.mapHeader(7);
  w.text('v');
  w.uint(BUNDLE_VERSION);
  w.text('dev');
  w.text(b.deviceId);
  w.text('seq');
  w.uint(b.bundleSeq);
  w.text('t0');
  w.uint(t0Ms);
  w.text('s');
  w.arrayHeader(table.size);
  for (const sensor of table.keys()) w.text(sensor);
  w.text('tp');
  w.arrayHeader(topics.size);
  for (const topic of topics.keys()) w.text(topic);
  w.text('r');
  w.arrayHeader(b.readings.length);
  b.readings.forEach((r, n) => {
    w.arrayHeader(4);
    w.uint(indices[n] ?? 0);
    w.uint(r.tMs - t0Ms);
    w.uint(topicIndices[n] ?? 0);
    const json = parseJson(r.payload);
    if (json === NOT_JSON || !w.jsonWithin(json, o.maxJsonDepth)) w.bytes(r.payload);
  });
  const plain = w.finish();
  if (!o.isDeflateAllowed) return plain;

  const env = new CborWriter();
  env.mapHeader(3);
  env.text('v');
  env.uint(BUNDLE_VERSION);
  env.text('z');
  env.uint(1);
  env.text('d');
  env.bytes(deflateRawSync(plain));
  const packed = env.finish();
  const savedBytes = plain.length - packed.length;
  const isWorthIt =
    savedBytes >= o.deflateMinSavingBytes && savedBytes > plain.length * o.deflateMinSavingRatio;
  return isWorthIt ? packed : plain;
}

/** The index of `key` in an insertion-ordered string table, adding it when new. */
function indexOf(table: Map<string, number>, key: string): number {
  let i = table.get(key);
  if (i === undefined) {
    i = table.size;
    table.set(key, i);
  }
  return i;
}

function checkUint(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new TypeError(`${name} must be an unsigned safe integer, got ${n}`);
}

/** What {@link parseJson} returns for a payload that is not JSON text. */
const NOT_JSON: unique symbol = Symbol('not JSON');

/**
 * The payload parsed as JSON, or NOT_JSON when it is not strict UTF-8 JSON text. JSON numbers are
 * IEEE doubles here, as for any JSON consumer; integers beyond 2^53 lose precision the same way
 * they would in the cloud's JSON parser. Depth and finiteness (`1e999` parses to Infinity) are
 * checked while the value is written (`CborWriter.jsonWithin`).
 */
function parseJson(payload: Uint8Array): unknown {
  let text: string;
  try {
    text = fatalUtf8.decode(payload);
  } catch {
    // Not UTF-8: raw bytes are the right carriage.
    return NOT_JSON;
  }
  if (text.trim() === '') return NOT_JSON;
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON (or nested too deep for the parser): carried as raw bytes.
    return NOT_JSON;
  }
}
