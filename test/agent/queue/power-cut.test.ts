/**
 * Power cut simulation. The journal runs on real files through a file layer that records every
 * write, fsync, directory fsync, creation and removal of a segment, and when each append resolved.
 * The run is recorded twice, without commit padding and with commits padded to 512-byte pages (a pad
 * frame ends most commits, so cuts land in and around pads). For each of 240 seeded random cut points
 * per run the disk after the cut is built from that record: per
 * file the content as of its last fsync, then a random part of what was written since, the last of
 * it torn (cut short, garbage or zeros after it); a file created or removed since the last
 * directory fsync may or may not be there. The journal is opened on that disk (real files, real
 * file layer): every record whose append had resolved must be there, intact and in order, nothing
 * may be there that was not appended, a torn tail must be reported with its exact size, nothing
 * set aside, and the next append must get the next seq.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { crc32 } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  JOURNAL_MAGIC,
  type Journal,
  type JournalIo,
  type Lane,
  NODE_JOURNAL_IO,
} from '../../../agent/queue/index.js';
import { between, open, readAll, seeded, T0, withTempDir } from './journal-kit.js';

const CUTS = 240;
const SECTOR = 512;
const MAX_RECORD = 400;
const APPENDS = 800;

type Op =
  | { readonly kind: 'create' | 'trunc0' | 'sync' | 'unlink'; readonly path: string }
  | { readonly kind: 'write'; readonly path: string; readonly position: number; readonly bytes: Uint8Array }
  | { readonly kind: 'truncate'; readonly path: string; readonly length: number }
  | { readonly kind: 'syncDir'; readonly dir: string };

const isSegment = (path: string): boolean => path.endsWith('.seg');

/** The real file layer, logging what happened to segment files (after it happened). */
function recordingIo(ops: Op[]): JournalIo {
  const known = new Set<string>();
  return {
    ...NODE_JOURNAL_IO,
    open: async (path, flags, mode) => {
      const h = await NODE_JOURNAL_IO.open(path, flags, mode);
      if (isSegment(path) && flags !== 'r+') ops.push({ kind: known.has(path) ? 'trunc0' : 'create', path });
      known.add(path);
      return {
        write: async (data, offset, length, position) => {
          const r = await h.write(data, offset, length, position);
          if (isSegment(path)) {
            ops.push({ kind: 'write', path, position, bytes: data.slice(offset, offset + r.bytesWritten) });
          }
          return r;
        },
        sync: async () => {
          await h.sync();
          if (isSegment(path)) ops.push({ kind: 'sync', path });
        },
        close: () => h.close(),
      };
    },
    fsyncDir: async (dir) => {
      await NODE_JOURNAL_IO.fsyncDir(dir);
      ops.push({ kind: 'syncDir', dir });
    },
    unlink: async (path) => {
      await NODE_JOURNAL_IO.unlink(path);
      if (isSegment(path)) ops.push({ kind: 'unlink', path });
    },
    truncate: async (path, length) => {
      await NODE_JOURNAL_IO.truncate(path, length);
      if (isSegment(path)) ops.push({ kind: 'truncate', path, length });
    },
  };
}

interface FileModel {
  cur: Uint8Array;
  durable: Uint8Array;
  unsynced: Op[];
  isLinked: boolean;
  isLinkDurable: boolean;
}

function put(into: Uint8Array, at: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.max(into.length, at + bytes.length));
  out.set(into);
  out.set(bytes, at);
  return out;
}

/** The files (path → bytes) on the disk after a cut before op `k`. */
function diskAfterCut(ops: readonly Op[], k: number, rnd: () => number): Map<string, Uint8Array> {
  const files = new Map<string, FileModel>();
  for (const op of ops.slice(0, k)) {
    if (op.kind === 'syncDir') {
      for (const [p, f] of files) if (dirname(p) === op.dir) f.isLinkDurable = f.isLinked;
      continue;
    }
    const f = files.get(op.path);
    if (op.kind === 'create') {
      files.set(op.path, {
        cur: new Uint8Array(0),
        durable: new Uint8Array(0),
        unsynced: [],
        isLinked: true,
        isLinkDurable: false,
      });
    } else if (f === undefined) {
      throw new Error(`${op.kind} of unknown ${op.path}`);
    } else if (op.kind === 'unlink') {
      f.isLinked = false;
    } else if (op.kind === 'sync') {
      f.durable = f.cur;
      f.unsynced = [];
    } else if (op.kind === 'truncate') {
      f.cur = f.cur.slice(0, op.length);
      f.durable = f.cur;
      f.unsynced = [];
    } else if (op.kind === 'trunc0') {
      f.cur = new Uint8Array(0);
      f.unsynced.push(op);
    } else if (op.kind === 'write') {
      f.cur = put(f.cur, op.position, op.bytes);
      f.unsynced.push(op);
    }
  }
  const out = new Map<string, Uint8Array>();
  for (const [path, f] of files) {
    const isThere = f.isLinked === f.isLinkDurable ? f.isLinked : rnd() < 0.5;
    if (!isThere) continue;
    let bytes = f.durable;
    // Mostly some of what was written since the last fsync made it, sometimes none of it.
    const applied = rnd() < 0.8 ? between(rnd, Math.min(1, f.unsynced.length), f.unsynced.length) : 0;
    for (let i = 0; i < applied; i++) {
      const op = f.unsynced[i];
      if (op === undefined) break;
      if (op.kind === 'trunc0') bytes = new Uint8Array(0);
      if (op.kind !== 'write') continue;
      if (i < applied - 1 || rnd() < 0.3) {
        bytes = put(bytes, op.position, op.bytes);
        continue;
      }
      // The last write reached the disk only in part; the rest of its sector holds what it will.
      const kept = between(rnd, 0, op.bytes.length - 1);
      bytes = put(bytes, op.position, op.bytes.subarray(0, kept));
      const end = op.position + kept;
      const room = SECTOR - (end % SECTOR);
      // Garbage (40 %), zeros (40 %) or nothing (20 %) after the part that made it.
      const kind = rnd();
      const junk = new Uint8Array(kind < 0.8 ? between(rnd, 0, room) : 0);
      if (kind < 0.4) for (let j = 0; j < junk.length; j++) junk[j] = between(rnd, 0, 255);
      bytes = put(bytes, end, junk);
    }
    out.set(path, bytes);
  }
  return out;
}

/** Where the intact frames of a segment end (0 when its header is not whole), read independently. */
function goodEnd(bytes: Uint8Array): number {
  if (bytes.length < 8 || Buffer.compare(bytes.subarray(0, 8), JOURNAL_MAGIC) !== 0) return 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let at = 8;
  while (at + 8 <= bytes.length) {
    const field = view.getUint32(at);
    // A pad frame: length field 0x80000000 + n, n zero bytes under its CRC.
    const isPad = field >= 0x8000_0000;
    const len = isPad ? field - 0x8000_0000 : field;
    if (isPad ? len > 4096 : len < 16 || len > MAX_RECORD + 16) break;
    if (at + 8 + len > bytes.length) break;
    if (crc32(bytes.subarray(at + 8, at + 8 + len)) !== view.getUint32(at + 4)) break;
    at += 8 + len;
  }
  return at;
}

interface Appended {
  readonly lane: Lane;
  readonly seq: number;
  readonly atMs: number;
  readonly payload: Uint8Array;
  readonly resolvedAtOp: number;
}

const LANES_USED: readonly Lane[] = ['alert', 'telemetry'];

/** One recorded run: bursts of appends of random sizes on two lanes, small segments. */
async function recordRun(
  dir: string,
  rnd: () => number,
  commitAlignBytes: number,
): Promise<{ ops: Op[]; appended: Appended[]; pads: number }> {
  const ops: Op[] = [];
  const appended: Appended[] = [];
  const { journal } = await open(dir, {
    io: recordingIo(ops),
    segmentBytes: 4096,
    groupCommitMs: 1,
    maxRecordBytes: MAX_RECORD,
    commitAlignBytes,
  });
  let i = 0;
  while (i < APPENDS) {
    const burst: Promise<void>[] = [];
    for (let b = between(rnd, 1, 60); b > 0; b--, i++) {
      const lane = rnd() < 0.2 ? 'alert' : 'telemetry';
      const payload = new Uint8Array(between(rnd, 1, MAX_RECORD));
      for (let j = 0; j < payload.length; j++) payload[j] = (i + j) & 255;
      const atMs = T0 + i;
      burst.push(
        journal.append(lane, payload, atMs).then((seq) => {
          appended.push({ lane, seq, atMs, payload, resolvedAtOp: ops.length });
        }),
      );
    }
    await (rnd() < 0.5 ? Promise.all(burst) : burst[0]);
  }
  await journal.close();
  // Pads seen in what was written: a write whose bytes hold a pad frame's length field at a frame start.
  let pads = 0;
  for (const op of ops) if (op.kind === 'write') pads += countPads(op.bytes);
  return { ops, appended, pads };
}

/** Pad frames among the frames of one write (which starts on a frame boundary or at the header). */
function countPads(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let at = bytes.length >= 8 && Buffer.compare(bytes.subarray(0, 8), JOURNAL_MAGIC) === 0 ? 8 : 0;
  let n = 0;
  while (at + 8 <= bytes.length) {
    const field = view.getUint32(at);
    if (field >= 0x8000_0000) n++;
    at += 8 + (field >= 0x8000_0000 ? field - 0x8000_0000 : field);
  }
  return n;
}

async function checkCut(
  journal: Journal,
  lane: Lane,
  appended: readonly Appended[],
  k: number,
): Promise<number> {
  const bySeq = new Map(appended.filter((a) => a.lane === lane).map((a) => [a.seq, a]));
  const recs = await readAll(journal, lane);
  let prev = 0;
  for (const r of recs) {
    const a = bySeq.get(r.seq);
    assert.ok(r.seq > prev, `cut ${k} ${lane}: seq ${r.seq} after ${prev}`);
    // Records that were written but not yet resolved may survive; they were appended all the same.
    assert.ok(a !== undefined, `cut ${k} ${lane}: seq ${r.seq} was never appended`);
    assert.is(Buffer.compare(r.payload, a.payload), 0, `cut ${k} ${lane}: payload of seq ${r.seq}`);
    assert.is(r.atMs, a.atMs);
    prev = r.seq;
  }
  const held = new Set(recs.map((r) => r.seq));
  for (const a of bySeq.values()) {
    if (a.resolvedAtOp <= k) assert.ok(held.has(a.seq), `cut ${k} ${lane}: resolved seq ${a.seq} lost`);
  }
  return prev;
}

for (const align of [0, 512]) {
  const what = align === 0 ? 'no commit padding' : `commits padded to ${align} B`;
  test(`${what}: ${CUTS} seeded power cuts, every resolved append survives, torn tails are exact`, () =>
    cutRun(align));
}

async function cutRun(align: number): Promise<void> {
  const rnd = seeded(20261201 + align);
  await withTempDir(async (root) => {
    const { ops, appended, pads } = await recordRun(join(root, 'run'), rnd, align);
    assert.ok(ops.length > 300, `only ${ops.length} file operations recorded`);
    if (align === 0) assert.is(pads, 0, 'pads written with padding off');
    else assert.ok(pads >= 20, `only ${pads} pad frames written`);
    let tailsSeen = 0;
    for (let c = 0; c < CUTS; c++) {
      const k = between(rnd, 0, ops.length);
      const disk = diskAfterCut(ops, k, rnd);
      const dir = join(root, `cut-${c}`);
      for (const lane of ['alert', 'audit', 'telemetry']) await mkdir(join(dir, lane), { recursive: true });
      const expectedTail = new Map<string, { segment: string; bytes: number }>();
      for (const [path, bytes] of disk) {
        const rel = relative(join(root, 'run'), path);
        await writeFile(join(dir, rel), bytes);
        const lane = basename(dirname(path));
        const prev = expectedTail.get(lane);
        if (prev === undefined || prev.segment < basename(path)) {
          expectedTail.set(lane, { segment: basename(path), bytes: bytes.length - goodEnd(bytes) });
        }
      }
      const { journal, report } = await open(dir, {
        maxRecordBytes: MAX_RECORD,
        segmentBytes: 4096,
        groupCommitMs: 0,
      });
      try {
        assert.equal(report.setAside, [], `cut ${k}: nothing is damage`);
        for (const lane of LANES_USED) {
          const last = await checkCut(journal, lane, appended, k);
          const want = expectedTail.get(lane);
          const got = report.tails.filter((t) => t.lane === lane).map((t) => [t.segment, t.bytes]);
          assert.equal(
            got,
            want === undefined || want.bytes === 0 ? [] : [[want.segment, want.bytes]],
            `cut ${k} ${lane} tail`,
          );
          if (got.length > 0) tailsSeen++;
          assert.is(await journal.append(lane, Uint8Array.of(1), T0), last + 1, `cut ${k} ${lane}: next seq`);
        }
      } finally {
        await journal.close();
      }
    }
    assert.ok(tailsSeen >= CUTS / 10, `only ${tailsSeen} torn tails in ${CUTS} cuts`);
  });
}

test.run();
