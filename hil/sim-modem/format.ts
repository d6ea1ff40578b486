/**
 * Small formatting rules shared by the responder and the profiles: final result codes, CME error
 * texts, framing, hex fields, ICCID encodings, the +CCLK clock.
 */
import type { ModemState, NetworkTime } from './state.js';

/** 27.007 §9.2 error numbers the simulator uses, with their verbose texts (CMEE=2). */
export const CME_TEXT: Readonly<Record<number, string>> = {
  3: 'operation not allowed',
  4: 'operation not supported',
  10: 'SIM not inserted',
  11: 'SIM PIN required',
  12: 'SIM PUK required',
  13: 'SIM failure',
  14: 'SIM busy',
  16: 'incorrect password',
  30: 'no network service',
  50: 'Incorrect parameters',
  100: 'unknown',
};

/** The final result for a CME error under the current `+CMEE` mode (27.007 §9.1). */
export function cmeFinal(cmee: number, code: number): string {
  if (cmee === 1) return `+CME ERROR: ${code}`;
  if (cmee === 2) return `+CME ERROR: ${CME_TEXT[code] ?? 'unknown'}`;
  return 'ERROR';
}

/**
 * Frames a response as a modem does (V.250 §5.7 with V1): each information line as
 * `<CR><LF>text<CR><LF>`, then `<CR><LF>final<CR><LF>`. `eol` replaces the trailing CR LF (the
 * `crcrlf` fault uses `\r\r\n`).
 */
export function frameLines(lines: readonly string[], eol = '\r\n'): string {
  return lines.map((l) => `\r\n${l}${eol}`).join('');
}

/** Upper-case hex, zero-padded to `width` digits. */
export function hex(value: number, width: number): string {
  return value.toString(16).toUpperCase().padStart(width, '0');
}

/** Luhn check digit of a digit string (ISO/IEC 7812-1; IMEI and ICCID both use it). */
export function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let n = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return String((10 - (sum % 10)) % 10);
}

export function isLuhnValid(digits: string): boolean {
  return /^\d{2,}$/.test(digits) && luhnDigit(digits.slice(0, -1)) === digits.slice(-1);
}

/** The ICCID padded with `F` to the 20 nibbles of EF_ICCID (TS 102 221 §13.2). */
export function iccidPadded(iccid: string): string {
  return iccid.padEnd(20, 'F');
}

/**
 * EF_ICCID as `+CRSM` READ BINARY returns it: BCD with the nibbles of each byte swapped, so
 * `8949…` reads `9894…` (TS 102 221 §13.2; 27.007 §8.18).
 */
export function iccidToEfHex(iccid: string): string {
  const padded = iccidPadded(iccid);
  let out = '';
  for (let i = 0; i < padded.length; i += 2) out += `${padded[i + 1] ?? 'F'}${padded[i] ?? 'F'}`;
  return out;
}

const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/;

/** Whether an ISO string starts with a local date-time the clock can use. */
export function isIsoLocal(iso: string): boolean {
  return ISO_LOCAL.test(iso);
}

/** The RTC default of a modem whose clock was never set by the network. */
export const CCLK_UNSET = '80/01/06,00:00:08+00';

/**
 * `+CCLK` value `yy/MM/dd,hh:mm:ss±zz` (27.007 §8.15; zz in quarter hours). The clock runs from
 * `setAtMs` when `nowMs` is given.
 */
export function formatCclk(time: NetworkTime | null, nowMs?: number): string {
  if (time === null) return CCLK_UNSET;
  const m = ISO_LOCAL.exec(time.iso);
  if (m === null) return CCLK_UNSET;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const elapsedMs = nowMs !== undefined && time.setAtMs !== undefined ? Math.max(0, nowMs - time.setAtMs) : 0;
  const t = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0) + elapsedMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  const tz = time.tzQuarterHours;
  const sign = tz < 0 ? '-' : '+';
  return (
    `${two(t.getUTCFullYear() % 100)}/${two(t.getUTCMonth() + 1)}/${two(t.getUTCDate())},` +
    `${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}${sign}${two(Math.abs(tz))}`
  );
}

/** `+CSQ` `<rssi>` as dBm (27.007 §8.5: -113 + 2n). */
export function csqToDbm(csq: number): number | null {
  return csq >= 0 && csq <= 31 ? -113 + 2 * csq : null;
}

/** RSSI in dBm a vendor query shows, from the scripted `+CSQ`; -113 when unknown. */
export function rssiDbmOf(state: ModemState): number {
  return csqToDbm(state.signal.csq) ?? -113;
}

/** The numeric operator, `26201`. */
export function plmnOf(state: ModemState): string {
  return `${state.operator.mcc}${state.operator.mnc}`;
}
