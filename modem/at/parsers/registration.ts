/**
 * Network registration lines (3GPP TS 27.007): `+CREG` (§7.2, CS), `+CGREG` (§10.1.19, GPRS),
 * `+CEREG` (§10.1.22, EPS) and `+C5GREG` (§10.1.47, 5GS), in the read form `<n>,<stat>,…` answered
 * to `AT+CxREG?` and in the URC form `<stat>,…`.
 *
 * Field layout after `<stat>` (every field after it optional, and may be empty):
 *
 *   +CREG    <lac>,<ci>,<AcT>,<cause_type>,<reject_cause>
 *   +CGREG   <lac>,<ci>,<AcT>,<rac>,<cause_type>,<reject_cause>,…
 *   +CEREG   <tac>,<ci>,<AcT>,<cause_type>,<reject_cause>,<Active-Time>,<Periodic-TAU>
 *   +C5GREG  <tac>,<ci>,<AcT>,<Allowed_NSSAI_length>,<Allowed_NSSAI>,<cause_type>,<reject_cause>
 */
import { type Field, splitFields, toHex, toInt } from '../fields.js';
import { fail, ok, type Result } from '../result.js';
import type { RegDomain, RegInfo } from '../types.js';
import { actName } from './access-tech.js';
import { cleanLine, show } from './lines.js';
import { isKnownStat, regStateFromStat } from './reg-state.js';

const PREFIXES: ReadonlyArray<readonly [string, RegDomain]> = [
  ['+CREG:', 'cs'],
  ['+CGREG:', 'gprs'],
  ['+CEREG:', 'eps'],
  ['+C5GREG:', '5gs'],
];

/** Index of `<reject_cause>` counted from `<stat>` = 0, per domain. */
const REJECT_CAUSE_AT: Readonly<Record<RegDomain, number>> = { cs: 5, gprs: 6, eps: 5, '5gs': 7 };

/** A registration line split into its domain, prefix and fields. */
export interface RegLine {
  readonly domain: RegDomain;
  readonly prefix: string;
  readonly fields: readonly Field[];
}

/** Recognises the prefix of a registration line; null when it is none of the four. */
export function splitRegLine(line: string): RegLine | null {
  const t = cleanLine(line);
  const upper = t.toUpperCase();
  for (const [prefix, domain] of PREFIXES) {
    if (upper.startsWith(prefix)) return { domain, prefix, fields: splitFields(t.slice(prefix.length)) };
  }
  return null;
}

/**
 * A LAC/TAC/CI field as hexadecimal: quoted or not, zero-padded or not, any case (`"00A1"`, `A1`,
 * `00a1`), up to 52 significant bits so 36-bit NR cell ids fit. `undefined` or empty gives null;
 * text that is not hexadecimal gives 'bad'. White space inside the field is dropped (a Qualcomm
 * Gobi 1000 sends `  0 5`; ModemManager test-modem-helpers.c).
 */
export function hexField(field: Field | undefined): number | null | 'bad' {
  if (field === undefined) return null;
  const t = field.text.replace(/\s+/g, '');
  if (t === '') return null;
  const digits = t.replace(/^0x/i, '').replace(/^0+(?=.)/, '');
  return toHex(digits) ?? 'bad';
}

/** An integer field where a vendor may put junk: empty, missing or not an integer gives null. */
function looseInt(field: Field | undefined): number | null {
  if (field === undefined || field.quoted) return null;
  const n = toInt(field.text);
  return n !== null && n >= 0 ? n : null;
}

function parseAfterStat(
  reg: RegLine,
  form: 'read' | 'urc',
  n: number | null,
  fields: readonly Field[],
): Result<RegInfo> {
  const name = reg.prefix.slice(0, -1);
  const statField = fields[0];
  if (statField === undefined || statField.text === '') return fail(`${name}: missing <stat>`);
  const stat = statField.quoted ? null : toInt(statField.text);
  if (stat === null) return fail(`${name}: <stat> ${show(statField.text.trim())} is not a number`);
  if (!isKnownStat(stat)) return fail(`${name}: <stat> ${stat} out of range 0..11`);
  const area = hexField(fields[1]);
  const areaName = reg.domain === 'cs' || reg.domain === 'gprs' ? 'lac' : 'tac';
  if (area === 'bad')
    return fail(`${name}: ${areaName} ${show(fields[1]?.text.trim() ?? '')} is not hexadecimal`);
  const cellId = hexField(fields[2]);
  if (cellId === 'bad') return fail(`${name}: ci ${show(fields[2]?.text.trim() ?? '')} is not hexadecimal`);
  // Samsung Wave S8500 sends `+CREG: 2,1,000B,2816, B, C2816`: junk where <AcT> belongs is no AcT.
  const act = looseInt(fields[3]);
  return ok({
    domain: reg.domain,
    form,
    n,
    stat,
    state: regStateFromStat(stat),
    lac: areaName === 'lac' ? area : null,
    tac: areaName === 'tac' ? area : null,
    cellId,
    act,
    actName: act === null ? null : actName(act),
    rejectCause: looseInt(fields[REJECT_CAUSE_AT[reg.domain]]),
  });
}

function badPrefix(line: string): Result<RegInfo> {
  return fail(`expected +CREG/+CGREG/+CEREG/+C5GREG, got ${show(cleanLine(line))}`);
}

/**
 * Reads the answer to `AT+CREG?`/`AT+CGREG?`/`AT+CEREG?`/`AT+C5GREG?`: `<n>,<stat>[,…]`. The domain
 * comes from the prefix; LAC/TAC/CI are hexadecimal (see {@link hexField}); a missing or non-numeric
 * `<AcT>` or reject cause is null. `<n>` must be 0..5 and `<stat>` 0..11 (or 90, nRF91).
 */
export function parseRegRead(line: string): Result<RegInfo> {
  const reg = splitRegLine(line);
  if (reg === null) return badPrefix(line);
  const name = reg.prefix.slice(0, -1);
  if (reg.fields.length < 2) return fail(`${name}: expected <n>,<stat>, got ${reg.fields.length} field(s)`);
  const nField = reg.fields[0];
  const n = nField === undefined || nField.quoted ? null : toInt(nField.text);
  if (n === null) return fail(`${name}: <n> ${show(nField?.text.trim() ?? '')} is not a number`);
  if (n < 0 || n > 5) return fail(`${name}: <n> ${n} out of range 0..5`);
  return parseAfterStat(reg, 'read', n, reg.fields.slice(1));
}

/** Reads a registration URC, `<stat>[,…]` without `<n>`; otherwise as {@link parseRegRead}. */
export function parseRegUrc(line: string): Result<RegInfo> {
  const reg = splitRegLine(line);
  if (reg === null) return badPrefix(line);
  return parseAfterStat(reg, 'urc', null, reg.fields);
}
