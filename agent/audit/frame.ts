/**
 * Segment file framing, pure. A segment is a header followed by frames:
 *
 *   header  "ZTGWAUD" 0x01                         8 bytes
 *   frame   u32 BE payload length | u32 BE CRC-32 | payload (one record, deterministic CBOR)
 *   pad     u32 BE 0x80000000 + n | u32 BE CRC-32 | n zero bytes (0 <= n <= 4096)
 *
 * A pad frame fills a write up to a page boundary, so that the next write starts on a fresh page
 * instead of rewriting the last one (agent/queue's commit alignment); a scan checks it like any
 * frame and skips it. CRC-32 is the IEEE 802.3 polynomial as in zlib (`node:zlib` crc32). The scan tells a torn tail
 * (the end of the newest segment: a partial frame, or a last frame whose CRC fails, with nothing
 * valid after it) from corruption (a bad frame followed by a valid one, or any bad frame in an
 * older, already sealed segment). A tail is what a crash leaves; corruption is not.
 */
import { crc32 } from 'node:zlib';

export const SEGMENT_MAGIC: Uint8Array = Uint8Array.from([0x5a, 0x54, 0x47, 0x57, 0x41, 0x55, 0x44, 0x01]);
export const SEGMENT_HEADER_BYTES = SEGMENT_MAGIC.length;
export const FRAME_HEADER_BYTES = 8;
/** Set in a pad frame's length field; the rest of the field is its payload length. */
const PAD_FLAG = 0x8000_0000;
/** Largest payload of a pad frame: one page. */
export const MAX_PAD_PAYLOAD_BYTES = 4096;

/** A pad frame of `totalBytes` in all (header included), from {@link FRAME_HEADER_BYTES} on. */
export function encodePad(totalBytes: number): Uint8Array {
  const n = totalBytes - FRAME_HEADER_BYTES;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAD_PAYLOAD_BYTES) {
    throw new RangeError(
      `pad of ${totalBytes} bytes: must be ${FRAME_HEADER_BYTES}–${FRAME_HEADER_BYTES + MAX_PAD_PAYLOAD_BYTES}`,
    );
  }
  const out = Buffer.alloc(totalBytes);
  out.writeUInt32BE(PAD_FLAG + n, 0);
  out.writeUInt32BE(crc32(out.subarray(FRAME_HEADER_BYTES)), 4);
  return out;
}

/** Frames one payload. */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  out.set(payload, FRAME_HEADER_BYTES);
  writeFrameHeader(out);
  return out;
}

/**
 * Fills in the length and CRC of `frame`, whose payload is already in place after the
 * {@link FRAME_HEADER_BYTES}-byte header: lets a caller build a frame in one buffer, without a copy.
 */
export function writeFrameHeader(frame: Uint8Array): void {
  const view = new DataView(frame.buffer, frame.byteOffset, FRAME_HEADER_BYTES);
  view.setUint32(0, frame.length - FRAME_HEADER_BYTES);
  view.setUint32(4, crc32(frame.subarray(FRAME_HEADER_BYTES)));
}

export interface ScannedFrame {
  /** Offset of the frame header in the segment. */
  readonly offset: number;
  readonly payload: Uint8Array;
}

/** The end of a segment that a crash left half written. */
export interface TornTail {
  /** Where the good part ends (the file is cut here). */
  readonly offset: number;
  readonly lostBytes: number;
  /** Frames started in the lost bytes (at least 1 when bytes were lost). */
  readonly lostFrames: number;
  readonly why: string;
}

export interface SegmentCorruption {
  readonly kind: 'bad-header' | 'bad-crc' | 'bad-length' | 'partial';
  readonly offset: number;
  /** Index of the bad frame in the segment. */
  readonly frameIndex: number;
  readonly why: string;
}

export interface SegmentScan {
  readonly frames: readonly ScannedFrame[];
  /** End of the last good frame (or of the header). */
  readonly goodBytes: number;
  readonly tail: TornTail | null;
  readonly corruption: SegmentCorruption | null;
}

interface FrameCheck {
  /** `pad`: an intact pad frame, to be skipped. */
  readonly status: 'ok' | 'pad' | 'partial' | 'bad-length' | 'bad-crc';
  readonly end: number;
}

/** The payload length a frame header declares, or null when it is out of range. */
function declaredLength(field: number, maxPayloadBytes: number): { len: number; isPad: boolean } | null {
  if (field >= PAD_FLAG) {
    const len = field - PAD_FLAG;
    return len <= MAX_PAD_PAYLOAD_BYTES ? { len, isPad: true } : null;
  }
  return field === 0 || field > maxPayloadBytes ? null : { len: field, isPad: false };
}

function checkFrame(bytes: Uint8Array, offset: number, maxPayloadBytes: number): FrameCheck {
  if (bytes.length - offset < FRAME_HEADER_BYTES) return { status: 'partial', end: bytes.length };
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, FRAME_HEADER_BYTES);
  const d = declaredLength(view.getUint32(0), maxPayloadBytes);
  if (d === null) return { status: 'bad-length', end: bytes.length };
  const end = offset + FRAME_HEADER_BYTES + d.len;
  if (end > bytes.length) return { status: 'partial', end: bytes.length };
  const crc = view.getUint32(4);
  if (crc32(bytes.subarray(offset + FRAME_HEADER_BYTES, end)) !== crc) return { status: 'bad-crc', end };
  return { status: d.isPad ? 'pad' : 'ok', end };
}

const WHY: Record<Exclude<FrameCheck['status'], 'ok' | 'pad'>, string> = {
  partial: 'partial frame',
  'bad-length': 'frame length out of range',
  'bad-crc': 'CRC mismatch',
};

/**
 * Scans one segment. `isNewest` says whether a bad end may be a torn tail (only the segment being
 * written can have one). `maxPayloadBytes` bounds a frame; a longer length field is damage.
 * `magic` is the header the segment must start with (the audit one unless another store's,
 * of the same length, is given).
 */
export function scanSegment(
  bytes: Uint8Array,
  isNewest: boolean,
  maxPayloadBytes: number,
  magic: Uint8Array = SEGMENT_MAGIC,
): SegmentScan {
  const frames: ScannedFrame[] = [];
  if (magic.length !== SEGMENT_HEADER_BYTES) {
    throw new TypeError(`segment magic must be ${SEGMENT_HEADER_BYTES} bytes, got ${magic.length}`);
  }
  if (bytes.length < SEGMENT_HEADER_BYTES) {
    // An empty file, or a header cut short: only the newest segment can be caught mid-creation.
    const isPrefix = Buffer.compare(bytes, magic.subarray(0, bytes.length)) === 0;
    if (isNewest && isPrefix) {
      const tail =
        bytes.length === 0
          ? null
          : { offset: 0, lostBytes: bytes.length, lostFrames: 0, why: 'partial segment header' };
      return { frames, goodBytes: 0, tail, corruption: null };
    }
    return {
      frames,
      goodBytes: 0,
      tail: null,
      corruption: { kind: 'bad-header', offset: 0, frameIndex: -1, why: 'short segment header' },
    };
  }
  if (Buffer.compare(bytes.subarray(0, SEGMENT_HEADER_BYTES), magic) !== 0) {
    return {
      frames,
      goodBytes: 0,
      tail: null,
      corruption: {
        kind: 'bad-header',
        offset: 0,
        frameIndex: -1,
        why: magic === SEGMENT_MAGIC ? 'not a ztgw audit segment (bad header)' : 'bad segment header',
      },
    };
  }
  let offset = SEGMENT_HEADER_BYTES;
  while (offset < bytes.length) {
    const c = checkFrame(bytes, offset, maxPayloadBytes);
    if (c.status === 'ok')
      frames.push({ offset, payload: bytes.subarray(offset + FRAME_HEADER_BYTES, c.end) });
    if (c.status === 'ok' || c.status === 'pad') {
      offset = c.end;
      continue;
    }
    const why = `${WHY[c.status]} at offset ${offset}`;
    const after =
      c.status === 'bad-crc' ? findValidAfter(bytes, c.end, maxPayloadBytes) : { valid: false, frames: 0 };
    if (isNewest && !after.valid) {
      return {
        frames,
        goodBytes: offset,
        tail: { offset, lostBytes: bytes.length - offset, lostFrames: 1 + after.frames, why },
        corruption: null,
      };
    }
    return {
      frames,
      goodBytes: offset,
      tail: null,
      corruption: { kind: c.status, offset, frameIndex: frames.length, why },
    };
  }
  return { frames, goodBytes: offset, tail: null, corruption: null };
}

/** Walks the frame headers after a bad frame: is any later frame intact (so the damage is inside)? */
function findValidAfter(
  bytes: Uint8Array,
  from: number,
  maxPayloadBytes: number,
): { valid: boolean; frames: number } {
  let offset = from;
  let frames = 0;
  while (offset < bytes.length) {
    const c = checkFrame(bytes, offset, maxPayloadBytes);
    if (c.status === 'ok' || c.status === 'pad') return { valid: true, frames };
    frames++;
    if (c.status !== 'bad-crc') break;
    offset = c.end;
  }
  return { valid: false, frames };
}

/**
 * The complete, intact frames at the start of `bytes` (a slice that begins on a frame boundary):
 * returns them, where they stop, and the header-declared size of the next frame when it is
 * incomplete (so a reader can fetch exactly that much). A bad frame stops the walk with a reason.
 */
export function readFrames(
  bytes: Uint8Array,
  maxPayloadBytes: number,
): { frames: ScannedFrame[]; endBytes: number; nextFrameBytes: number | null; bad: string | null } {
  const frames: ScannedFrame[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const c = checkFrame(bytes, offset, maxPayloadBytes);
    if (c.status === 'ok')
      frames.push({ offset, payload: bytes.subarray(offset + FRAME_HEADER_BYTES, c.end) });
    if (c.status === 'ok' || c.status === 'pad') {
      offset = c.end;
      continue;
    }
    if (c.status === 'partial') {
      const hasHeader = bytes.length - offset >= FRAME_HEADER_BYTES;
      const field = hasHeader ? new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0) : null;
      const d = field === null ? null : declaredLength(field, maxPayloadBytes);
      return {
        frames,
        endBytes: offset,
        nextFrameBytes: d === null ? null : FRAME_HEADER_BYTES + d.len,
        bad: null,
      };
    }
    return { frames, endBytes: offset, nextFrameBytes: null, bad: `${WHY[c.status]} at offset ${offset}` };
  }
  return { frames, endBytes: offset, nextFrameBytes: null, bad: null };
}
