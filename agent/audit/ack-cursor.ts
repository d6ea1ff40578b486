/**
 * The persisted "acknowledged upstream up to seq" cursor of an audit directory (`acked`, JSON
 * `{"v":1,"seq":N}`), written durably. Writes are coalesced: while one is on its way to disk, later
 * acknowledgements wait and the newest of them is written next, so a PUBACK storm costs a few
 * fsyncs, not one each.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ZtgwError } from '../../modem/errors.js';
import type { Logger } from '../../modem/log.js';
import { writeFileDurable } from '../store/durable-file.js';
import { errnoCode } from './segment-files.js';

export const ACK_FILE = 'acked';

/** Reads the cursor; a missing file is 0, a damaged one is 0 with a warning (nothing gets evicted). */
export async function readAckCursor(dir: string, log: Logger): Promise<number> {
  const path = join(dir, ACK_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 0;
    throw new ZtgwError('AUDIT_IO', `cannot read ${path}: ${String(err)}`, { path }, { cause: err });
  }
  try {
    const v: unknown = JSON.parse(text);
    const seq = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)['seq'] : undefined;
    if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0) return seq;
  } catch {
    // Falls through to the warning below: the content is not JSON.
  }
  log.warn({ path }, 'acknowledged cursor is unreadable; treating nothing as acknowledged');
  return 0;
}

export interface AckWriter {
  /** Resolves when a cursor at least `seq` is on disk. */
  write(seq: number): Promise<void>;
}

/** A coalescing writer of the cursor file. */
export function createAckWriter(dir: string): AckWriter {
  const path = join(dir, ACK_FILE);
  let written = -1;
  let wanted = -1;
  let running: Promise<void> | null = null;

  const loop = async (): Promise<void> => {
    while (wanted > written) {
      const seq = wanted;
      await writeFileDurable(path, JSON.stringify({ v: 1, seq }), 0o600);
      written = seq;
    }
  };

  return {
    async write(seq: number): Promise<void> {
      if (seq > wanted) wanted = seq;
      while (written < seq) {
        if (running === null) {
          running = loop().finally(() => {
            running = null;
          });
        }
        await running;
      }
    },
  };
}
