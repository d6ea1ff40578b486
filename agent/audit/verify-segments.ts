/**
 * Verification of whole segment files, oldest first: framing (length, CRC, torn tail) and then the
 * chain (verify.ts). A torn tail is a problem here; the store cuts and reports it at its next open.
 */
import { type SegmentCorruption, scanSegment, type TornTail } from './frame.js';
import { createChainVerifier, type VerifyOptions, type VerifyProblem, type VerifyReport } from './verify.js';

export interface SegmentBytes {
  readonly num: number;
  readonly bytes: Uint8Array;
}

/** Frame-level damage, as a problem. */
function framingProblem(
  num: number,
  c: SegmentCorruption | null,
  t: TornTail | null,
  max: number,
): Omit<VerifyProblem, 'seq' | 'index'> | null {
  if (t !== null) {
    return {
      kind: 'torn-tail',
      segment: num,
      offset: t.offset,
      message: `segment ${num} ends in a torn tail at offset ${t.offset}: ${t.why}, ${t.lostBytes} bytes (${t.lostFrames} record(s)) not intact`,
    };
  }
  if (c === null) return null;
  const kind = c.kind === 'bad-crc' ? 'crc-mismatch' : 'bad-frame';
  return {
    kind,
    segment: num,
    offset: c.offset,
    message: `segment ${num}, frame ${c.frameIndex} at offset ${c.offset}: ${c.why} (frames are at most ${max} bytes)`,
  };
}

/**
 * Verifies whole segment files, oldest first: framing (CRC, torn tail) and then the chain. A torn
 * tail is a problem here; the store cuts it (and reports it) at its next open.
 */
export function verifySegments(
  segments: readonly SegmentBytes[],
  opts: VerifyOptions,
  maxRecordBytes = 64 * 1024,
): VerifyReport {
  const v = createChainVerifier(opts);
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (s === undefined) continue;
    const scan = scanSegment(s.bytes, i === segments.length - 1, maxRecordBytes);
    let isBad = false;
    for (const f of scan.frames) {
      if (v.push(f.payload, { segment: s.num, offset: f.offset }) !== null) {
        isBad = true;
        break;
      }
    }
    if (isBad) break;
    const p = framingProblem(s.num, scan.corruption, scan.tail, maxRecordBytes);
    if (p !== null) {
      v.fail(p);
      break;
    }
  }
  return v.finish();
}
