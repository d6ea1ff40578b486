/**
 * What the agent needs to know about a certificate: who (subject CN = device id), bound to what
 * (SAN URIs → ICCID, IMEI), valid when, issued by whom, and its fingerprint. Pure over PEM or DER;
 * node:crypto's X509Certificate for what it offers (issuer, fingerprint, serial, CA flag), pkijs for
 * the rest (CN, SAN entries, exact validity times).
 */
import { X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import { fail, ok, type Result } from '../../modem/at/result.js';
import { parseIdentityUris } from './identity-uris.js';
import { pemDecode } from './pem.js';
import { parseDer, readCommonName, readSan } from './x509-asn1.js';

export interface CertInfo {
  /** Subject CN; for a device certificate, the device id. */
  readonly deviceId: string | null;
  /** From `urn:ztgw:iccid:` in the SAN, or null. */
  readonly iccid: string | null;
  /** From `urn:ztgw:imei:` in the SAN, or null. */
  readonly imei: string | null;
  /** Every SAN URI, ours and others. */
  readonly sanUris: readonly string[];
  readonly sanDnsNames: readonly string[];
  readonly sanIpAddresses: readonly string[];
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  /** Issuer DN as OpenSSL prints it, e.g. `CN=ztgw lab CA`. */
  readonly issuer: string;
  readonly issuerCommonName: string | null;
  /** SHA-256 of the DER, colon-separated upper-case hex (the form `openssl x509 -fingerprint` prints). */
  readonly fingerprintSha256: string;
  /** Serial number, upper-case hex. */
  readonly serialNumber: string;
  readonly isCa: boolean;
}

/** The DER of a certificate given as PEM text or DER bytes. */
export function certDer(cert: string | Uint8Array): Result<Uint8Array> {
  if (typeof cert !== 'string') return ok(cert);
  const der = pemDecode(cert, 'CERTIFICATE');
  return der.ok ? der : fail(`not a PEM certificate: ${der.reason}`);
}

/** Reads a certificate; anything malformed is a reason, never a throw. */
export function readCertInfo(cert: string | Uint8Array): Result<CertInfo> {
  const der = certDer(cert);
  if (!der.ok) return der;
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der.value);
  } catch (err) {
    return fail(`certificate: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = parseDer(der.value, 'certificate', (schema) => new pkijs.Certificate({ schema }));
  if (!parsed.ok) return parsed;
  const c = parsed.value;
  const san = readSan(c.extensions);
  if (!san.ok) return san;
  const ours = san.value.uris.filter((u) => u.startsWith('urn:ztgw:'));
  const binding = parseIdentityUris(ours);
  if (!binding.ok) return binding;
  return ok({
    deviceId: readCommonName(c.subject),
    iccid: binding.value.iccid,
    imei: binding.value.imei,
    sanUris: san.value.uris,
    sanDnsNames: san.value.dnsNames,
    sanIpAddresses: san.value.ipAddresses,
    notBeforeMs: c.notBefore.value.getTime(),
    notAfterMs: c.notAfter.value.getTime(),
    issuer: x509.issuer,
    issuerCommonName: readCommonName(c.issuer),
    fingerprintSha256: x509.fingerprint256,
    serialNumber: x509.serialNumber,
    isCa: x509.ca,
  });
}
