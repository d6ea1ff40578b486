/**
 * Field-level helpers shared by every response parser: strip a `+CMD:` prefix, split a parameter list
 * on commas outside quotes, unquote, read decimal and hexadecimal integers strictly.
 */

/** One parameter as written by the modem: its text without quotes and whether it was quoted. */
export interface Field {
  readonly text: string;
  readonly quoted: boolean;
}

/**
 * If `line` starts with `prefix` (e.g. `+CSQ:`, case-insensitive, spaces after the colon allowed),
 * returns the rest, trimmed; otherwise null.
 */
export function afterPrefix(line: string, prefix: string): string | null {
  const t = line.trim();
  if (t.length < prefix.length || t.slice(0, prefix.length).toUpperCase() !== prefix.toUpperCase())
    return null;
  return t.slice(prefix.length).trim();
}

/**
 * Splits a V.250 parameter list (`1,"00A1","1A2B3C",7`) on commas outside double quotes.
 * Surrounding white space of each field is dropped; quotes are removed and recorded.
 * An empty list gives `[]`; `1,,3` gives an empty middle field.
 */
export function splitFields(params: string): Field[] {
  const out: Field[] = [];
  if (params.trim() === '') return out;
  let cur = '';
  let inQuote = false;
  let wasQuoted = false;
  for (const ch of params) {
    if (ch === '"') {
      inQuote = !inQuote;
      wasQuoted = true;
    } else if (ch === ',' && !inQuote) {
      out.push({ text: wasQuoted ? cur : cur.trim(), quoted: wasQuoted });
      cur = '';
      wasQuoted = false;
    } else if (wasQuoted && !inQuote && (ch === ' ' || ch === '\t')) {
      // white space after a closing quote, before the comma
    } else {
      cur += ch;
    }
  }
  out.push({ text: wasQuoted ? cur : cur.trim(), quoted: wasQuoted });
  return out;
}

/** Strict decimal integer (optionally signed); null for anything else, including '' and '1.5'. */
export function toInt(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (!/^[+-]?\d{1,15}$/.test(t)) return null;
  return Number.parseInt(t, 10);
}

/** Strict hexadecimal integer, with or without `0x`; null for anything else. Up to 52 bits. */
export function toHex(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim().replace(/^0x/i, '');
  if (!/^[0-9a-f]{1,13}$/i.test(t)) return null;
  return Number.parseInt(t, 16);
}
