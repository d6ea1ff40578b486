/**
 * Unsolicited result codes: which lines a modem sends on its own. Pure.
 */
import type { VendorFinal } from './final.js';

/**
 * What the engine needs to know about a firmware family to split its stream: the finals and URC
 * prefixes it adds to the standard ones. The generic dialect is empty; the shim's replaces it once the
 * modem is identified.
 */
export interface Dialect {
  readonly finals: readonly VendorFinal[];
  readonly urcPrefixes: readonly string[];
}

export const GENERIC_DIALECT: Dialect = { finals: [], urcPrefixes: [] };

/**
 * URCs defined by 27.007 / 27.005 / V.250, matched as line prefixes (case-insensitive).
 * `+CREG:`-style lines and `+CPIN:` are also answers to their read commands; the command machine
 * decides which one a line is.
 */
export const STANDARD_URC_PREFIXES: readonly string[] = [
  'RING',
  '+CRING:',
  '+CLIP:',
  '+CCWA:',
  '+CMTI:',
  '+CMT:',
  '+CDS:',
  '+CDSI:',
  '+CBM:',
  '+CBMI:',
  '+CUSD:',
  '+CIEV:',
  '+CREG:',
  '+CGREG:',
  '+CEREG:',
  '+C5GREG:',
  '+CGEV:',
  '+CTZV:',
  '+CTZE:',
  '+CTZEU:',
  '+CPIN:',
  '+CSSI:',
  '+CSSU:',
  '+CMEV:',
  '+CEDRXP:',
  '+CCIOTOPTI:',
];

/** True when the line starts with a standard or dialect URC prefix. */
export function isUrcLine(line: string, dialect: Dialect): boolean {
  const u = line.trim().toUpperCase();
  const hit = (p: string): boolean => {
    const up = p.toUpperCase();
    // A bare word such as RING must be the whole line or be followed by a separator.
    if (!up.endsWith(':')) return u === up || u.startsWith(`${up} `) || u.startsWith(`${up}:`);
    return u.startsWith(up);
  };
  return STANDARD_URC_PREFIXES.some(hit) || dialect.urcPrefixes.some(hit);
}

/** The `+XYZ:` / `#XYZ:` / `!XYZ:` / `^XYZ:` / `$XYZ:` prefix of a line, upper-cased, or null. */
export function linePrefix(line: string): string | null {
  const m = /^([+#!^$*][A-Za-z0-9_]+):/.exec(line.trim());
  return m?.[1] ? `${m[1].toUpperCase()}:` : null;
}
