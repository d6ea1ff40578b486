/**
 * The device's PKCS#10 certificate request (RFC 2986): subject CN = device id, an extensionRequest
 * (PKCS #9) carrying subjectAltName URIs `urn:ztgw:iccid:<digits>` and `urn:ztgw:imei:<digits>`,
 * signed by the device key. `readCsr` is the CA side: parse, check the self-signature, extract.
 * Pure: no I/O, no clock.
 */
import { type KeyObject, sign, verify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { fail, ok, type Result } from '../../modem/at/result.js';
import { ZtgwError } from '../../modem/errors.js';
import { deviceIdProblem } from './device-id.js';
import { type BoundIdentity, identityUris } from './identity-uris.js';
import { pemDecode, pemEncode } from './pem.js';
import {
  algorithmId,
  commonNameRdn,
  hashOfSignatureOid,
  OID,
  parseDer,
  publicKeyOf,
  type ReadSan,
  readCommonName,
  readSan,
  sanExtension,
  signatureAlgorithmFor,
  spkiOf,
} from './x509-asn1.js';

export interface CsrSubject extends BoundIdentity {
  readonly deviceId: string;
}

/**
 * A PEM CSR for `subject`, signed by `privateKey` (EC P-256 or P-384). Throws IDENTITY_CSR naming
 * the field when the device id, ICCID or IMEI is malformed, or the key is not usable.
 */
export function createCsr(subject: CsrSubject, privateKey: KeyObject): string {
  const idProblem = deviceIdProblem(subject.deviceId);
  if (idProblem !== null) throw new ZtgwError('IDENTITY_CSR', idProblem, { field: 'deviceId' });
  let uris: string[];
  try {
    uris = identityUris(subject);
  } catch (err) {
    throw new ZtgwError('IDENTITY_CSR', err instanceof Error ? err.message : String(err), { field: 'san' });
  }
  const alg = signatureAlgorithmFor(privateKey);
  if (!alg.ok)
    throw new ZtgwError('IDENTITY_CSR', `cannot sign with this key: ${alg.reason}`, { field: 'key' });

  const csr = new pkijs.CertificationRequest();
  csr.version = 0;
  csr.subject = commonNameRdn(subject.deviceId);
  csr.subjectPublicKeyInfo = spkiOf(privateKey);
  if (uris.length > 0) {
    const extensions = new pkijs.Extensions({
      extensions: [sanExtension({ uris, dnsNames: [], ipAddresses: [] })],
    });
    csr.attributes = [new pkijs.Attribute({ type: OID.extensionRequest, values: [extensions.toSchema()] })];
  }
  csr.signatureAlgorithm = algorithmId(alg.value.oid);
  // toSchema(true) encodes the TBS afresh; toSchema() later serialises the stored TBS bytes, so they
  // are set once here and signed exactly as they will be sent.
  const tbs = csr.toSchema(true).valueBlock.value[0];
  if (tbs === undefined)
    throw new ZtgwError('IDENTITY_CSR', 'could not encode the request', { field: 'tbs' });
  csr.tbsView = new Uint8Array(tbs.toBER(false));
  const signature = sign(alg.value.hash, csr.tbsView, privateKey);
  csr.signatureValue = new asn1js.BitString({ valueHex: signature });
  return pemEncode('CERTIFICATE REQUEST', new Uint8Array(csr.toSchema().toBER(false)));
}

/** What a CA needs from a request whose self-signature verified. */
export interface CsrContents {
  readonly commonName: string | null;
  readonly san: ReadSan;
  /** Extension OIDs requested besides subjectAltName (the CA does not copy them). */
  readonly otherExtensions: readonly string[];
  readonly publicKey: KeyObject;
  /** The SPKI exactly as requested, for the certificate. */
  readonly spki: pkijs.PublicKeyInfo;
}

function requestedExtensions(csr: pkijs.CertificationRequest): Result<pkijs.Extension[]> {
  const out: pkijs.Extension[] = [];
  for (const attr of csr.attributes ?? []) {
    if (attr.type !== OID.extensionRequest) continue;
    for (const v of attr.values) {
      if (!(v instanceof asn1js.Sequence)) return fail('extensionRequest attribute is not a SEQUENCE');
      try {
        out.push(...new pkijs.Extensions({ schema: v }).extensions);
      } catch (err) {
        return fail(`extensionRequest: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  return ok(out);
}

/**
 * Parses a PEM CSR and verifies its self-signature (ECDSA with SHA-256/384 over the request's own
 * TBS bytes). Any failure is a reason, never a throw.
 */
export function readCsr(pem: string): Result<CsrContents> {
  const der = pemDecode(pem, 'CERTIFICATE REQUEST');
  if (!der.ok) return fail(`not a PEM certificate request: ${der.reason}`);
  const parsed = parseDer(
    der.value,
    'certificate request',
    (schema) => new pkijs.CertificationRequest({ schema }),
  );
  if (!parsed.ok) return parsed;
  const csr = parsed.value;
  const publicKey = publicKeyOf(csr.subjectPublicKeyInfo);
  if (!publicKey.ok) return publicKey;
  const keyAlg = signatureAlgorithmFor(publicKey.value);
  if (!keyAlg.ok) return fail(`unsupported public key: ${keyAlg.reason}`);
  const sigOid = csr.signatureAlgorithm.algorithmId;
  const hash = hashOfSignatureOid(sigOid);
  if (hash === null)
    return fail(`unsupported signature algorithm ${sigOid} (expected ECDSA with SHA-256 or SHA-384)`);
  const signature = new Uint8Array(csr.signatureValue.valueBlock.valueHexView);
  let isValid = false;
  try {
    isValid = verify(hash, csr.tbsView, publicKey.value, signature);
  } catch (err) {
    return fail(`signature is malformed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isValid) return fail('the request signature does not verify with its own public key');
  const exts = requestedExtensions(csr);
  if (!exts.ok) return exts;
  const san = readSan(exts.value);
  if (!san.ok) return san;
  return ok({
    commonName: readCommonName(csr.subject),
    san: san.value,
    otherExtensions: exts.value.filter((e) => e.extnID !== OID.subjectAltName).map((e) => e.extnID),
    publicKey: publicKey.value,
    spki: csr.subjectPublicKeyInfo,
  });
}
