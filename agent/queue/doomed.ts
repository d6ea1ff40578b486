/**
 * Segments taken out of the journal (acknowledged, evicted) whose files are deleted only once a
 * cursor written after that is on disk: the cursor holds each lane's lastSeq, so after a crash the
 * seqs go on from there even when these files are gone. Damaged segments are renamed aside instead.
 */
import { join } from 'node:path';
import type { Logger } from '../../modem/log.js';
import { errnoCode, segmentName } from '../audit/segment-files.js';
import type { JournalIo } from './journal-io.js';

interface DoomedFile {
  readonly dir: string;
  readonly num: number;
  readonly bytes: number;
  readonly token: number;
}

export class Doomed {
  private files: DoomedFile[] = [];
  /** Grows with each segment added; a cursor snapshot taken now covers every token up to it. */
  token = 0;
  /** Bytes of the files not yet deleted. */
  bytes = 0;

  constructor(
    private readonly io: JournalIo,
    private readonly log: Logger,
  ) {}

  add(dir: string, num: number, bytes: number): void {
    this.files.push({ dir, num, bytes, token: ++this.token });
    this.bytes += bytes;
  }

  /** Deletes every file added up to `token` (a cursor covering them is durable). */
  async deleteThrough(token: number): Promise<void> {
    const now = this.files.filter((f) => f.token <= token);
    if (now.length === 0) return;
    const dirs = new Set<string>();
    for (const f of now) {
      try {
        await this.io.unlink(join(f.dir, segmentName(f.num)));
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') {
          // Kept for the next cursor write; the segment is out of the journal already.
          this.log.warn({ err, segment: f.num }, 'journal.delete-failed');
          continue;
        }
      }
      this.files.splice(this.files.indexOf(f), 1);
      this.bytes -= f.bytes;
      dirs.add(f.dir);
    }
    for (const d of dirs) await this.io.fsyncDir(d).catch(() => undefined);
  }

  /** Renames a damaged segment to `<name>.corrupt` (kept for inspection, out of the chain). */
  async setAside(dir: string, num: number): Promise<void> {
    const name = segmentName(num);
    try {
      await this.io.rename(join(dir, name), join(dir, `${name}.corrupt`));
      await this.io.fsyncDir(dir);
    } catch (err) {
      this.log.warn({ err, segment: num }, 'journal.set-aside-failed');
    }
  }
}
