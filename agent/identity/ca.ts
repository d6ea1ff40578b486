/**
 * The operator's certificate authority (`ztgw ops ca`): a P-256 key and a self-signed CA
 * certificate in a private directory, signing device CSRs (clientAuth, SAN URIs copied) and
 * issuing broker (serverAuth) and operator client certificates.
 *
 *   <ca>/ca.key   0600   PKCS#8 PEM, never leaves the operator's machine
 *   <ca>/ca.crt   0644   what brokers and devices trust
 *
 * The file shell lives here; what gets signed is decided by the pure `deviceCertFromCsr`.
 */
import {
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  X509Certificate,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { ZtgwError } from '../../modem/errors.js';
import { writeFileDurable } from '../store/durable-file.js';
import { buildCertificate, type Issuer } from './cert-build.js';
import { readCsr } from './csr.js';
import { deviceIdProblem } from './device-id.js';
import { parseIdentityUris } from './identity-uris.js';
import { pemDecode } from './pem.js';
import { assertMode, ensurePrivateDir, lstatOrNull, runningUid } from './secret-files.js';
import { keyIdOf, parseDer, spkiOf } from './x509-asn1.js';

export const CA_FILES = { key: 'ca.key', cert: 'ca.crt' } as const;
export const CA_DIR_MODE = 0o700;
export const CA_KEY_MODE = 0o600;
export const CA_CERT_MODE = 0o644;
const DAY_MS = 86_400_000;
/** Longest validity accepted, in days (100 years). */
export const MAX_VALIDITY_DAYS = 36_500;
/**
 * Default back-dating of notBefore, in ms (5 minutes): a gateway whose clock runs a little behind
 * the operator's must not see its fresh certificate as not yet valid.
 */
export const DEFAULT_BACKDATE_MS = 300_000;

export interface ValidityOptions {
  readonly validityDays: number;
  /** Start of validity; default `nowMs − backdateMs`. notAfter is `(notBeforeMs ?? nowMs) + validityDays`. */
  readonly notBeforeMs?: number;
  /** Wall clock in ms; default the system clock (this is the operator-side shell). */
  readonly nowMs?: number;
  /** How far notBefore is set back when `notBeforeMs` is omitted, in ms; default DEFAULT_BACKDATE_MS. */
  readonly backdateMs?: number;
}

/** The validity window in ms at `nowMs` (pure); throws TypeError on a bad day count. */
export function validityWindow(
  opts: ValidityOptions,
  nowMs: number,
): { notBeforeMs: number; notAfterMs: number } {
  const days = opts.validityDays;
  if (!Number.isInteger(days) || days < 1 || days > MAX_VALIDITY_DAYS)
    throw new TypeError(`validityDays must be a whole number 1..${MAX_VALIDITY_DAYS}, got ${days}`);
  const start = opts.notBeforeMs ?? nowMs;
  return {
    notBeforeMs: opts.notBeforeMs ?? nowMs - (opts.backdateMs ?? DEFAULT_BACKDATE_MS),
    notAfterMs: start + days * DAY_MS,
  };
}

/** 16 random octets, first octet 0x01..0x7f so the INTEGER is positive and minimally encoded. */
export function randomSerial(): Uint8Array {
  const b = new Uint8Array(randomBytes(16));
  b[0] = (b[0] ?? 0) & 0x7f || 0x01;
  return b;
}

const caInvalid = (message: string, details: Record<string, string> = {}): ZtgwError<'CA_INVALID'> =>
  new ZtgwError('CA_INVALID', message, details);

const newKey = (): KeyObject => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const keyPem = (k: KeyObject): string => String(k.export({ type: 'pkcs8', format: 'pem' }));

/**
 * Creates a CA in `dir` (made 0700 when missing): a new P-256 key (0600) and a self-signed
 * certificate named `CN=<name>`. Refuses with CA_INVALID when `dir` already holds a CA key.
 */
export async function initCa(
  dir: string,
  opts: { readonly name: string } & ValidityOptions,
): Promise<{ readonly keyPath: string; readonly certPath: string; readonly certPem: string }> {
  if (opts.name.trim() === '') throw caInvalid('the CA name is empty');
  await ensurePrivateDir(dir, CA_DIR_MODE, 'CA_INVALID');
  const uid = runningUid();
  const dirSt = await lstatOrNull(dir, 'CA_INVALID');
  if (dirSt !== null) assertMode(dir, dirSt, 'directory', CA_DIR_MODE, uid);
  const keyPath = join(dir, CA_FILES.key);
  const certPath = join(dir, CA_FILES.cert);
  if ((await lstatOrNull(keyPath, 'CA_INVALID')) !== null)
    throw caInvalid(`${keyPath} exists: ${dir} already holds a CA (it is never overwritten)`, {
      path: keyPath,
    });
  const key = newKey();
  const certPem = buildCertificate({
    profile: 'ca',
    subjectCommonName: opts.name,
    subjectKey: spkiOf(key),
    selfKey: key,
    serial: randomSerial(),
    ...validityWindow(opts, opts.nowMs ?? Date.now()),
  });
  await writeFileDurable(keyPath, keyPem(key), CA_KEY_MODE);
  await writeFileDurable(certPath, certPem, CA_CERT_MODE);
  return { keyPath, certPath, certPem };
}

/** A CA ready to sign: its issuer identity and certificate. */
export interface LoadedCa {
  readonly issuer: Issuer;
  readonly certPem: string;
  readonly certPath: string;
  readonly notAfterMs: number;
}

/** Loads the CA from `dir`, checking the directory (0700) and key (0600) modes and that they match. */
export async function loadCa(dir: string): Promise<LoadedCa> {
  const uid = runningUid();
  const dirSt = await lstatOrNull(dir, 'CA_INVALID');
  if (dirSt === null)
    throw caInvalid(`CA directory ${dir} does not exist (run ztgw ops ca init)`, { path: dir });
  assertMode(dir, dirSt, 'directory', CA_DIR_MODE, uid);
  const keyPath = join(dir, CA_FILES.key);
  const certPath = join(dir, CA_FILES.cert);
  const keySt = await lstatOrNull(keyPath, 'CA_INVALID');
  if (keySt === null) throw caInvalid(`${keyPath} does not exist`, { path: keyPath });
  assertMode(keyPath, keySt, 'file', CA_KEY_MODE, uid);
  let key: KeyObject;
  let certPem: string;
  try {
    key = createPrivateKey(await readFile(keyPath));
    certPem = await readFile(certPath, 'utf8');
  } catch (err) {
    throw caInvalid(`cannot read the CA in ${dir}: ${err instanceof Error ? err.message : String(err)}`, {
      path: dir,
    });
  }
  const der = pemDecode(certPem, 'CERTIFICATE');
  if (!der.ok) throw caInvalid(`${certPath}: ${der.reason}`, { path: certPath });
  const cert = parseDer(der.value, certPath, (schema) => new pkijs.Certificate({ schema }));
  if (!cert.ok) throw caInvalid(cert.reason, { path: certPath });
  const x509 = new X509Certificate(der.value);
  if (!x509.ca) throw caInvalid(`${certPath} is not a CA certificate`, { path: certPath });
  if (!x509.checkPrivateKey(key))
    throw caInvalid(`${keyPath} is not the key of ${certPath}`, { path: keyPath });
  return {
    issuer: { name: cert.value.subject, privateKey: key, keyId: keyIdOf(cert.value.subjectPublicKeyInfo) },
    certPem,
    certPath,
    notAfterMs: cert.value.notAfter.value.getTime(),
  };
}

function assertWithinCa(ca: LoadedCa, notAfterMs: number): void {
  if (notAfterMs > ca.notAfterMs)
    throw caInvalid(
      `the certificate would outlive the CA (CA valid until ${new Date(ca.notAfterMs).toISOString()}); ask for fewer days`,
    );
}

/**
 * The device certificate for a CSR, signed by `ca` (pure but for the serial passed in). Verifies
 * the request's self-signature, requires its CN to be a valid device id, accepts only our SAN URIs
 * (`urn:ztgw:iccid:`, `urn:ztgw:imei:`) and copies CN and URIs; nothing else from the request is
 * copied. Throws CA_INVALID naming why the request is refused.
 */
export function deviceCertFromCsr(
  ca: LoadedCa,
  csrPem: string,
  window: { readonly notBeforeMs: number; readonly notAfterMs: number },
  serial: Uint8Array,
): string {
  const csr = readCsr(csrPem);
  if (!csr.ok) throw caInvalid(`bad CSR: ${csr.reason}`);
  const cn = csr.value.commonName;
  if (cn === null) throw caInvalid('bad CSR: the subject has no CN (the device id)');
  const idProblem = deviceIdProblem(cn);
  if (idProblem !== null) throw caInvalid(`bad CSR: ${idProblem}`);
  const san = csr.value.san;
  if (san.dnsNames.length > 0 || san.ipAddresses.length > 0 || san.otherCount > 0)
    throw caInvalid('bad CSR: the SAN may carry only urn:ztgw:iccid: and urn:ztgw:imei: URIs');
  const binding = parseIdentityUris(san.uris);
  if (!binding.ok) throw caInvalid(`bad CSR: ${binding.reason}`);
  assertWithinCa(ca, window.notAfterMs);
  return buildCertificate({
    profile: 'client',
    subjectCommonName: cn,
    subjectKey: csr.value.spki,
    issuer: ca.issuer,
    serial,
    ...window,
    san: { uris: san.uris, dnsNames: [], ipAddresses: [] },
  });
}

/** Signs a device CSR with the CA in `caDir`; see deviceCertFromCsr for what is checked. Returns PEM. */
export async function signCsr(caDir: string, csrPem: string, opts: ValidityOptions): Promise<string> {
  const ca = await loadCa(caDir);
  return deviceCertFromCsr(ca, csrPem, validityWindow(opts, opts.nowMs ?? Date.now()), randomSerial());
}

export interface IssuedCert {
  /** PKCS#8 PEM of the new key: the caller writes it 0600 and hands it to the broker or operator tool. */
  readonly keyPem: string;
  readonly certPem: string;
}

/** A broker certificate: EKU serverAuth, SAN DNS names and IP addresses, a new P-256 key. */
export async function issueServerCert(
  caDir: string,
  opts: {
    readonly commonName: string;
    readonly dnsNames: readonly string[];
    readonly ipAddresses: readonly string[];
  } & ValidityOptions,
): Promise<IssuedCert> {
  if (opts.commonName.trim() === '') throw caInvalid('the server CN is empty');
  const ca = await loadCa(caDir);
  const window = validityWindow(opts, opts.nowMs ?? Date.now());
  assertWithinCa(ca, window.notAfterMs);
  const key = newKey();
  let certPem: string;
  try {
    certPem = buildCertificate({
      profile: 'server',
      subjectCommonName: opts.commonName,
      subjectKey: spkiOf(key),
      issuer: ca.issuer,
      serial: randomSerial(),
      ...window,
      san: { uris: [], dnsNames: opts.dnsNames, ipAddresses: opts.ipAddresses },
    });
  } catch (err) {
    // buildCertificate throws TypeError for an IP literal it cannot encode; name it as a CA refusal.
    throw caInvalid(err instanceof Error ? err.message : String(err));
  }
  return { keyPem: keyPem(key), certPem };
}

/**
 * An operator client certificate (EKU clientAuth, no binding), e.g. `ops-cloud`, the cloud
 * subscriber. The CN must start with `ops-` so it can never collide with a device id.
 */
export async function issueClientCert(
  caDir: string,
  opts: { readonly commonName: string } & ValidityOptions,
): Promise<IssuedCert> {
  if (!/^ops-[A-Za-z0-9._-]{1,60}$/.test(opts.commonName))
    throw caInvalid(
      `operator CN ${JSON.stringify(opts.commonName)} must be "ops-" and 1-60 letters, digits, ".", "_", "-"`,
    );
  const ca = await loadCa(caDir);
  const window = validityWindow(opts, opts.nowMs ?? Date.now());
  assertWithinCa(ca, window.notAfterMs);
  const key = newKey();
  const certPem = buildCertificate({
    profile: 'client',
    subjectCommonName: opts.commonName,
    subjectKey: spkiOf(key),
    issuer: ca.issuer,
    serial: randomSerial(),
    ...window,
  });
  return { keyPem: keyPem(key), certPem };
}
