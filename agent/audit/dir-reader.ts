/**
 * A read-only view of an audit directory, for the CLI and for operator tools: it never takes the
 * lock, never cuts a tail and never writes, so it is safe beside a running agent. A torn or
 * half-written end of the newest segment is simply not read (yet).
 */
import { ZtgwError } from '../../modem/errors.js';
import { FRAME_HEADER_BYTES, SEGMENT_HEADER_BYTES, scanSegment } from './frame.js';
import { listSegments, readFileRange } from './segment-files.js';
import { decodeStored, readSegmentFrames } from './segment-reader.js';
import type { StoredRecord } from './store-types.js';
import type { SegmentBytes } from './verify-segments.js';

/** Default largest frame payload, as the store writes them. */
const MAX_RECORD_BYTES = 64 * 1024;

/** The whole segment files, oldest first (for verifySegments). */
export async function readAuditSegments(dir: string): Promise<SegmentBytes[]> {
  const out: SegmentBytes[] = [];
  for (const f of await listSegments(dir)) {
    const bytes = await readFileRange(f.path);
    if (bytes !== null) out.push({ num: f.num, bytes });
  }
  return out;
}

/** Records from `fromSeq` on, oldest first. Damage other than an unfinished end is AUDIT_CORRUPT. */
export async function* readAuditEntries(
  dir: string,
  fromSeq = 1,
  maxRecordBytes = MAX_RECORD_BYTES,
): AsyncGenerator<StoredRecord> {
  const files = await listSegments(dir);
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    if (f === undefined) continue;
    const bytes = await readFileRange(f.path);
    if (bytes === null) continue;
    const scan = scanSegment(bytes, i === files.length - 1, maxRecordBytes);
    if (scan.corruption !== null) {
      throw new ZtgwError('AUDIT_CORRUPT', `${f.path}: ${scan.corruption.why}`, {
        path: f.path,
        offset: scan.corruption.offset,
      });
    }
    for (const fr of scan.frames) {
      const e = decodeStored(fr.payload, `${f.path}@${fr.offset}`);
      if (e.record.seq >= fromSeq) yield e;
    }
  }
}

/** Where a follower has read to. */
export interface FollowCursor {
  readonly num: number;
  readonly offset: number;
}

/**
 * Reads what was appended since `cursor` (null: from the end of the newest segment as of now), and
 * returns the new cursor. Call it on a timer to follow a live log.
 */
export async function readAuditSince(
  dir: string,
  cursor: FollowCursor | null,
  onRecord: (e: StoredRecord) => void,
  maxRecordBytes = MAX_RECORD_BYTES,
): Promise<FollowCursor> {
  const files = await listSegments(dir);
  const newest = files.at(-1);
  if (newest === undefined) return cursor ?? { num: 0, offset: 0 };
  if (cursor === null) {
    const bytes = (await readFileRange(newest.path)) ?? new Uint8Array(0);
    return { num: newest.num, offset: scanSegment(bytes, true, maxRecordBytes).goodBytes };
  }
  let at = cursor;
  for (const f of files) {
    if (f.num < at.num) continue;
    const from = f.num === at.num ? at.offset : SEGMENT_HEADER_BYTES;
    let offset = from;
    for await (const fr of readSegmentFrames(f.path, from, Number.MAX_SAFE_INTEGER, maxRecordBytes)) {
      onRecord(decodeStored(fr.payload, `${f.path}@${fr.offset}`));
      offset = fr.offset + FRAME_HEADER_BYTES + fr.payload.length;
    }
    at = { num: f.num, offset };
  }
  return at;
}
