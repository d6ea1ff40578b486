/**
 * `AT+CFUN?` phone functionality (3GPP TS 27.007 §8.2).
 */
import { splitFields, toInt } from '../fields.js';
import { fail, ok, type Result } from '../result.js';
import type { CfunInfo } from '../types.js';
import { findPrefixed, show } from './lines.js';

/**
 * Reads `+CFUN: <fun>[,…]`: 0 minimum, 1 full, 4 rf-off (transmit and receive off), anything else
 * (2, 3, 5..127: 27.007 values and vendor modes such as Quectel's 7) 'other'.
 */
export function parseCfun(lines: readonly string[]): Result<CfunInfo> {
  const line = findPrefixed(lines, ['+CFUN:']);
  if (line === null) return fail('+CFUN: no +CFUN line in the response');
  const text = splitFields(line.rest)[0]?.text ?? '';
  const fun = toInt(text);
  if (fun === null) return fail(`+CFUN: <fun> ${show(text)} is not a number`);
  if (fun < 0 || fun > 255) return fail(`+CFUN: <fun> ${fun} out of range 0..255`);
  const mode = fun === 0 ? 'minimum' : fun === 1 ? 'full' : fun === 4 ? 'rf-off' : 'other';
  return ok({ fun, mode });
}
