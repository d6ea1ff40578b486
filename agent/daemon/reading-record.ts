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

export function encodeReadingRecord(r: ReadingRecord): Uint8Array {
  const sensor = Buffer.from(r.sensor, 'utf8');
  const topic = Buffer.from(r.topic, 'utf8');
  if (sensor.length === 0 || sensor.length > MAX_FIELD_BYTES || topic.length > MAX_FIELD_BYTES)
    throw new TypeError(`sensor id (${sensor.length} B) or topic (${topic.length} B) out of range`);
  const out = new Uint8Array(2 + sensor.length + topic.length + r.payload.length);
  out[0] = sensor.length;
  out.set(sensor, 1);
  out[1 + sensor.length] = topic.length;
  out.set(topic, 2 + sensor.length);
  out.set(r.payload, 2 + sensor.length + topic.length);
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
