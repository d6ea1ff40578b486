/**
 * Reads one command line as a modem does (V.250 §5): the `AT` prefix and command names are
 * case-insensitive, string constants in quotes keep their case.
 */

/** `AT+CREG?` read, `AT+CREG=?` test, `AT+CREG=2` set, `AT+CIMI` exec. */
export type CommandForm = 'read' | 'test' | 'set' | 'exec';

export interface ParsedCommand {
  /** The line as received, trimmed. */
  readonly raw: string;
  /** Upper-cased outside quotes, without the `AT` prefix: `+CGDCONT=1,"IP","internet"`. */
  readonly body: string;
  /** Extended name with its prefix character (`+CREG`, `+QENG`, `!GSTATUS`, `#CCID`), or the basic body (`E0`, `S7=5`, `I`). */
  readonly name: string;
  readonly form: CommandForm;
  /** Set-form arguments split at commas outside quotes, quotes removed, e.g. `['1', 'IP', 'internet']`. */
  readonly args: readonly string[];
}

function upperOutsideQuotes(text: string): string {
  let out = '';
  let isQuoted = false;
  for (const ch of text) {
    if (ch === '"') isQuoted = !isQuoted;
    out += isQuoted ? ch : ch.toUpperCase();
  }
  return out;
}

/** Splits `1,"IP","a,b"` into `['1', 'IP', 'a,b']`. */
export function splitArgs(text: string): string[] {
  if (text === '') return [];
  const out: string[] = [];
  let cur = '';
  let isQuoted = false;
  for (const ch of text) {
    if (ch === '"') {
      isQuoted = !isQuoted;
      continue;
    }
    if (ch === ',' && !isQuoted) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur.trim());
  return out;
}

const EXTENDED = /^([+!#$%][A-Z][A-Z0-9]*)(.*)$/;

/**
 * Parses one line. Returns null when the line is not a command (no `AT` prefix): a modem stays
 * silent on those.
 */
export function parseCommand(line: string): ParsedCommand | null {
  const raw = line.trim();
  if (!/^AT/i.test(raw)) return null;
  const body = upperOutsideQuotes(raw.slice(2));
  const m = EXTENDED.exec(body);
  if (m === null) return { raw, body, name: body, form: 'exec', args: [] };
  const name = m[1] ?? '';
  const rest = m[2] ?? '';
  if (rest === '?') return { raw, body, name, form: 'read', args: [] };
  if (rest === '=?') return { raw, body, name, form: 'test', args: [] };
  if (rest.startsWith('=')) {
    // Arguments are taken from the raw line so quoted strings keep their case.
    const rawRest = raw.slice(2 + name.length + 1);
    return { raw, body, name, form: 'set', args: splitArgs(rawRest) };
  }
  if (rest === '') return { raw, body, name, form: 'exec', args: [] };
  return { raw, body, name: body, form: 'exec', args: [] };
}

/** An integer argument, or null when absent or not a plain decimal integer. */
export function intArg(args: readonly string[], index: number): number | null {
  const a = args[index];
  if (a === undefined || !/^\d+$/.test(a)) return null;
  return Number(a);
}
