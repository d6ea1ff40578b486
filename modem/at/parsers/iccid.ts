/**
 * The SIM's ICCID (ITU-T E.118), from the vendor commands that print it or from EF_ICCID read with
 * `AT+CRSM` (3GPP TS 27.007 §8.18, EF 2FE2 in 3GPP TS 31.102 §4.1.1).
 */
import { splitFields, toInt } from '../fields.js';
import { luhnValid } from '../luhn.js';
import { fail, ok, type Result } from '../result.js';
import type { IccidInfo } from '../types.js';
import { cleanLine, findPrefixed, show, unquote } from './lines.js';

// Labels by vendor: u-blox/SIMCom SIM800 +CCID, Quectel +QCCID, SIMCom SIM7600 +ICCID (to
// AT+CICCID), Huawei/ZTE ^ICCID, Sierra !ICCID, Telit #CCID, Cinterion ^SCID, nRF91 %XICCID.
const PREFIXES = [
  '+CCID:',
  '+QCCID:',
  '+ICCID:',
  '+CICCID:',
  '^ICCID:',
  '!ICCID:',
  '#CCID:',
  '^SCID:',
  '%XICCID:',
  'ICCID:',
];

/** Any other `…CCID:` label (`+ZGETICCID:` on ZTE, vendor variants of the above). */
const ANY_CCID_LABEL = /^[+^!#%$]?[A-Z]*CCID:/i;

const MIN_DIGITS = 18;
const MAX_DIGITS = 22;

/** Swaps the two nibbles of every byte: `"984402…"` → `"894420…"` (BCD as stored on the card). */
function swapNibbles(hex: string): string {
  let out = '';
  for (let i = 0; i + 1 < hex.length; i += 2) out += `${hex.charAt(i + 1)}${hex.charAt(i)}`;
  return out;
}

/**
 * Normalises ICCID text to digits: drops white space and the F filler of a 19-digit ICCID (any
 * case, trailing); text starting `98` and of even length is taken as nibble-swapped BCD, since every
 * telecom ICCID starts with the industry identifier 89 (E.118; ModemManager mm_3gpp_parse_iccid
 * does the same).
 */
function normaliseIccid(text: string, what: string): Result<IccidInfo> {
  let t = unquote(text).replace(/\s+/g, '').toUpperCase();
  if (t.startsWith('98') && t.length % 2 === 0 && /^[0-9F]+$/.test(t)) t = swapNibbles(t);
  const digits = t.replace(/F+$/, '');
  if (digits === '') return fail(`${what}: no ICCID in ${show(text)}`);
  if (!/^\d+$/.test(digits)) return fail(`${what}: ICCID ${show(text)} has non-digit characters`);
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) {
    return fail(`${what}: ICCID has ${digits.length} digits, expected ${MIN_DIGITS}..${MAX_DIGITS}`);
  }
  return ok({ iccid: digits, valid: luhnValid(digits) });
}

/**
 * Reads an ICCID in any vendor form: `+CCID: "89…"`, `+CCID: 89…`, `+QCCID: 89…F`, `+ICCID: 89…`,
 * `^ICCID: "…"`, `!ICCID: …`, `ICCID: …`, `#CCID: …`, `+CICCID: …`, any other `…CCID:` label, or
 * a bare line of digits (SIMCom SIM800 `AT+CCID`). 18 to 22 digits are accepted; `valid` is the Luhn check.
 */
export function parseIccid(lines: readonly string[]): Result<IccidInfo> {
  const line = findPrefixed(lines, PREFIXES);
  if (line !== null) return normaliseIccid(line.rest, line.prefix.slice(0, -1));
  for (const raw of lines) {
    const t = cleanLine(raw);
    const label = ANY_CCID_LABEL.exec(t);
    if (label !== null) return normaliseIccid(t.slice(label[0].length), label[0].slice(0, -1));
  }
  for (const raw of lines) {
    const t = unquote(cleanLine(raw));
    if (/^[0-9][0-9A-Fa-f]*$/.test(t)) return normaliseIccid(t, 'ICCID');
  }
  return fail('ICCID: no ICCID line in the response');
}

/**
 * Reads `+CRSM: <sw1>,<sw2>,"<response>"` from `AT+CRSM=176,12258,0,0,10` (READ BINARY of
 * EF_ICCID). sw1 144 (0x90, normal end) and 145 (0x91, normal end with proactive command pending)
 * are success; any other status gives a reason naming sw1/sw2 (e.g. 106/130, 0x6A82: file not
 * found). The response is BCD with swapped nibbles and F filler (`"98940100000000000004"` →
 * `89491000000000000040`).
 */
export function parseCrsmIccid(lines: readonly string[]): Result<IccidInfo> {
  const line = findPrefixed(lines, ['+CRSM:']);
  if (line === null) return fail('+CRSM: no +CRSM line in the response');
  const fields = splitFields(line.rest);
  const sw1 = toInt(fields[0]?.text);
  const sw2 = toInt(fields[1]?.text);
  if (sw1 === null || sw2 === null) return fail(`+CRSM: sw1/sw2 ${show(line.rest)} are not numbers`);
  const sw = `sw1=${sw1} sw2=${sw2} (0x${hex2(sw1)}${hex2(sw2)})`;
  if (sw1 !== 0x90 && sw1 !== 0x91) return fail(`+CRSM: SIM refused the read, ${sw}`);
  const data = (fields[2]?.text ?? '').replace(/\s+/g, '').toUpperCase();
  if (data === '') return fail(`+CRSM: ${sw} but no response data`);
  if (!/^[0-9A-F]+$/.test(data) || data.length % 2 !== 0) {
    return fail(`+CRSM: response ${show(data)} is not hexadecimal bytes`);
  }
  // A few modems hand back the digits already swapped; an ICCID always starts with 89.
  const bcd = data.startsWith('89') ? data : swapNibbles(data);
  return normaliseIccid(bcd, '+CRSM');
}

function hex2(n: number): string {
  return (n & 0xff).toString(16).toUpperCase().padStart(2, '0');
}
