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

/** Decodes one line's bytes, drops C0 control characters except TAB, and DEL; trims white space. */
export function decodeLine(bytes: Uint8Array): string {
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
    const buf = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    let start = 0;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i];
      if (b === CR || b === LF) {
        this.emitLine(buf.subarray(start, i), out);
        start = i + 1;
      } else if (i - start >= this.maxLineBytes) {
        this.emitLine(buf.subarray(start, i), out);
        start = i;
      }
    }
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
