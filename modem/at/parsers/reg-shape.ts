/**
 * Telling a registration read answer (`+CREG: <n>,<stat>,…`) from a URC (`+CREG: <stat>,…`) by the
 * shape of the line alone, for the engine when a URC arrives in the middle of an `AT+CREG?`.
 */
import type { Field } from '../fields.js';
import { toInt } from '../fields.js';
import { isKnownStat } from './reg-state.js';
import { hexField, splitRegLine } from './registration.js';

/** An unquoted decimal of 1..3 digits (Iridium pads to `002,001`) that is a valid `<stat>`. */
function isStatLike(f: Field | undefined): boolean {
  if (f === undefined || f.quoted || !/^\d{1,3}$/.test(f.text)) return false;
  const n = toInt(f.text);
  return n !== null && isKnownStat(n);
}

/** `<n>`: unquoted, 1..3 digits, 0..5. */
function isModeLike(f: Field | undefined): boolean {
  if (f === undefined || f.quoted || !/^\d{1,3}$/.test(f.text)) return false;
  const n = toInt(f.text);
  return n !== null && n <= 5;
}

/** `<AcT>` where a URC has it: missing, empty, or an unquoted decimal of 1..3 digits up to 31. */
function isActLike(f: Field | undefined): boolean {
  if (f === undefined || (!f.quoted && f.text === '')) return true;
  if (f.quoted || !/^\d{1,3}$/.test(f.text)) return false;
  const n = toInt(f.text);
  return n !== null && n <= 31;
}

/** A LAC/TAC and CI pair: both missing or empty, or both hexadecimal. */
function isAreaCellPair(area: Field | undefined, cell: Field | undefined): boolean {
  const a = hexField(area);
  const c = hexField(cell);
  if (a === 'bad' || c === 'bad') return false;
  return (a === null) === (c === null);
}

function readsAsRead(f: readonly Field[]): boolean {
  if (f.length < 2 || !isModeLike(f[0]) || !isStatLike(f[1])) return false;
  if (f.length === 2) return true;
  if (f.length === 3) return false; // a LAC without its CI
  const act = f[4];
  return isAreaCellPair(f[2], f[3]) && (act === undefined || act.text === '' || !act.quoted);
}

function readsAsUrc(f: readonly Field[]): boolean {
  if (f.length < 1 || !isStatLike(f[0])) return false;
  if (f.length === 1) return true;
  if (f.length === 2) return false; // a LAC without its CI
  return isAreaCellPair(f[1], f[2]) && isActLike(f[3]);
}

/**
 * Which form a `+CREG`/`+CGREG`/`+CEREG`/`+C5GREG` line has, by shape alone:
 *
 * - one field is a URC (`+CEREG: 5`); two fields are a read answer (`+CEREG: 0,5`), since a URC
 *   never carries a LAC/TAC without its cell id;
 * - a read answer needs `<n>` 0..5 and a `<stat>` that is an unquoted 1-3 digit number 0..11 in the
 *   second field; a second field that is quoted or looks like a hexadecimal LAC/TAC (`"00A1"`,
 *   `84CD`, `0001`) makes it a URC;
 * - in a URC the fourth field is `<AcT>`, an unquoted small number, where a read answer has the
 *   hexadecimal cell id: `+CREG: 2,1,8BE3,2BAF` is a read answer;
 * - 'ambiguous' when both readings are valid, e.g. `+CREG: 2,0,00,0` (n=2, stat=0, lac=0, ci=0, or
 *   stat=2, lac=0, ci=0, AcT=0) or `+CREG: 1,10,34,7`; the caller decides from context.
 *
 * A line that fits neither reading (or is not a registration line) is classified by its second
 * field alone: stat-like gives 'read', anything else 'urc'; the parser then names what is wrong.
 */
export function regShape(line: string): 'read' | 'urc' | 'ambiguous' {
  const reg = splitRegLine(line);
  const f = reg === null ? [] : reg.fields;
  if (f.length <= 1) return 'urc';
  const read = readsAsRead(f);
  const urc = readsAsUrc(f);
  if (read && urc) return 'ambiguous';
  if (read) return 'read';
  if (urc) return 'urc';
  return isStatLike(f[1]) ? 'read' : 'urc';
}
