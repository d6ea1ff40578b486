/**
 * The operator's copy of one device's audit chain, on disk:
 *
 *   <dir>/records.bin   every record held, oldest first, each as u32 BE length + the record's bytes;
 *                       appended and fsynced before the broker is told the batch arrived
 *   <dir>/anchor        `SEQ:HEX\n`, the newest verified checkpoint (write-temp, fsync, rename)
 *
 * A torn last frame (the collector killed mid-append) is cut at open and reported; it was never
 * acknowledged to the broker, which sends it again.
 */
import { mkdir, open, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { ZtgwError } from '../../modem/errors.js';
import { fsyncDir, writeFileDurable } from '../store/durable-file.js';
import { formatAnchor } from './collector.js';
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
  const records: Uint8Array[] = [];
  let at = 0;
  while (at + 4 <= bytes.length) {
    const len = bytes.readUInt32BE(at);
    if (len === 0 || len > MAX_RECORD_BYTES) {
      throw new ZtgwError('AUDIT_CORRUPT', `${file}: a frame of ${len} bytes at offset ${at}`, {
        path: file,
        offset: at,
      });
    }
    if (at + 4 + len > bytes.length) break;
    records.push(new Uint8Array(bytes.subarray(at + 4, at + 4 + len)));
    at += 4 + len;
  }
  const cutBytes = bytes.length - at;
  if (cutBytes > 0) await truncate(file, at);
  const fh = await open(file, 'a', 0o600);
  await fsyncDir(dir);
  return {
    records,
    cutBytes,
    async append(recs) {
      if (recs.length === 0) return;
      const parts: Buffer[] = [];
      for (const r of recs) {
        const head = Buffer.alloc(4);
        head.writeUInt32BE(r.length);
        parts.push(head, Buffer.from(r.buffer, r.byteOffset, r.byteLength));
      }
      // writeFile loops until every byte is written (a bare write may be short).
      await fh.writeFile(Buffer.concat(parts));
      await fh.sync();
    },
    writeAnchor: (a) => writeFileDurable(join(dir, 'anchor'), `${formatAnchor(a)}\n`, 0o600),
    close: () => fh.close(),
  };
}
