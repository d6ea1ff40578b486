/**
 * The open-time scan of an audit directory: every segment is read and its framing (length + CRC)
 * checked; the newest may end in a torn tail, which is reported (and cut by the store); any other
 * damage is corruption. The scan also builds the in-memory index the store reads by: per segment
 * its seq range and the offset of every `INDEX_STRIDE`-th frame.
 */
import { ZtgwError } from '../../modem/errors.js';
import { scanSegment, type TornTail } from './frame.js';
import { type AuditRecord, CHECKPOINT_EVENT, decodeRecord } from './record.js';
import { listSegments, readFileRange } from './segment-files.js';

/** Every how many frames an offset is kept, so a read by seq starts at most this many frames early. */
export const INDEX_STRIDE = 64;

export interface SegmentIndex {
  readonly num: number;
  readonly path: string;
  /** End of the good frames (the file is cut here if it had a torn tail). */
  readonly sizeBytes: number;
  /** 0 when the segment holds no record. */
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** offsets[k] is where frame k·INDEX_STRIDE starts. */
  readonly offsets: readonly number[];
}

export interface DirScan {
  readonly segments: readonly SegmentIndex[];
  /** The newest record, or null for an empty log. */
  readonly last: AuditRecord | null;
  /** Records after the newest checkpoint (counted back at most `lookBack` frames). */
  readonly sinceCheckpoint: number;
  /** A torn tail at the end of the newest segment, with the segment it is in. */
  readonly tail: (TornTail & { readonly num: number; readonly path: string }) | null;
}

function corrupt(path: string, why: string, details: Record<string, number | string>): ZtgwError {
  return new ZtgwError('AUDIT_CORRUPT', `audit segment ${path}: ${why}`, { path, ...details });
}

/**
 * Scans `dir`. Throws AUDIT_CORRUPT for damage that is not a torn tail (a bad frame in an older
 * segment or followed by good ones, a frame that does not decode as a record). `lookBack` bounds
 * the backwards walk that counts records since the last checkpoint.
 */
export async function scanAuditDir(dir: string, maxRecordBytes: number, lookBack: number): Promise<DirScan> {
  const files = await listSegments(dir);
  const segments: SegmentIndex[] = [];
  let last: AuditRecord | null = null;
  let tail: DirScan['tail'] = null;
  const newestPayloads: Uint8Array[][] = [];
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    if (f === undefined) continue;
    const isNewest = i === files.length - 1;
    const bytes = (await readFileRange(f.path)) ?? new Uint8Array(0);
    const scan = scanSegment(bytes, isNewest, maxRecordBytes);
    if (scan.corruption !== null) {
      throw corrupt(f.path, `${scan.corruption.why} (frame ${scan.corruption.frameIndex})`, {
        offset: scan.corruption.offset,
        frameIndex: scan.corruption.frameIndex,
      });
    }
    if (scan.tail !== null) tail = { ...scan.tail, num: f.num, path: f.path };
    const decode = (k: number): AuditRecord => {
      const fr = scan.frames[k];
      const r = fr === undefined ? null : decodeRecord(fr.payload);
      if (r === null || !r.ok) {
        throw corrupt(f.path, `frame ${k} is not an audit record: ${r === null ? 'missing' : r.reason}`, {
          frameIndex: k,
        });
      }
      return r.value;
    };
    const n = scan.frames.length;
    const first = n > 0 ? decode(0) : null;
    const end = n > 0 ? decode(n - 1) : null;
    if (end !== null) last = end;
    const offsets: number[] = [];
    for (let k = 0; k < n; k += INDEX_STRIDE) offsets.push(scan.frames[k]?.offset ?? 0);
    segments.push({
      num: f.num,
      path: f.path,
      sizeBytes: scan.goodBytes,
      firstSeq: first?.seq ?? 0,
      lastSeq: end?.seq ?? 0,
      offsets,
    });
    // Only the newest segments can hold records after the last checkpoint.
    newestPayloads.push(scan.frames.map((fr) => fr.payload));
    if (newestPayloads.length > 2) newestPayloads.shift();
  }
  return { segments, last, sinceCheckpoint: countSinceCheckpoint(newestPayloads.flat(), lookBack), tail };
}

function countSinceCheckpoint(payloads: readonly Uint8Array[], lookBack: number): number {
  let n = 0;
  for (let k = payloads.length - 1; k >= 0 && n < lookBack; k--) {
    const p = payloads[k];
    const r = p === undefined ? null : decodeRecord(p);
    if (r?.ok === true && r.value.ev === CHECKPOINT_EVENT) return n;
    n++;
  }
  return n;
}
