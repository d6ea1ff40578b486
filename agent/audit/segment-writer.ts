/**
 * The write side of the segment files: one open handle on the active segment, positional writes of
 * whole batches, an fsync per touched file and one directory fsync when files were created or
 * removed. A batch that spans a rotation seals (fsyncs) the old segment before the new one is
 * written, so only the newest segment can ever have a torn tail.
 *
 * The file operations go through {@link SegmentIo} (node:fs/promises unless another is given), so a
 * store can count them or a test can record what reached the disk.
 */
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from '../store/durable-file.js';
import { SEGMENT_MAGIC } from './frame.js';
import { errnoCode, segmentName } from './segment-files.js';

/** The part of an open file the writer uses (node's FileHandle has this shape). */
export interface SegmentHandle {
  write(
    data: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ readonly bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The file operations of the writer. */
export interface SegmentIo {
  /** `r+`: an existing segment; `w`: an active segment cut back to nothing; `wx`: a new one. */
  open(path: string, flags: 'r+' | 'w' | 'wx', mode: number): Promise<SegmentHandle>;
  unlink(path: string): Promise<void>;
  /** fsyncs a directory (entries created or removed in it become durable). */
  fsyncDir(dir: string): Promise<void>;
}

/** {@link SegmentIo} on node:fs/promises. */
export const NODE_SEGMENT_IO: SegmentIo = {
  open: (path, flags, mode) => open(path, flags, mode),
  unlink: (path) => unlink(path),
  fsyncDir,
};

export interface SegmentWriterOptions {
  /** Header of a new segment; default the audit trail's {@link SEGMENT_MAGIC}. */
  readonly magic?: Uint8Array;
  /** Default {@link NODE_SEGMENT_IO}. */
  readonly io?: SegmentIo;
  /**
   * Whether the active segment stays open between batches (default true). Closed after every
   * batch, no descriptor is held open for writing while idle, so the file system can be remounted
   * read-only under the store.
   */
  readonly isHandleKeptOpen?: boolean;
}

export interface SegmentBatch {
  readonly num: number;
  readonly frames: readonly Uint8Array[];
}

export interface SegmentWriter {
  /** Writes each group at the end of its segment (creating it with its header), durably. */
  write(groups: readonly SegmentBatch[], evict: readonly number[]): Promise<void>;
  close(): Promise<void>;
}

/** Writes all of `data` at `position` (a write may take less than it is given). */
export async function writeAll(fh: SegmentHandle, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A writer for `dir`, whose newest segment `activeNum` (0: none yet) currently ends at `activeBytes`
 * (after any torn tail was cut).
 */
export function createSegmentWriter(
  dir: string,
  activeNum: number,
  activeBytes: number,
  options: SegmentWriterOptions = {},
): SegmentWriter {
  const magic = options.magic ?? SEGMENT_MAGIC;
  const io = options.io ?? NODE_SEGMENT_IO;
  const isHandleKeptOpen = options.isHandleKeptOpen ?? true;
  let fh: SegmentHandle | null = null;
  let num = activeNum;
  let position = activeBytes;

  const openSegment = async (n: number): Promise<boolean> => {
    if (fh !== null && n === num) return false;
    if (fh !== null) await fh.close();
    fh = null;
    const path = join(dir, segmentName(n));
    if (n === num && position > 0) {
      fh = await io.open(path, 'r+', 0o600);
      return false;
    }
    // A new segment, or the active one cut back to nothing: (re)write the header.
    fh = await io.open(path, n === num ? 'w' : 'wx', 0o600);
    num = n;
    position = 0;
    await writeAll(fh, magic, 0);
    position = magic.length;
    return true;
  };

  return {
    async write(groups, evict) {
      let isDirDirty = false;
      for (const n of evict) {
        if (fh !== null && n === num) throw new TypeError(`segment ${n} is active and cannot be evicted`);
        await io.unlink(join(dir, segmentName(n))).catch((err: unknown) => {
          // Already gone is what eviction wants.
          if (errnoCode(err) !== 'ENOENT') throw err;
        });
        isDirDirty = true;
      }
      for (const g of groups) {
        if (await openSegment(g.num)) isDirDirty = true;
        const handle = fh;
        if (handle === null) throw new TypeError('segment handle missing after open');
        const data = concat(g.frames);
        await writeAll(handle, data, position);
        position += data.length;
        await handle.sync();
      }
      if (isDirDirty) await io.fsyncDir(dir);
      if (!isHandleKeptOpen && fh !== null) {
        const handle = fh;
        fh = null;
        await handle.close();
      }
    },
    async close() {
      if (fh !== null) await fh.close();
      fh = null;
    },
  };
}
