/**
 * Builds and signs X.509 v3 certificates for the three profiles the project issues (RFC 5280):
 *
 *   ca      basicConstraints CA:true pathlen 0 (critical), keyUsage keyCertSign+cRLSign (critical)
 *   client  CA:false, keyUsage digitalSignature, extKeyUsage clientAuth, SAN URIs (device binding)
 *   server  CA:false, keyUsage digitalSignature, extKeyUsage serverAuth, SAN DNS names and IPs
 *
 * every one with subjectKeyIdentifier and (issued ones) authorityKeyIdentifier, ECDSA signatures.
 * Pure: serial and times come in as arguments.
 */
import { type KeyObject, sign } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pemEncode } from './pem.js';
import {
  algorithmId,
  commonNameRdn,
  keyIdOf,
  OID,
  type SanNames,
  sanExtension,
  signatureAlgorithmFor,
  spkiOf,
  x509Time,
} from './x509-asn1.js';

export type CertProfile = 'ca' | 'client' | 'server';

/** Who signs: the issuer's name (copied byte for byte from its certificate), key and key id. */
export interface Issuer {
  readonly name: pkijs.RelativeDistinguishedNames;
  readonly privateKey: KeyObject;
  readonly keyId: Uint8Array;
}

export interface BuildCertInput {
  readonly profile: CertProfile;
  readonly subjectCommonName: string;
  readonly subjectKey: pkijs.PublicKeyInfo;
  /** Omit for a self-signed certificate (the CA); then `selfKey` signs. */
  readonly issuer?: Issuer;
  /** The subject's own private key, required when `issuer` is omitted. */
  readonly selfKey?: KeyObject;
  /** Positive serial, 1..20 octets, first octet 0x01..0x7f (RFC 5280 §4.1.2.2). */
  readonly serial: Uint8Array;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly san?: SanNames;
}

/** keyUsage bits (RFC 5280 §4.2.1.3). */
const KU_DIGITAL_SIGNATURE = 0;
const KU_KEY_CERT_SIGN = 5;
const KU_CRL_SIGN = 6;

/** A DER named-bit BIT STRING: trailing zero bits dropped, unused bits counted (X.690 §11.2.2). */
function namedBits(bits: readonly number[]): asn1js.BitString {
  const highest = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const b of bits) bytes[b >> 3] = (bytes[b >> 3] ?? 0) | (0x80 >> (b & 7));
  return new asn1js.BitString({ valueHex: bytes, unusedBits: 7 - (highest % 8) });
}

function extension(extnID: string, critical: boolean, value: { toBER(sizeOnly?: boolean): ArrayBuffer }) {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

function profileExtensions(input: BuildCertInput, subjectKeyId: Uint8Array, issuerKeyId: Uint8Array) {
  const isCa = input.profile === 'ca';
  const exts: pkijs.Extension[] = [
    extension(
      OID.basicConstraints,
      true,
      new pkijs.BasicConstraints(isCa ? { cA: true, pathLenConstraint: 0 } : { cA: false }).toSchema(),
    ),
    extension(OID.keyUsage, true, namedBits(isCa ? [KU_KEY_CERT_SIGN, KU_CRL_SIGN] : [KU_DIGITAL_SIGNATURE])),
  ];
  if (!isCa)
    exts.push(
      extension(
        OID.extKeyUsage,
        false,
        new pkijs.ExtKeyUsage({
          keyPurposes: [input.profile === 'server' ? OID.serverAuth : OID.clientAuth],
        }).toSchema(),
      ),
    );
  exts.push(extension(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: subjectKeyId })));
  if (input.issuer !== undefined)
    exts.push(
      extension(
        OID.authorityKeyIdentifier,
        false,
        new pkijs.AuthorityKeyIdentifier({
          keyIdentifier: new asn1js.OctetString({ valueHex: issuerKeyId }),
        }).toSchema(),
      ),
    );
  const san = input.san;
  if (san !== undefined && san.uris.length + san.dnsNames.length + san.ipAddresses.length > 0)
    exts.push(sanExtension(san));
  return exts;
}

/**
 * A signed certificate as PEM. Throws TypeError on inputs a caller must not pass (bad serial,
 * notAfter before notBefore, unsupported signing key, self-signed without `selfKey`).
 */
export function buildCertificate(input: BuildCertInput): string {
  const first = input.serial[0];
  if (first === undefined || first === 0 || first > 0x7f || input.serial.length > 20)
    throw new TypeError('serial must be 1..20 octets with a first octet of 0x01..0x7f');
  if (!(input.notAfterMs > input.notBeforeMs)) throw new TypeError('notAfterMs must be after notBeforeMs');
  const signer = input.issuer?.privateKey ?? input.selfKey;
  if (signer === undefined) throw new TypeError('a self-signed certificate needs selfKey');
  const alg = signatureAlgorithmFor(signer);
  if (!alg.ok) throw new TypeError(`cannot sign: ${alg.reason}`);
  if (input.issuer === undefined && !spkiMatches(input.subjectKey, signer))
    throw new TypeError('selfKey is not the private half of subjectKey');

  const subjectKeyId = keyIdOf(input.subjectKey);
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: input.serial });
  cert.signature = algorithmId(alg.value.oid);
  cert.signatureAlgorithm = algorithmId(alg.value.oid);
  cert.subject = commonNameRdn(input.subjectCommonName);
  cert.issuer = input.issuer?.name ?? cert.subject;
  cert.notBefore = x509Time(input.notBeforeMs);
  cert.notAfter = x509Time(input.notAfterMs);
  cert.subjectPublicKeyInfo = input.subjectKey;
  cert.extensions = profileExtensions(input, subjectKeyId, input.issuer?.keyId ?? subjectKeyId);
  const tbs = new Uint8Array(cert.encodeTBS().toBER(false));
  // toSchema() serialises the stored TBS bytes: set them to exactly what was signed.
  cert.tbsView = tbs;
  cert.signatureValue = new asn1js.BitString({ valueHex: sign(alg.value.hash, tbs, signer) });
  return pemEncode('CERTIFICATE', new Uint8Array(cert.toSchema().toBER(false)));
}

function spkiMatches(spki: pkijs.PublicKeyInfo, key: KeyObject): boolean {
  const a = Buffer.from(spki.toSchema().toBER(false));
  const b = Buffer.from(spkiOf(key).toSchema().toBER(false));
  return a.equals(b);
}
