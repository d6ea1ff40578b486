/**
 * Scoring an identity against a family's patterns. Pure. The signals, strongest first: the
 * manufacturer (`+CGMI`, or a `Manufacturer:` / bare vendor line of `ATI`), the model name, the
 * firmware revision's shape, and any `ATI` line naming a known model.
 */
import type { ModemIdent } from '../../modem/at/types.js';

/** What identifies a family. Patterns must not carry the `g` or `y` flags (they keep state). */
export interface IdentPatterns {
  readonly manufacturer: RegExp;
  readonly model: RegExp;
  readonly revision?: RegExp;
}

/** Score of a manufacturer match; a vendor that matches at all scores at least REVISION_SCORE. */
export const MANUFACTURER_SCORE = 30;
export const MODEL_SCORE = 20;
export const ATI_SCORE = 15;
export const REVISION_SCORE = 10;

/** `Model: SARA-R410M-02B` → `SARA-R410M-02B`; other lines unchanged (trimmed). */
function atiValue(line: string): string {
  const m = /^(?:Manufacturer|Model|Revision)\s*:\s*(.*)$/i.exec(line.trim());
  return (m?.[1] ?? line).trim();
}

/**
 * 0 when nothing matches; otherwise the strongest signal's score plus 1 for each further signal
 * that agrees, so a full `+CGMI`/`+CGMM`/`+CGMR` match outranks a lone revision match.
 */
export function scoreIdent(ident: ModemIdent, ati: readonly string[], p: IdentPatterns): number {
  const values = ati.map(atiValue).filter((v) => v !== '');
  const hits: number[] = [];
  if (ident.manufacturer !== null && p.manufacturer.test(ident.manufacturer)) hits.push(MANUFACTURER_SCORE);
  else if (values.some((v) => p.manufacturer.test(v))) hits.push(MANUFACTURER_SCORE);
  if (ident.model !== null && p.model.test(ident.model)) hits.push(MODEL_SCORE);
  if (values.some((v) => p.model.test(v))) hits.push(ATI_SCORE);
  if (p.revision !== undefined && ident.revision !== null && p.revision.test(ident.revision)) {
    hits.push(REVISION_SCORE);
  }
  if (hits.length === 0) return 0;
  return Math.max(...hits) + hits.length - 1;
}
