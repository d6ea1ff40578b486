/**
 * The write side of the segment files: one open handle on the active segment, positional writes of
 * whole batches, an fsync per touched file and one directory fsync when files were created or
 * removed. A batch that spans a rotation seals (fsyncs) the old segment before the new one is
 * written, so only the newest segment can ever have a torn tail.
 */
import { type FileHandle, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from '../store/durable-file.js';
import { SEGMENT_MAGIC } from './frame.js';
import { errnoCode, segmentName } from './segment-files.js';

export interface SegmentBatch {
  readonly num: number;
  readonly frames: readonly Uint8Array[];
}

export interface SegmentWriter {
  /** Writes each group at the end of its segment (creating it with its header), durably. */
  write(groups: readonly SegmentBatch[], evict: readonly number[]): Promise<void>;
  close(): Promise<void>;
}

async function writeAll(fh: FileHandle, data: Uint8Array, position: number): Promise<void> {
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
export function createSegmentWriter(dir: string, activeNum: number, activeBytes: number): SegmentWriter {
  let fh: FileHandle | null = null;
  let num = activeNum;
  let position = activeBytes;

  const openSegment = async (n: number): Promise<boolean> => {
    if (fh !== null && n === num) return false;
    if (fh !== null) await fh.close();
    fh = null;
    const path = join(dir, segmentName(n));
    if (n === num && position > 0) {
      fh = await open(path, 'r+');
      return false;
    }
    // A new segment, or the active one cut back to nothing: (re)write the header.
    fh = await open(path, n === num ? 'w' : 'wx', 0o600);
    num = n;
    position = 0;
    await writeAll(fh, SEGMENT_MAGIC, 0);
    position = SEGMENT_MAGIC.length;
    return true;
  };

  return {
    async write(groups, evict) {
      let isDirDirty = false;
      for (const n of evict) {
        if (fh !== null && n === num) throw new TypeError(`segment ${n} is active and cannot be evicted`);
        await unlink(join(dir, segmentName(n))).catch((err: unknown) => {
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
      if (isDirDirty) await fsyncDir(dir);
    },
    async close() {
      if (fh !== null) await fh.close();
      fh = null;
    },
  };
}
