/**
 * A reading as the journal keeps it (telemetry lane), pure. The sensor id and topic come from the
 * authenticated session and the policy decision, never from the payload; the payload is kept exactly
 * as it arrived (the bundle transcodes JSON to CBOR when it leaves).
 *
 *   u8 sensor length | sensor (ASCII) | u8 topic length | topic (UTF-8) | payload
 *
 * Both lengths fit a byte: sensor ids are at most 64 characters of [A-Za-z0-9._-] and local topics at
 * most 128 bytes (agent/policy/defaults.ts); longer ones are a caller bug and throw.
 */
import { fail, ok, type Result } from '../../modem/at/result.js';

export interface ReadingRecord {
  readonly sensor: string;
  readonly topic: string;
  readonly payload: Uint8Array;
}

const MAX_FIELD_BYTES = 255;

/**
 * The record bytes. Allocated from Node's Buffer pool (slices of a shared 8 KiB slab): a typed
 * array of its own per reading would be an off-heap allocation, freed by the GC, for ~100 bytes.
 * Every byte of it is written here.
 */
export function encodeReadingRecord(r: ReadingRecord): Uint8Array {
  const sensorLen = Buffer.byteLength(r.sensor, 'utf8');
  const topicLen = Buffer.byteLength(r.topic, 'utf8');
  if (sensorLen === 0 || sensorLen > MAX_FIELD_BYTES || topicLen > MAX_FIELD_BYTES)
    throw new TypeError(`sensor id (${sensorLen} B) or topic (${topicLen} B) out of range`);
  const out = Buffer.allocUnsafe(2 + sensorLen + topicLen + r.payload.length);
  out[0] = sensorLen;
  out.write(r.sensor, 1, 'utf8');
  out[1 + sensorLen] = topicLen;
  out.write(r.topic, 2 + sensorLen, 'utf8');
  out.set(r.payload, 2 + sensorLen + topicLen);
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a record; a damaged one (it passed the journal's CRC, so a bug or an old format) is a reason. */
export function decodeReadingRecord(b: Uint8Array): Result<ReadingRecord> {
  const sensorLen = b[0];
  if (sensorLen === undefined || sensorLen === 0 || b.length < 2 + sensorLen)
    return fail(`reading record of ${b.length} bytes: bad sensor length`);
  const topicLen = b[1 + sensorLen];
  if (topicLen === undefined || b.length < 2 + sensorLen + topicLen)
    return fail(`reading record of ${b.length} bytes: bad topic length`);
  try {
    const sensor = utf8.decode(b.subarray(1, 1 + sensorLen));
    const topic = utf8.decode(b.subarray(2 + sensorLen, 2 + sensorLen + topicLen));
    return ok({ sensor, topic, payload: b.subarray(2 + sensorLen + topicLen) });
  } catch {
    // fatal decoder: not UTF-8.
    return fail('reading record: sensor id or topic is not UTF-8');
  }
}
