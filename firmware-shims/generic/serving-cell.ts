/**
 * Building blocks of the serving-cell parsers: an all-unknown ServingCell to fill in, band names in
 * one spelling (`B20` for E-UTRA, `n78` for NR), and the query shell shared by the vendor shims.
 */
import type { AtChannel } from '../../modem/at/channel.js';
import { fail, type Result } from '../../modem/at/result.js';
import type { ServingCell } from '../../modem/at/types.js';
import { refusalReason } from './at-refusal.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A ServingCell with every field unknown, to be filled in by a parser. */
export function emptyServingCell(): Mutable<ServingCell> {
  return {
    rat: null,
    band: null,
    mcc: null,
    mnc: null,
    cellId: null,
    pci: null,
    tac: null,
    lac: null,
    earfcn: null,
    rsrpDbm: null,
    rsrqDb: null,
    sinrDb: null,
    rssiDbm: null,
  };
}

/** E-UTRA operating band `n` (36.101 Table 5.5-1) as `B<n>`; null outside 1..255. */
export function lteBandName(n: number | null): string | null {
  return n !== null && Number.isInteger(n) && n >= 1 && n <= 255 ? `B${n}` : null;
}

/** NR operating band `n` (38.101-1 Table 5.2-1, 38.101-2 Table 5.2-1) as `n<n>`; null outside 1..512. */
export function nrBandName(n: number | null): string | null {
  return n !== null && Number.isInteger(n) && n >= 1 && n <= 512 ? `n${n}` : null;
}

/** A decimal number such as `-96.50` or `13.75`; null for anything else. */
export function toDecimal(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (!/^[+-]?\d{1,6}(\.\d{1,4})?$/.test(t)) return null;
  return Number(t);
}

/** Rounds to 0.1 (dB values built from integer arithmetic on tenths and fifths). */
export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/**
 * Sends the family's serving-cell query and parses its lines. A refusal becomes `{ ok: false }`
 * naming the command; other rejections (timeout, closed port) propagate.
 */
export async function queryServingCell(
  ch: AtChannel,
  command: string,
  parse: (lines: readonly string[]) => Result<ServingCell>,
): Promise<Result<ServingCell>> {
  try {
    return parse((await ch.send(command)).lines);
  } catch (e) {
    const refused = refusalReason(e);
    if (refused === null) throw e;
    return fail(`${command}: ${refused}`);
  }
}
