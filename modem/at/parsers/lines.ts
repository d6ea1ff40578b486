/**
 * Line-level helpers shared by the response parsers: find the line a parser wants among the
 * information lines of a response, clean it, and describe bad text briefly in a reason.
 */
import { afterPrefix } from '../fields.js';

/** A line that carried one of the wanted prefixes, and the text after it (trimmed). */
export interface PrefixedLine {
  readonly prefix: string;
  readonly rest: string;
}

/**
 * Drops white space, and C0 control characters, DEL or U+FFFD that a noisy UART leaves in front of
 * a line, so `"\u0000+CSQ: 20,99"` still reads as `+CSQ: 20,99`.
 */
export function cleanLine(line: string): string {
  let start = 0;
  while (start < line.length && isNoise(line.charCodeAt(start))) start++;
  return line.slice(start).trim();
}

/** C0 controls (white space among them), DEL and U+FFFD, the replacement for undecodable bytes. */
function isNoise(code: number): boolean {
  return code <= 0x20 || code === 0x7f || code === 0xfffd;
}

/** The first line starting with one of `prefixes` (case-insensitive, spaces after the colon allowed). */
export function findPrefixed(lines: readonly string[], prefixes: readonly string[]): PrefixedLine | null {
  for (const raw of lines) {
    const line = cleanLine(raw);
    for (const prefix of prefixes) {
      const rest = afterPrefix(line, prefix);
      if (rest !== null) return { prefix, rest };
    }
  }
  return null;
}

/** Every line starting with `prefix`, with the text after it. */
export function allPrefixed(lines: readonly string[], prefix: string): string[] {
  const out: string[] = [];
  for (const raw of lines) {
    const rest = afterPrefix(cleanLine(raw), prefix);
    if (rest !== null) out.push(rest);
  }
  return out;
}

/**
 * True for a line that is no information text: a command echo that slipped through (`AT+CIMI`,
 * `ATI`) or a final result code (`OK`, `ERROR`), which bare-text answers (IMSI, IMEI, ATI) must skip.
 */
export function isNotInformation(line: string): boolean {
  return /^AT([+^!#%$*].*|[A-Z]\d*)?$/i.test(line) || /^(OK|ERROR)$/i.test(line);
}

/** The first line that is not empty after cleaning and is information text, or null. */
export function firstNonEmpty(lines: readonly string[]): string | null {
  for (const raw of lines) {
    const line = cleanLine(raw);
    if (line !== '' && !isNotInformation(line)) return line;
  }
  return null;
}

/** Removes one pair of surrounding double quotes (and the white space inside them). */
export function unquote(text: string): string {
  const t = text.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).trim();
  return t;
}

/** True when `text` holds a C0 control character, DEL or U+FFFD: bytes nobody meant to send. */
export function hasGarbage(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x09 || code === 0x0a || code === 0x0d) continue;
    if (code < 0x20 || code === 0x7f || code === 0xfffd) return true;
  }
  return false;
}

/** `text` quoted and cut to 40 characters, for a reason string. */
export function show(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
