/**
 * The journal's cursor file (`cursor.json`): per lane, how far the uplink acknowledged and the
 * highest seq ever made durable. The second keeps seqs increasing across restarts even when every
 * segment of a lane was deleted (a receiver de-duplicates by seq, so a reused seq would be a lost
 * reading). Written with writeFileDurable, at most every `cursorFlushMs`: acknowledgements in
 * between are coalesced into one write.
 *
 *   {"v":1,"lanes":{"alert":{"ackedThrough":0,"lastSeq":0},"audit":{…},"telemetry":{…}}}
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ZtgwError } from '../../modem/errors.js';
import { errnoCode } from '../audit/segment-files.js';
import { writeFileDurable } from '../store/durable-file.js';
import { LANES, type Lane } from './journal-types.js';

export const CURSOR_FILE = 'cursor.json';

export interface LaneCursor {
  readonly ackedThrough: number;
  readonly lastSeq: number;
}
export type Cursor = Readonly<Record<Lane, LaneCursor>>;

export const EMPTY_CURSOR: Cursor = {
  alert: { ackedThrough: 0, lastSeq: 0 },
  audit: { ackedThrough: 0, lastSeq: 0 },
  telemetry: { ackedThrough: 0, lastSeq: 0 },
};

export type CursorRead =
  | { readonly kind: 'ok'; readonly cursor: Cursor }
  | { readonly kind: 'missing' }
  | { readonly kind: 'damaged'; readonly why: string };

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Parses the cursor file's text. */
export function parseCursor(text: string): CursorRead {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { kind: 'damaged', why: 'not JSON' };
  }
  if (typeof v !== 'object' || v === null) return { kind: 'damaged', why: 'not an object' };
  const doc = v as Record<string, unknown>;
  if (doc['v'] !== 1) return { kind: 'damaged', why: `unknown version ${String(doc['v'])}` };
  const lanes = doc['lanes'];
  if (typeof lanes !== 'object' || lanes === null) return { kind: 'damaged', why: 'no lanes' };
  const out: Record<Lane, LaneCursor> = { ...EMPTY_CURSOR };
  for (const lane of LANES) {
    const l = (lanes as Record<string, unknown>)[lane];
    if (l === undefined) continue;
    const { ackedThrough, lastSeq } = (typeof l === 'object' && l !== null ? l : {}) as Record<
      string,
      unknown
    >;
    if (!isCount(ackedThrough) || !isCount(lastSeq) || ackedThrough > lastSeq) {
      return { kind: 'damaged', why: `lane ${lane}: bad ackedThrough/lastSeq` };
    }
    out[lane] = { ackedThrough, lastSeq };
  }
  return { kind: 'ok', cursor: out };
}

export function encodeCursor(c: Cursor): string {
  return JSON.stringify({ v: 1, lanes: c });
}

/** Reads `dir`/cursor.json. */
export async function readCursor(dir: string): Promise<CursorRead> {
  const path = join(dir, CURSOR_FILE);
  try {
    return parseCursor(await readFile(path, 'utf8'));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { kind: 'missing' };
    throw new ZtgwError('JOURNAL_IO', `cannot read ${path}: ${String(err)}`, { path }, { cause: err });
  }
}

export interface CursorFlusherOptions {
  readonly dir: string;
  /** Longest a change waits before it is written, and the shortest time between writes, ms. */
  readonly flushMs: number;
  /** The cursor to write now, and a token handed to `onWritten` once it is on disk. */
  readonly snapshot: () => { readonly cursor: Cursor; readonly token: number };
  readonly onWritten: (token: number, bytes: number) => Promise<void>;
  readonly onError: (err: unknown) => void;
}

/** Coalesces cursor changes into at most one durable write per `flushMs`. */
export class CursorFlusher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private isDirty = false;
  private isStopped = false;

  constructor(private readonly opts: CursorFlusherOptions) {}

  /** Something changed: write it within `flushMs`. */
  markDirty(): void {
    this.isDirty = true;
    if (this.timer === null && !this.isStopped) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.opts.flushMs);
    }
  }

  /** Writes now if anything changed (waits for a write already running). */
  async flush(): Promise<void> {
    while (this.running !== null) await this.running;
    if (!this.isDirty) return;
    this.isDirty = false;
    const run = this.write();
    this.running = run;
    try {
      await run;
    } finally {
      this.running = null;
    }
  }

  private async write(): Promise<void> {
    const snap = this.opts.snapshot();
    const text = encodeCursor(snap.cursor);
    try {
      await writeFileDurable(join(this.opts.dir, CURSOR_FILE), text, 0o600);
    } catch (err) {
      this.opts.onError(err);
      // Tried again on the next change or tick; not spun on here.
      this.markDirty();
      return;
    }
    await this.opts.onWritten(snap.token, Buffer.byteLength(text));
  }

  /** Clears the timer; `flush()` still works (for close). */
  stop(): void {
    this.isStopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
