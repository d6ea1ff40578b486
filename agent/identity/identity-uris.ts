/**
 * The SIM and modem binding carried in a device certificate's subjectAltName as URIs:
 * `urn:ztgw:iccid:<digits>` (the SIM, ITU-T E.118) and `urn:ztgw:imei:<digits>` (the modem,
 * 3GPP TS 23.003 §6.2). Pure.
 */
import { fail, ok, type Result } from '../../modem/at/result.js';

export const ICCID_URI_PREFIX = 'urn:ztgw:iccid:';
export const IMEI_URI_PREFIX = 'urn:ztgw:imei:';

/** ICCID: 18 to 22 digits (E.118 allows up to 19 plus check digit; some issuers print 20-22). */
const ICCID_PATTERN = /^\d{18,22}$/;
/** IMEI: 14 digits without, 15 with the check digit, 16 for an IMEISV. */
const IMEI_PATTERN = /^\d{14,16}$/;

export interface BoundIdentity {
  readonly iccid: string | null;
  readonly imei: string | null;
}

/** Null when the ICCID is well formed, else the reason. */
export function iccidProblem(iccid: string): string | null {
  return ICCID_PATTERN.test(iccid) ? null : `ICCID ${JSON.stringify(iccid)} must be 18-22 digits`;
}

/** Null when the IMEI is well formed, else the reason. */
export function imeiProblem(imei: string): string | null {
  return IMEI_PATTERN.test(imei) ? null : `IMEI ${JSON.stringify(imei)} must be 14-16 digits`;
}

/** The SAN URIs for a binding, ICCID first; a null part is left out. Throws TypeError on malformed digits. */
export function identityUris(id: BoundIdentity): string[] {
  const uris: string[] = [];
  if (id.iccid !== null) {
    const p = iccidProblem(id.iccid);
    if (p !== null) throw new TypeError(p);
    uris.push(`${ICCID_URI_PREFIX}${id.iccid}`);
  }
  if (id.imei !== null) {
    const p = imeiProblem(id.imei);
    if (p !== null) throw new TypeError(p);
    uris.push(`${IMEI_URI_PREFIX}${id.imei}`);
  }
  return uris;
}

/**
 * Reads the binding back from SAN URIs. Only our two URI kinds are accepted, each at most once; no
 * URIs at all is `{ iccid: null, imei: null }` (an unbound certificate).
 */
export function parseIdentityUris(uris: readonly string[]): Result<BoundIdentity> {
  let iccid: string | null = null;
  let imei: string | null = null;
  for (const uri of uris) {
    if (uri.startsWith(ICCID_URI_PREFIX)) {
      const v = uri.slice(ICCID_URI_PREFIX.length);
      const p = iccidProblem(v);
      if (p !== null) return fail(`SAN URI ${JSON.stringify(uri)}: ${p}`);
      if (iccid !== null) return fail('SAN carries more than one ICCID URI');
      iccid = v;
    } else if (uri.startsWith(IMEI_URI_PREFIX)) {
      const v = uri.slice(IMEI_URI_PREFIX.length);
      const p = imeiProblem(v);
      if (p !== null) return fail(`SAN URI ${JSON.stringify(uri)}: ${p}`);
      if (imei !== null) return fail('SAN carries more than one IMEI URI');
      imei = v;
    } else {
      return fail(`SAN URI ${JSON.stringify(uri)} is neither ${ICCID_URI_PREFIX}… nor ${IMEI_URI_PREFIX}…`);
    }
  }
  return ok({ iccid, imei });
}

/** The last 4 digits, for logs and messages (full ICCID/IMEI are not logged at info). */
export function lastDigits(v: string | null): string {
  return v === null ? 'none' : `…${v.slice(-4)}`;
}
