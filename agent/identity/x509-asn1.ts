/**
 * The X.509 building blocks shared by the CSR, the certificate builder and the readers: object
 * identifiers, names, subjectAltName, public keys, signature algorithms, times and key ids. Pure:
 * no I/O, no clock; ASN.1 via asn1js/pkijs, signatures via node:crypto.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { fail, ok, type Result } from '../../modem/at/result.js';

/** Object identifiers used here (RFC 5280 §4.2.1, RFC 5758 §3.2, PKCS #9). */
export const OID = {
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  extensionRequest: '1.2.840.113549.1.9.14',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
} as const;

/** GeneralName CHOICE tags (RFC 5280 §4.2.1.6). */
const GN_DNS = 2;
const GN_URI = 6;
const GN_IP = 7;

/** A parsed DER object, or the reason it could not be read. */
export function parseDer<T>(der: Uint8Array, what: string, make: (schema: asn1js.AsnType) => T): Result<T> {
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) return fail(`${what}: not DER (${asn1.result.error || 'decode error'})`);
  try {
    return ok(make(asn1.result));
  } catch (err) {
    return fail(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A name holding one CN, as UTF8String (RFC 5280 §4.1.2.6 recommends UTF8String). */
export function commonNameRdn(cn: string): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [
      new pkijs.AttributeTypeAndValue({ type: OID.commonName, value: new asn1js.Utf8String({ value: cn }) }),
    ],
  });
}

/** The (last) CN of a name, or null when there is none. */
export function readCommonName(name: pkijs.RelativeDistinguishedNames): string | null {
  let cn: string | null = null;
  for (const tv of name.typesAndValues) {
    if (tv.type === OID.commonName) cn = tv.value.getValue();
  }
  return cn;
}

/** SPKI of a public key (or of the public half of a private key). */
export function spkiOf(key: KeyObject): pkijs.PublicKeyInfo {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const der = new Uint8Array(pub.export({ type: 'spki', format: 'der' }));
  return new pkijs.PublicKeyInfo({ schema: asn1js.fromBER(der).result });
}

/** A node:crypto public key from an SPKI, or the reason it is not usable. */
export function publicKeyOf(spki: pkijs.PublicKeyInfo): Result<KeyObject> {
  try {
    const der = Buffer.from(spki.toSchema().toBER(false));
    return ok(createPublicKey({ key: der, format: 'der', type: 'spki' }));
  } catch (err) {
    return fail(`public key: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export interface SignatureAlgorithm {
  readonly oid: string;
  /** node:crypto digest name. */
  readonly hash: 'sha256' | 'sha384';
}

/** ECDSA on P-256 with SHA-256, on P-384 with SHA-384; anything else is refused with the reason. */
export function signatureAlgorithmFor(key: KeyObject): Result<SignatureAlgorithm> {
  if (key.asymmetricKeyType !== 'ec') return fail(`key type ${String(key.asymmetricKeyType)} (expected EC)`);
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === 'prime256v1') return ok({ oid: OID.ecdsaWithSha256, hash: 'sha256' });
  if (curve === 'secp384r1') return ok({ oid: OID.ecdsaWithSha384, hash: 'sha384' });
  return fail(`EC curve ${String(curve)} (expected P-256 or P-384)`);
}

/** The digest for a signature algorithm OID we accept, or null. */
export function hashOfSignatureOid(oid: string): SignatureAlgorithm['hash'] | null {
  if (oid === OID.ecdsaWithSha256) return 'sha256';
  if (oid === OID.ecdsaWithSha384) return 'sha384';
  return null;
}

/** An AlgorithmIdentifier for ECDSA: parameters absent (RFC 5758 §3.2). */
export function algorithmId(oid: string): pkijs.AlgorithmIdentifier {
  return new pkijs.AlgorithmIdentifier({ algorithmId: oid });
}

export interface SanNames {
  readonly uris: readonly string[];
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

/** The subjectAltName extension; non-critical because the subject always has a CN here (§4.2.1.6). */
export function sanExtension(names: SanNames): pkijs.Extension {
  const list: pkijs.GeneralName[] = [
    ...names.dnsNames.map((v) => new pkijs.GeneralName({ type: GN_DNS, value: v })),
    ...names.ipAddresses.map(
      (v) => new pkijs.GeneralName({ type: GN_IP, value: new asn1js.OctetString({ valueHex: ipBytes(v) }) }),
    ),
    ...names.uris.map((v) => new pkijs.GeneralName({ type: GN_URI, value: v })),
  ];
  const value = new pkijs.GeneralNames({ names: list });
  return new pkijs.Extension({
    extnID: OID.subjectAltName,
    critical: false,
    extnValue: value.toSchema().toBER(false),
  });
}

export interface ReadSan extends SanNames {
  /** GeneralName kinds other than DNS, IP and URI (email, directoryName …), counted. */
  readonly otherCount: number;
}

const EMPTY_SAN: ReadSan = { uris: [], dnsNames: [], ipAddresses: [], otherCount: 0 };

/** The subjectAltName of an extension list (empty when absent), or the reason it cannot be read. */
export function readSan(extensions: readonly pkijs.Extension[] | undefined): Result<ReadSan> {
  const ext = (extensions ?? []).find((e) => e.extnID === OID.subjectAltName);
  if (ext === undefined) return ok(EMPTY_SAN);
  const parsed = parseDer(
    new Uint8Array(ext.extnValue.getValue()),
    'subjectAltName',
    (schema) => new pkijs.GeneralNames({ schema }),
  );
  if (!parsed.ok) return parsed;
  const uris: string[] = [];
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  let otherCount = 0;
  for (const gn of parsed.value.names) {
    const v: unknown = gn.value;
    if (gn.type === GN_URI && typeof v === 'string') uris.push(v);
    else if (gn.type === GN_DNS && typeof v === 'string') dnsNames.push(v);
    else if (gn.type === GN_IP && v instanceof asn1js.OctetString) ipAddresses.push(ipText(v.getValue()));
    else otherCount++;
  }
  return ok({ uris, dnsNames, ipAddresses, otherCount });
}

/** Bytes of an IPv4 or IPv6 literal (RFC 5280 §4.2.1.6: 4 or 16 octets). Throws TypeError otherwise. */
export function ipBytes(ip: string): Uint8Array {
  if (isIPv4(ip)) return new Uint8Array(ip.split('.').map((p) => Number.parseInt(p, 10)));
  if (!isIPv6(ip)) throw new TypeError(`${JSON.stringify(ip)} is not an IP address`);
  let text = ip;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1] !== undefined) {
    tail.push(...v4[1].split('.').map((p) => Number.parseInt(p, 10)));
    text = `${text.slice(0, -v4[1].length)}0:0`;
  }
  const [head = '', rest] = text.split('::');
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    const n = Number.parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  if (tail.length === 4) out.set(tail, 12);
  return out;
}

/** Text of a 4- or 16-octet address (IPv6 in RFC 5952 form); other lengths are shown as hex. */
export function ipText(bytes: ArrayBuffer | Uint8Array): string {
  const b = new Uint8Array(bytes);
  if (b.length === 4) return b.join('.');
  if (b.length !== 16) return `0x${Buffer.from(b).toString('hex')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] ?? 0) << 8) | (b[i + 1] ?? 0));
  // RFC 5952 §4.2: the longest run of two or more zero groups becomes "::" (the first if tied).
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (bestAt === -1) return hex(groups);
  return `${hex(groups.slice(0, bestAt))}::${hex(groups.slice(bestAt + bestLen))}`;
}

/** A certificate time; UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5), whole seconds. */
export function x509Time(ms: number): pkijs.Time {
  const value = new Date(Math.floor(ms / 1000) * 1000);
  return new pkijs.Time({ type: value.getUTCFullYear() < 2050 ? 0 : 1, value });
}

/** Key identifier: SHA-1 of the subjectPublicKey BIT STRING contents (RFC 5280 §4.2.1.2, method 1). */
export function keyIdOf(spki: pkijs.PublicKeyInfo): Uint8Array {
  const bits = new Uint8Array(spki.subjectPublicKey.valueBlock.valueHexView);
  return new Uint8Array(createHash('sha1').update(bits).digest());
}
