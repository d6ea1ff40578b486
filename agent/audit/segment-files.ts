/**
 * Naming and reading of audit segment files (`000001.seg`, `000002.seg`, …) in an audit directory.
 * Read-only helpers shared by the store (at open) and by the CLI, which must never write to a log
 * the agent holds.
 */
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ZtgwError } from '../../modem/errors.js';

/** The `code` of a Node system error (ENOENT, EEXIST…), if it has one. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

const SEGMENT_FILE = /^(\d{6,})\.seg$/;

/** File name of segment `num`. */
export function segmentName(num: number): string {
  return `${String(num).padStart(6, '0')}.seg`;
}

export interface SegmentFile {
  readonly num: number;
  readonly path: string;
}

/** The segments of `dir`, oldest first; a missing directory has none. */
export async function listSegments(dir: string): Promise<SegmentFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw new ZtgwError(
      'AUDIT_IO',
      `cannot list audit directory ${dir}: ${String(err)}`,
      { dir },
      { cause: err },
    );
  }
  const out: SegmentFile[] = [];
  for (const name of names) {
    const m = SEGMENT_FILE.exec(name);
    if (m?.[1] !== undefined) out.push({ num: Number.parseInt(m[1], 10), path: join(dir, name) });
  }
  return out.sort((a, b) => a.num - b.num);
}

/**
 * Reads `[fromByte, toByte)` of a file (to the end when `toByte` is undefined). Returns null when
 * the file is gone (a segment evicted while being read).
 */
export async function readFileRange(path: string, fromByte = 0, toByte?: number): Promise<Uint8Array | null> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw new ZtgwError('AUDIT_IO', `cannot open ${path}: ${String(err)}`, { path }, { cause: err });
  }
  try {
    const size = (await fh.stat()).size;
    const end = Math.min(toByte ?? size, size);
    const len = Math.max(0, end - fromByte);
    const buf = new Uint8Array(len);
    let got = 0;
    while (got < len) {
      const { bytesRead } = await fh.read(buf, got, len - got, fromByte + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === len ? buf : buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}
