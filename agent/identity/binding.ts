/**
 * The SIM/modem binding check, run before the uplink connects: does the SIM (ICCID) and modem
 * (IMEI) the device sees now match what its certificate was issued for? Pure.
 */
import { type BoundIdentity, lastDigits } from './identity-uris.js';

export type BindingStatus =
  | 'ok'
  | 'sim-mismatch'
  | 'modem-mismatch'
  | 'sim-and-modem-mismatch'
  | 'unknown-live'
  | 'unbound';

export interface BindingResult {
  readonly status: BindingStatus;
  /** One sentence for logs and `ztgw status`; ICCID/IMEI shown by their last 4 digits only. */
  readonly detail: string;
}

/** ICCIDs are read with a trailing `F` filler by some modems (E.118 odd-length padding). */
const norm = (v: string): string => v.trim().replace(/[fF]$/, '');

/**
 * Compares the certificate's binding with the live reading.
 *
 * - `unbound`: the certificate carries neither ICCID nor IMEI.
 * - `unknown-live`: `live` is null (could not read), or a bound part could not be read now and
 *   nothing that was read disagrees.
 * - a mismatch wins over an unreadable part: a swapped SIM is reported even when the IMEI is unknown.
 * - a part that is not bound is not compared.
 */
export function checkBinding(bound: BoundIdentity, live: BoundIdentity | null): BindingResult {
  if (bound.iccid === null && bound.imei === null)
    return { status: 'unbound', detail: 'the certificate binds no SIM or modem (no ICCID/IMEI in its SAN)' };
  if (live === null)
    return { status: 'unknown-live', detail: 'the SIM and modem identity could not be read' };
  const simDiffers = bound.iccid !== null && live.iccid !== null && norm(bound.iccid) !== norm(live.iccid);
  const modemDiffers = bound.imei !== null && live.imei !== null && norm(bound.imei) !== norm(live.imei);
  const sim = `certificate ICCID ${lastDigits(bound.iccid)}, SIM ICCID ${lastDigits(live.iccid)}`;
  const modem = `certificate IMEI ${lastDigits(bound.imei)}, modem IMEI ${lastDigits(live.imei)}`;
  if (simDiffers && modemDiffers)
    return { status: 'sim-and-modem-mismatch', detail: `SIM and modem both changed: ${sim}; ${modem}` };
  if (simDiffers) return { status: 'sim-mismatch', detail: `SIM changed: ${sim}` };
  if (modemDiffers) return { status: 'modem-mismatch', detail: `modem changed: ${modem}` };
  const unread: string[] = [];
  if (bound.iccid !== null && live.iccid === null) unread.push('ICCID');
  if (bound.imei !== null && live.imei === null) unread.push('IMEI');
  if (unread.length > 0)
    return {
      status: 'unknown-live',
      detail: `could not read the live ${unread.join(' and ')}; nothing read disagrees with the certificate`,
    };
  return { status: 'ok', detail: 'SIM and modem match the certificate' };
}
