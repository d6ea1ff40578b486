/**
 * `AT+CIMI` subscriber identity (3GPP TS 27.007 §5.6; IMSI format 3GPP TS 23.003 §2.2).
 */
import { fail, ok, type Result } from '../result.js';
import type { ImsiInfo } from '../types.js';
import { findPrefixed, firstNonEmpty, show, unquote } from './lines.js';

/**
 * Reads the IMSI: a bare line of digits (the 27.007 form), `+CIMI: <imsi>` (some u-blox and Telit
 * firmware) or `#CIMI: <imsi>` (Telit AT#CIMI), quoted or not. 6 to 15 digits (MCC + MNC + MSIN,
 * at most 15); `mcc` is the first three.
 */
export function parseCimi(lines: readonly string[]): Result<ImsiInfo> {
  const line = findPrefixed(lines, ['+CIMI:', '#CIMI:']);
  const text = line?.rest ?? firstNonEmpty(lines);
  if (text === null) return fail('+CIMI: no IMSI in the response');
  const imsi = unquote(text);
  if (!/^\d+$/.test(imsi)) return fail(`+CIMI: IMSI ${show(imsi)} is not all digits`);
  if (imsi.length < 6 || imsi.length > 15)
    return fail(`+CIMI: IMSI has ${imsi.length} digits, expected 6..15`);
  return ok({ imsi, mcc: imsi.slice(0, 3) });
}
