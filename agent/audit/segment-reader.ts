/**
 * Reads frames from one segment file between two offsets, in bounded chunks, so that shipping a
 * batch of a hundred records does not read a whole megabyte segment.
 */

import { join } from 'node:path';
import { ZtgwError } from '../../modem/errors.js';
import { readFrames } from './frame.js';
import { decodeRecord } from './record.js';
import { readFileRange, segmentName } from './segment-files.js';
import type { SegmentTable } from './segment-table.js';
import type { StoredRecord } from './store-types.js';

/** Bytes read per chunk (a frame larger than this is read whole). */
export const READ_CHUNK_BYTES = 64 * 1024;

export interface FrameAt {
  /** Offset of the frame header in the segment file. */
  readonly offset: number;
  readonly payload: Uint8Array;
}

/**
 * Frames from `fromOffset` (a frame boundary) up to `toOffset` (a frame boundary, e.g. the durable
 * end). Ends early, silently, when the file is gone (evicted meanwhile) or shorter than expected
 * (the unwritten end of a live segment); throws AUDIT_CORRUPT on a damaged frame.
 */
export async function* readSegmentFrames(
  path: string,
  fromOffset: number,
  toOffset: number,
  maxRecordBytes: number,
): AsyncGenerator<FrameAt> {
  let offset = fromOffset;
  let want = READ_CHUNK_BYTES;
  while (offset < toOffset) {
    const end = Math.min(toOffset, offset + want);
    const bytes = await readFileRange(path, offset, end);
    if (bytes === null || bytes.length === 0) return;
    const r = readFrames(bytes, maxRecordBytes);
    if (r.bad !== null) {
      const at = offset + r.endBytes;
      throw new ZtgwError('AUDIT_CORRUPT', `${path}: damaged frame at offset ${at} (${r.bad} of the chunk)`, {
        path,
        offset: at,
      });
    }
    for (const f of r.frames) yield { offset: offset + f.offset, payload: f.payload };
    if (r.endBytes === 0) {
      // The next frame is longer than the chunk: read exactly it; if even that is short, stop.
      if (r.nextFrameBytes === null || r.nextFrameBytes <= want || bytes.length < end - offset) return;
      want = r.nextFrameBytes;
      continue;
    }
    want = READ_CHUNK_BYTES;
    offset += r.endBytes;
  }
}

/** Decodes a stored frame payload; a payload that is no record is corruption. */
export function decodeStored(payload: Uint8Array, where: string): StoredRecord {
  const r = decodeRecord(payload);
  if (!r.ok)
    throw new ZtgwError('AUDIT_CORRUPT', `${where}: stored frame is not an audit record: ${r.reason}`);
  return { record: r.value, bytes: payload };
}

/**
 * Durable records of a store from `fromSeq` on, found through its segment table: from the indexed
 * frame at or before `fromSeq`, up to each segment's durable end, while `headSeq()` reaches further.
 */
export async function* readTableEntries(
  dir: string,
  table: SegmentTable,
  headSeq: () => number,
  maxRecordBytes: number,
  fromSeq: number,
): AsyncGenerator<StoredRecord> {
  let next = Math.max(1, fromSeq);
  while (next <= headSeq()) {
    const at = table.locate(next);
    if (at === null) return;
    next = at.fromSeq;
    const path = join(dir, segmentName(at.num));
    for await (const f of readSegmentFrames(path, at.fromBytes, at.toBytes, maxRecordBytes)) {
      const r = decodeStored(f.payload, `${path}@${f.offset}`);
      if (r.record.seq < next) continue;
      yield r;
      next = r.record.seq + 1;
    }
    // Evicted while being read, or shorter than indexed: go on after what the index promised.
    if (next <= at.lastSeq) next = at.lastSeq + 1;
  }
}
