/**
 * `AT+COPS?` current operator (3GPP TS 27.007 §7.3).
 */
import { splitFields, toInt } from '../fields.js';
import { fail, ok, type Result } from '../result.js';
import type { CopsInfo } from '../types.js';
import { actName } from './access-tech.js';
import { findPrefixed, hasGarbage, show } from './lines.js';

/**
 * Decodes an operator string the modem wrote in UCS2 hex because `AT+CSCS="UCS2"` is set
 * (u-blox LARA-R2: `"00320031003400300037"` for 21407; ModemManager test-modem-helpers.c). Only text
 * of 4-hex-digit groups that all decode to printable characters is taken for UCS2.
 */
function fromUcs2(text: string): string | null {
  if (text.length < 8 || text.length % 4 !== 0 || !/^[0-9a-f]+$/i.test(text)) return null;
  let out = '';
  for (let i = 0; i < text.length; i += 4) {
    const code = Number.parseInt(text.slice(i, i + 4), 16);
    if (code < 0x20 || code === 0x7f || (code >= 0xd800 && code <= 0xdfff) || code > 0x7ff) return null;
    out += String.fromCharCode(code);
  }
  return out;
}

/** MCC and MNC of a 5- or 6-digit numeric operator (MNC of 2 or 3 digits; 23.003 §2.2). */
function splitPlmn(digits: string): { mcc: string; mnc: string } | null {
  if (!/^\d{5,6}$/.test(digits)) return null;
  return { mcc: digits.slice(0, 3), mnc: digits.slice(3) };
}

/**
 * Reads `+COPS: <mode>[,<format>,<oper>[,<AcT>]]`. `+COPS: 0` alone means no operator (not
 * registered). Format 2 must be 5 or 6 digits and gives `mcc`/`mnc` (`"26202"` → 262/02,
 * `"310410"` → 310/410); formats 0 and 1 give `name`, and `mcc`/`mnc` too when the "name" is
 * itself numeric (some modems do that before the network name is known). A test answer
 * (`+COPS: (2,"…"),…`) is not a read answer and gives a reason.
 */
export function parseCops(lines: readonly string[]): Result<CopsInfo> {
  const line = findPrefixed(lines, ['+COPS:']);
  if (line === null) return fail('+COPS: no +COPS line in the response');
  if (line.rest.startsWith('(')) return fail('+COPS: a network list (answer to AT+COPS=?), not AT+COPS?');
  const fields = splitFields(line.rest);
  const [modeField, formatField, operField, actField] = fields;
  if (modeField === undefined) return fail('+COPS: expected <mode>, got nothing');
  const mode = toInt(modeField.text);
  if (mode === null) return fail(`+COPS: <mode> ${show(modeField.text)} is not a number`);
  if (mode < 0 || mode > 4) return fail(`+COPS: <mode> ${mode} out of range 0..4`);

  let format: number | null = null;
  if (formatField !== undefined && formatField.text !== '') {
    format = toInt(formatField.text);
    if (format === null) return fail(`+COPS: <format> ${show(formatField.text)} is not a number`);
    if (format < 0 || format > 2) return fail(`+COPS: <format> ${format} out of range 0..2`);
  }

  let act: number | null = null;
  if (actField !== undefined && actField.text !== '') {
    act = toInt(actField.text);
    if (act === null || act < 0) return fail(`+COPS: <AcT> ${show(actField.text)} is not a number`);
  }

  const raw = (operField?.text ?? '').trim();
  let operator: string | null = null;
  let name: string | null = null;
  let plmn: { mcc: string; mnc: string } | null = null;
  if (raw !== '') {
    if (hasGarbage(raw)) return fail(`+COPS: <oper> ${show(raw)} has unreadable characters`);
    const decoded = fromUcs2(raw) ?? raw;
    if (format === 2) {
      const digits = decoded.replace(/\s+/g, '');
      plmn = splitPlmn(digits);
      if (plmn === null) return fail(`+COPS: numeric <oper> ${show(raw)} is not 5 or 6 digits`);
      operator = digits;
    } else {
      operator = decoded;
      name = decoded;
      plmn = splitPlmn(decoded);
    }
  }

  return ok({
    mode,
    format: operator === null ? null : format,
    operator,
    name,
    mcc: plmn?.mcc ?? null,
    mnc: plmn?.mnc ?? null,
    act: operator === null ? null : act,
    actName: operator === null || act === null ? null : actName(act),
  });
}
