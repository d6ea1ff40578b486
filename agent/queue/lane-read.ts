/**
 * read() of one lane: from the tail cache when it holds the wanted seq, else from the segment
 * files, fetching exactly the frames that fit the limits (the table knows every frame's offset),
 * then on from the cache where it begins. Frames read back are checked again (CRC, seq): a segment
 * found damaged now is handed to `onDamaged` and the read goes on after it.
 */
import { join } from 'node:path';
import { readFrames } from '../audit/frame.js';
import { segmentName } from '../audit/segment-files.js';
import type { JournalIo } from './journal-io.js';
import { decodeRecordHeader, RECORD_HEADER_BYTES, RECORD_OVERHEAD_BYTES } from './journal-record.js';
import type { JournalRecord, Lane } from './journal-types.js';
import type { LaneSegment, LaneTable } from './lane-table.js';
import type { TailCache } from './tail-cache.js';

export interface LaneReadDeps {
  readonly lane: Lane;
  readonly dir: string;
  readonly io: JournalIo;
  readonly table: LaneTable;
  readonly cache: TailCache;
  readonly maxRecordBytes: number;
  readonly onDamaged: (seg: LaneSegment, why: string) => Promise<void>;
}

/** Checks the frames read for segment frames `[k, k + n)` and turns them into records. */
function toRecords(
  d: LaneReadDeps,
  seg: LaneSegment,
  k: number,
  n: number,
  bytes: Uint8Array,
): { ok: true; recs: JournalRecord[] } | { ok: false; why: string } {
  const r = readFrames(bytes, d.maxRecordBytes + RECORD_HEADER_BYTES);
  if (r.bad !== null) return { ok: false, why: r.bad };
  if (r.frames.length !== n) return { ok: false, why: `${r.frames.length} frames where ${n} were written` };
  const recs: JournalRecord[] = [];
  for (let i = 0; i < n; i++) {
    const f = r.frames[i];
    if (f === undefined) return { ok: false, why: 'frame missing' };
    const h = decodeRecordHeader(f.payload);
    const seq = seg.firstSeq + k + i;
    if (!h.ok) return { ok: false, why: h.reason };
    if (h.seq !== seq) return { ok: false, why: `seq ${h.seq} where ${seq} was written` };
    recs.push({ lane: d.lane, seq, atMs: h.atMs, payload: f.payload.subarray(RECORD_HEADER_BYTES) });
  }
  return { ok: true, recs };
}

/** Durable records of the lane after `afterSeq`, within the limits (at least one if any). */
export async function readLane(
  d: LaneReadDeps,
  afterSeq: number,
  maxRecords: number,
  maxBytes: number,
): Promise<JournalRecord[]> {
  const out: JournalRecord[] = [];
  let bytes = 0;
  let next = afterSeq + 1;
  while (out.length < maxRecords && next <= d.table.lastSeq) {
    if (d.cache.collect(next, out, maxRecords, maxBytes, bytes)) break;
    const seg = d.table.locate(next);
    if (seg === null) break;
    if (next < seg.firstSeq) {
      // Evicted records: go on with the oldest held, which may well be in the cache.
      next = seg.firstSeq;
      continue;
    }
    const k = next - seg.firstSeq;
    const cacheFirst = d.cache.size > 0 ? d.cache.firstSeq() : Number.POSITIVE_INFINITY;
    let j = k;
    let wanted = bytes;
    let isFull = false;
    while (j < seg.durableCount && out.length + (j - k) < maxRecords && seg.firstSeq + j < cacheFirst) {
      const len = d.table.endOf(seg, j) - (seg.starts[j] ?? 0) - RECORD_OVERHEAD_BYTES;
      if (out.length + (j - k) > 0 && wanted + len > maxBytes) {
        isFull = true;
        break;
      }
      wanted += len;
      j++;
    }
    if (j === k) break;
    const from = seg.starts[k] ?? 0;
    const to = d.table.endOf(seg, j - 1);
    const buf = await d.io.readRange(join(d.dir, segmentName(seg.num)), from, to);
    if (buf === null || buf.length < to - from) {
      // Deleted (evicted) while this read waited: go on after it.
      next = Math.max(next, d.table.lastSeqOf(seg) + 1);
      continue;
    }
    const got = toRecords(d, seg, k, j - k, buf);
    if (!got.ok) {
      await d.onDamaged(seg, `frames from offset ${from}: ${got.why}`);
      next = Math.max(next, d.table.lastSeqOf(seg) + 1);
      continue;
    }
    for (const r of got.recs) out.push(r);
    bytes = wanted;
    next = seg.firstSeq + j;
    if (isFull) break;
  }
  return out;
}
