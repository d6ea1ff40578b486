/**
 * The journal's file layer: every segment operation goes through {@link JournalIo}, whose real
 * implementation is node:fs/promises. A test puts a recorder in between to learn what was written
 * and what was fsynced; the journal itself wraps it to count bytes and fsyncs.
 */
import { mkdir, open, readdir, rename } from 'node:fs/promises';
import { errnoCode } from '../audit/segment-files.js';
import { NODE_SEGMENT_IO, type SegmentHandle, type SegmentIo } from '../audit/segment-writer.js';

export interface JournalIo extends SegmentIo {
  /** mkdir -p with `mode` for the directories it creates. */
  mkdir(dir: string, mode: number): Promise<void>;
  /** Names in `dir`; a missing directory has none. */
  readdir(dir: string): Promise<string[]>;
  /** Bytes `[fromByte, toByte)` of a file (to its end when `toByte` is null); null when it is gone. */
  readRange(path: string, fromByte: number, toByte: number | null): Promise<Uint8Array | null>;
  /** Cuts a file to `lengthBytes` and fsyncs it; a missing file is left missing. */
  truncate(path: string, lengthBytes: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

async function readRange(path: string, fromByte: number, toByte: number | null): Promise<Uint8Array | null> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
  try {
    const end = toByte ?? (await fh.stat()).size;
    const buf = new Uint8Array(Math.max(0, end - fromByte));
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, fromByte + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === buf.length ? buf : buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

async function truncateSynced(path: string, lengthBytes: number): Promise<void> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r+');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    throw err;
  }
  try {
    await fh.truncate(lengthBytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** {@link JournalIo} on node:fs/promises. */
export const NODE_JOURNAL_IO: JournalIo = {
  ...NODE_SEGMENT_IO,
  mkdir: async (dir, mode) => {
    await mkdir(dir, { recursive: true, mode });
  },
  readdir: async (dir) => {
    try {
      return await readdir(dir);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw err;
    }
  },
  readRange,
  truncate: truncateSynced,
  rename: (from, to) => rename(from, to),
};

/** What passed through a {@link countingIo}. */
export interface IoCounters {
  bytesWritten: number;
  fsyncs: number;
}

/** `io` with every byte written and every fsync counted into `counters`. */
export function countingIo(io: JournalIo, counters: IoCounters): JournalIo {
  const wrap = (h: SegmentHandle): SegmentHandle => ({
    write: (data, offset, length, position) => {
      counters.bytesWritten += length;
      return h.write(data, offset, length, position);
    },
    sync: () => {
      counters.fsyncs++;
      return h.sync();
    },
    close: () => h.close(),
  });
  // Each method forwarded by name: `io` may be a class instance, whose methods a spread would miss.
  return {
    mkdir: (dir, mode) => io.mkdir(dir, mode),
    readdir: (dir) => io.readdir(dir),
    readRange: (path, fromByte, toByte) => io.readRange(path, fromByte, toByte),
    rename: (from, to) => io.rename(from, to),
    unlink: (path) => io.unlink(path),
    open: async (path, flags, mode) => wrap(await io.open(path, flags, mode)),
    fsyncDir: (dir) => {
      counters.fsyncs++;
      return io.fsyncDir(dir);
    },
    truncate: (path, lengthBytes) => {
      counters.fsyncs++;
      return io.truncate(path, lengthBytes);
    },
  };
}
