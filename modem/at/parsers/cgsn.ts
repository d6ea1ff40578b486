/**
 * `AT+CGSN` equipment identity (3GPP TS 27.007 §5.4; IMEI and IMEISV in 3GPP TS 23.003 §6.2).
 */
import { luhnCheckDigit, luhnValid } from '../luhn.js';
import { fail, ok, type Result } from '../result.js';
import type { ImeiInfo } from '../types.js';
import { findPrefixed, firstNonEmpty, show, unquote } from './lines.js';

// +CGSN (27.007), #CGSN (Telit), +GSN (V.250 AT+GSN echoing its name), +SIMEI (SIMCom AT+SIMEI?),
// +EGMR (Quectel AT+EGMR=0,7), IMEI: (ATI-style lines).
const PREFIXES = ['+CGSN:', '#CGSN:', '+GSN:', '+SIMEI:', '+EGMR:', 'IMEI:'];

/**
 * Reads the IMEI: bare digits, `+CGSN: "…"`, `+CGSN: …`, `IMEI: …`. White space and dashes inside
 * are dropped, and anything after a comma (Option modems send `<imei>,<serial>`).
 *
 * - 15 digits: an IMEI; `valid` is its Luhn check.
 * - 16 digits: an IMEISV (TAC, SNR, 2-digit SVN; no check digit), `valid` true.
 * - 14 digits: an IMEI without its check digit (TAC + SNR, as sent over the air, 23.003 §6.2.1);
 *   the check digit is computed and appended (23.003 Annex B), so the result matches the IMEI on
 *   the label, with `valid` true.
 */
export function parseCgsn(lines: readonly string[]): Result<ImeiInfo> {
  const line = findPrefixed(lines, PREFIXES);
  const text = line?.rest ?? firstNonEmpty(lines);
  if (text === null) return fail('+CGSN: no IMEI in the response');
  const first = unquote(text).split(',')[0] ?? '';
  const digits = unquote(first).replace(/[\s-]+/g, '');
  if (!/^\d+$/.test(digits)) return fail(`+CGSN: IMEI ${show(text)} is not all digits`);
  if (digits.length === 15) return ok({ imei: digits, valid: luhnValid(digits), kind: 'imei' });
  if (digits.length === 16) return ok({ imei: digits, valid: true, kind: 'imeisv' });
  if (digits.length === 14) {
    const cd = luhnCheckDigit(digits);
    if (cd !== null) return ok({ imei: `${digits}${cd}`, valid: true, kind: 'imei' });
  }
  return fail(`+CGSN: IMEI has ${digits.length} digits, expected 15 (or 14, or 16 for an IMEISV)`);
}
