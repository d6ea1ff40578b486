/**
 * Serial framing for AT responses: bytes in, lines and prompts out. Pure and incremental.
 *
 *   bytes ──▶ split on CR / LF (CR LF, CR CR LF, lone CR or LF all end a line)
 *         ──▶ empty lines dropped, control bytes removed, invalid UTF-8 → U+FFFD
 *         ──▶ `> ` with no line end, while a prompt is expected ──▶ prompt token
 *
 * @serialport/parser-readline splits on one delimiter and holds a `> ` prompt until a newline that
 * never comes, so the engine frames here instead (the simulated modem, which reads CR-terminated
 * commands, uses parser-readline).
 */

export type FrameToken = { readonly kind: 'line'; readonly text: string } | { readonly kind: 'prompt' };

/** Longest line kept whole; a modem that never ends a line cannot grow memory past this. */
export const DEFAULT_MAX_LINE_BYTES = 4096;

const CR = 0x0d;
const LF = 0x0a;
const decoder = new TextDecoder('utf-8', { fatal: false });
/** Any byte that is not printable ASCII or TAB, read as latin1. */
const NOT_PLAIN = /[^\t\x20-\x7e]/;

/** Decodes one line's bytes, drops C0 control characters except TAB, and DEL; trims white space. */
export function decodeLine(bytes: Uint8Array): string {
  // Most modem output is printable ASCII: read it as latin1 and check it with one native scan.
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  if (!NOT_PLAIN.test(latin1)) return latin1.trim();
  let out = '';
  for (const ch of decoder.decode(bytes)) {
    const c = ch.charCodeAt(0);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) continue;
    out += ch;
  }
  return out.trim();
}

export class LineFramer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 16) {
      throw new TypeError(`maxLineBytes must be an integer >= 16, got ${maxLineBytes}`);
    }
  }

  /**
   * Feeds a chunk; returns the tokens it completes. `isPromptExpected` is true while the command in
   * flight waits for a `> ` prompt (27.005 §3.5.1 `+CMGS`, vendor socket sends).
   */
  push(chunk: Uint8Array, isPromptExpected = false): FrameToken[] {
    const out: FrameToken[] = [];
    // A view of the chunk, not a copy; only the unterminated rest is copied and kept.
    const buf =
      this.pending.length === 0
        ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)
        : Buffer.concat([this.pending, chunk]);
    const max = this.maxLineBytes;
    let start = 0;
    // Native scans for the next CR and LF; each position is looked up again only once passed.
    let cr = buf.indexOf(CR, 0);
    let lf = buf.indexOf(LF, 0);
    for (;;) {
      if (cr !== -1 && cr < start) cr = buf.indexOf(CR, start);
      if (lf !== -1 && lf < start) lf = buf.indexOf(LF, start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) break;
      for (; end - start > max; start += max) this.emitLine(buf.subarray(start, start + max), out);
      this.emitLine(buf.subarray(start, end), out);
      start = end + 1;
    }
    for (; buf.length - start > max; start += max) this.emitLine(buf.subarray(start, start + max), out);
    this.pending = Buffer.from(buf.subarray(start));
    if (isPromptExpected && this.isPrompt(this.pending)) {
      this.pending = Buffer.alloc(0);
      out.push({ kind: 'prompt' });
    }
    return out;
  }

  /** Bytes received but not yet ended by a line terminator. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  /** Forgets a partial line (after a resync or a port reopen). */
  reset(): void {
    this.pending = Buffer.alloc(0);
  }

  private emitLine(bytes: Uint8Array, out: FrameToken[]): void {
    if (bytes.length === 0) return;
    const text = decodeLine(bytes);
    if (text !== '') out.push({ kind: 'line', text });
  }

  private isPrompt(bytes: Buffer): boolean {
    // Some firmware sends `>` without the space; leading white space was already split off.
    const t = bytes.toString('latin1').trim();
    return t === '>';
  }
}
