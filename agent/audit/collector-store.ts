/**
 * The operator's copy of one device's audit chain, on disk:
 *
 *   <dir>/records.bin   every record held, oldest first, in the audit trail's own segment framing
 *                       (frame.ts: header, then length + CRC-32 + record per frame); appended and
 *                       fsynced before the broker is told the batch arrived
 *   <dir>/anchor        `SEQ:HEX\n`, the newest verified checkpoint (write-temp, fsync, rename)
 *
 * A torn last frame (the collector killed mid-append) is cut at open and reported; it was never
 * acknowledged to the broker, which sends it again. Damage before the end is refused (AUDIT_CORRUPT).
 */
import { mkdir, open, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { ZtgwError } from '../../modem/errors.js';
import { fsyncDir, writeFileDurable } from '../store/durable-file.js';
import { formatAnchor } from './collector.js';
import { encodeFrame, SEGMENT_MAGIC, scanSegment } from './frame.js';
import { errnoCode } from './segment-files.js';
import type { Anchor } from './verify.js';

/** Largest record accepted back from the file, bytes (a record is at most a few KiB). */
const MAX_RECORD_BYTES = 1 << 20;

export interface CollectorStore {
  /** Records read back at open, oldest first. */
  readonly records: readonly Uint8Array[];
  /** Bytes cut from a torn last frame at open (0: none). */
  readonly cutBytes: number;
  append(records: readonly Uint8Array[]): Promise<void>;
  writeAnchor(a: Anchor): Promise<void>;
  close(): Promise<void>;
}

export async function openCollectorStore(dir: string): Promise<CollectorStore> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'records.bin');
  const bytes = await readFile(file).catch((err: unknown) => {
    if (errnoCode(err) === 'ENOENT') return Buffer.alloc(0);
    throw new ZtgwError('AUDIT_IO', `cannot read ${file}: ${String(err)}`, { path: file }, { cause: err });
  });
  const scan = scanSegment(bytes, true, MAX_RECORD_BYTES);
  if (scan.corruption !== null) {
    throw new ZtgwError('AUDIT_CORRUPT', `${file}: ${scan.corruption.why}`, {
      path: file,
      offset: scan.corruption.offset,
    });
  }
  const records = scan.frames.map((f) => new Uint8Array(f.payload));
  const cutBytes = bytes.length - scan.goodBytes;
  if (cutBytes > 0) await truncate(file, scan.goodBytes);
  const fh = await open(file, 'a', 0o600);
  // A new file, or one whose header was torn: the header first.
  if (scan.goodBytes === 0) {
    await fh.writeFile(SEGMENT_MAGIC);
    await fh.sync();
  }
  await fsyncDir(dir);
  return {
    records,
    cutBytes,
    async append(recs) {
      if (recs.length === 0) return;
      // writeFile loops until every byte is written (a bare write may be short).
      await fh.writeFile(Buffer.concat(recs.map(encodeFrame)));
      await fh.sync();
    },
    writeAnchor: (a) => writeFileDurable(join(dir, 'anchor'), `${formatAnchor(a)}\n`, 0o600),
    close: () => fh.close(),
  };
}
