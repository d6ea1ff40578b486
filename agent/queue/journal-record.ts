/**
 * Journal record framing, pure. A journal segment uses the audit trail's segment framing
 * (agent/audit/frame.ts) under its own header; each frame's payload is one record:
 *
 *   header  "ZTGWJRN" 0x01                                                     8 bytes
 *   frame   u32 BE length | u32 BE CRC-32 | record
 *   record  u32 BE seq high | u32 BE seq low | f64 BE atMs | payload           16 + n bytes
 *
 * A frame is built in one buffer (payload copied once) and sealed with its seq when it is
 * admitted, so the record a reader gets back is a view into that same buffer.
 */
import { FRAME_HEADER_BYTES, writeFrameHeader } from '../audit/frame.js';

/** Segment header of the journal. */
export const JOURNAL_MAGIC: Uint8Array = Uint8Array.from([0x5a, 0x54, 0x47, 0x57, 0x4a, 0x52, 0x4e, 0x01]);
export const RECORD_HEADER_BYTES = 16;
/** Bytes a record takes on disk besides its payload. */
export const RECORD_OVERHEAD_BYTES = FRAME_HEADER_BYTES + RECORD_HEADER_BYTES;

const TWO_32 = 2 ** 32;

/**
 * A frame holding `payload` (copied) and `atMs`; its seq and CRC are filled in by {@link sealFrame}.
 * From Node's Buffer pool (slices of a shared slab, as for any small Buffer): one typed array of its
 * own per record would be an off-heap allocation the GC must free, per reading.
 */
export function newFrame(payload: Uint8Array, atMs: number): Uint8Array {
  const frame = Buffer.allocUnsafe(RECORD_OVERHEAD_BYTES + payload.length);
  // Length, CRC and seq are written when the frame is sealed; zeroed until then.
  frame.fill(0, 0, FRAME_HEADER_BYTES + 8);
  frame.writeDoubleBE(atMs, FRAME_HEADER_BYTES + 8);
  frame.set(payload, RECORD_OVERHEAD_BYTES);
  return frame;
}

/** Writes `seq` into a frame from {@link newFrame} and seals it (length and CRC). */
export function sealFrame(frame: Uint8Array, seq: number): void {
  const at = FRAME_HEADER_BYTES;
  const hi = Math.floor(seq / TWO_32);
  const lo = seq >>> 0;
  frame[at] = hi >>> 24;
  frame[at + 1] = (hi >>> 16) & 0xff;
  frame[at + 2] = (hi >>> 8) & 0xff;
  frame[at + 3] = hi & 0xff;
  frame[at + 4] = lo >>> 24;
  frame[at + 5] = (lo >>> 16) & 0xff;
  frame[at + 6] = (lo >>> 8) & 0xff;
  frame[at + 7] = lo & 0xff;
  writeFrameHeader(frame);
}

export type RecordHeader =
  | { readonly ok: true; readonly seq: number; readonly atMs: number }
  | { readonly ok: false; readonly reason: string };

/** Reads seq and time of a record (a frame's payload); the data follows at {@link RECORD_HEADER_BYTES}. */
export function decodeRecordHeader(record: Uint8Array): RecordHeader {
  if (record.length < RECORD_HEADER_BYTES) {
    return {
      ok: false,
      reason: `record of ${record.length} bytes is shorter than its ${RECORD_HEADER_BYTES}-byte header`,
    };
  }
  const view = new DataView(record.buffer, record.byteOffset, RECORD_HEADER_BYTES);
  const seq = view.getUint32(0) * TWO_32 + view.getUint32(4);
  const atMs = view.getFloat64(8);
  if (seq < 1 || !Number.isSafeInteger(seq)) return { ok: false, reason: `record seq ${seq} out of range` };
  if (!Number.isFinite(atMs)) return { ok: false, reason: `record time ${atMs} is not finite` };
  return { ok: true, seq, atMs };
}
