/**
 * The open-time scan of one lane directory. Every segment is read and checked (length, CRC, seq
 * order); a torn tail of the newest segment is cut and reported; a damaged segment is set aside
 * (renamed to `<name>.corrupt`, reported) and the scan goes on: the journal never refuses to start
 * over its own files.
 */
import { join } from 'node:path';
import { FRAME_HEADER_BYTES, readFrames, SEGMENT_HEADER_BYTES, scanSegment } from '../audit/frame.js';
import { segmentName } from '../audit/segment-files.js';
import type { JournalIo } from './journal-io.js';
import { decodeRecordHeader, JOURNAL_MAGIC, RECORD_HEADER_BYTES } from './journal-record.js';
import type { Lane, SetAsideReport, TailCutReport } from './journal-types.js';
import { type LaneSegment, type ScannedFrameSpan, scannedSegment } from './lane-table.js';

const SEGMENT_FILE = /^(\d{6,})\.seg$/;

export interface LaneScan {
  readonly segments: LaneSegment[];
  /** Highest segment number seen (set-aside ones included), 0 for none. */
  readonly highestNum: number;
  readonly tails: TailCutReport[];
  readonly setAside: SetAsideReport[];
}

type Checked =
  | { readonly kind: 'ok'; readonly seg: LaneSegment; readonly tail: TailCutReport | null }
  | { readonly kind: 'empty' }
  | { readonly kind: 'bad'; readonly why: string };

/** Checks one segment's bytes; `prevLastSeq` is the last seq of the segment before it. */
function checkSegment(
  lane: Lane,
  num: number,
  bytes: Uint8Array,
  isNewest: boolean,
  maxRecordBytes: number,
  prevLastSeq: number,
): Checked {
  const maxPayload = maxRecordBytes + RECORD_HEADER_BYTES;
  const scan = scanSegment(bytes, isNewest, maxPayload, JOURNAL_MAGIC);
  let tail: TailCutReport | null = null;
  if (scan.tail !== null) {
    const t = scan.tail;
    tail = {
      lane,
      segment: segmentName(num),
      offset: t.offset,
      bytes: t.lostBytes,
      frames: t.lostFrames,
      why: t.why,
    };
  }
  if (scan.corruption !== null) {
    // A newest segment whose header was never completely written (garbage where it should be, and
    // no intact frame after it) is a torn creation, not damage: nothing in it was ever durable.
    const after = bytes.subarray(Math.min(bytes.length, SEGMENT_HEADER_BYTES));
    const isTornCreation =
      isNewest && scan.corruption.kind === 'bad-header' && readFrames(after, maxPayload).frames.length === 0;
    if (!isTornCreation) return { kind: 'bad', why: scan.corruption.why };
    const why = `torn segment header (${scan.corruption.why})`;
    return {
      kind: 'ok',
      seg: scannedSegment(num, 0, [], 0, Infinity, -Infinity),
      tail: tailAt0(lane, num, bytes, why),
    };
  }
  const spans: ScannedFrameSpan[] = [];
  let firstSeq = 0;
  let minAtMs = Number.POSITIVE_INFINITY;
  let maxAtMs = Number.NEGATIVE_INFINITY;
  for (const f of scan.frames) {
    const h = decodeRecordHeader(f.payload);
    if (!h.ok) return { kind: 'bad', why: `frame at offset ${f.offset}: ${h.reason}` };
    const expected = spans.length === 0 ? null : firstSeq + spans.length;
    if (expected === null && h.seq <= prevLastSeq) {
      return { kind: 'bad', why: `seq ${h.seq} at offset ${f.offset} does not follow ${prevLastSeq}` };
    }
    if (expected !== null && h.seq !== expected) {
      return { kind: 'bad', why: `seq ${h.seq} at offset ${f.offset}, expected ${expected}` };
    }
    if (spans.length === 0) firstSeq = h.seq;
    spans.push({ offset: f.offset, bytes: FRAME_HEADER_BYTES + f.payload.length });
    if (h.atMs < minAtMs) minAtMs = h.atMs;
    if (h.atMs > maxAtMs) maxAtMs = h.atMs;
  }
  if (spans.length === 0 && !isNewest) return { kind: 'empty' };
  return { kind: 'ok', seg: scannedSegment(num, firstSeq, spans, scan.goodBytes, minAtMs, maxAtMs), tail };
}

function tailAt0(lane: Lane, num: number, bytes: Uint8Array, why: string): TailCutReport {
  return { lane, segment: segmentName(num), offset: 0, bytes: bytes.length, frames: 0, why };
}

/** A name for a damaged segment beside the others that the scan will not pick up again. */
async function setAsideName(io: JournalIo, dir: string, name: string): Promise<string> {
  const names = new Set(await io.readdir(dir));
  for (let i = 0; ; i++) {
    const candidate = i === 0 ? `${name}.corrupt` : `${name}.${i}.corrupt`;
    if (!names.has(candidate)) return candidate;
  }
}

/** Scans, cuts and sets aside in `dir` (which exists). */
export async function scanLane(
  io: JournalIo,
  lane: Lane,
  dir: string,
  maxRecordBytes: number,
): Promise<LaneScan> {
  const files: number[] = [];
  for (const name of await io.readdir(dir)) {
    const m = SEGMENT_FILE.exec(name);
    if (m?.[1] !== undefined) files.push(Number.parseInt(m[1], 10));
  }
  files.sort((a, b) => a - b);
  const out: LaneScan = { segments: [], highestNum: files.at(-1) ?? 0, tails: [], setAside: [] };
  let isDirDirty = false;
  for (let i = 0; i < files.length; i++) {
    const num = files[i] ?? 0;
    const name = segmentName(num);
    const path = join(dir, name);
    const bytes = (await io.readRange(path, 0, null)) ?? new Uint8Array(0);
    const prev = out.segments.at(-1);
    const prevLast = prev === undefined ? 0 : prev.firstSeq + prev.durableCount - 1;
    const c = checkSegment(lane, num, bytes, i === files.length - 1, maxRecordBytes, Math.max(prevLast, 0));
    if (c.kind === 'empty') {
      // An older segment with no record holds nothing to keep.
      await io.unlink(path);
      isDirDirty = true;
      continue;
    }
    if (c.kind === 'bad') {
      const movedTo = await setAsideName(io, dir, name);
      await io.rename(path, join(dir, movedTo));
      isDirDirty = true;
      out.setAside.push({ lane, segment: name, movedTo, why: c.why });
      continue;
    }
    if (c.tail !== null) {
      await io.truncate(path, c.tail.offset);
      out.tails.push(c.tail);
    }
    out.segments.push(c.seg);
  }
  if (isDirDirty) await io.fsyncDir(dir);
  return out;
}
