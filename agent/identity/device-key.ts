/**
 * The device key on disk: made on the device (ECDSA P-256), never copied off it, kept in the keys
 * directory (0700) as PKCS#8 PEM (0600), owned by the running user.
 *
 *   <keys>/device.key  device.crt     the identity in use
 *   <keys>/next.key    next.crt       staged by a rotation; promoteNext() makes them current
 *
 * Key material leaves this module only as a KeyObject. Every write goes through writeFileDurable.
 */
import { createPrivateKey, generateKeyPair, type KeyObject, X509Certificate } from 'node:crypto';
import { readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ZtgwError } from '../../modem/errors.js';
import { fsyncDir, writeFileDurable } from '../store/durable-file.js';
import { assertMode, ensurePrivateDir, lstatOrNull, runningUid } from './secret-files.js';
import { signatureAlgorithmFor } from './x509-asn1.js';

export const KEY_FILES = {
  deviceKey: 'device.key',
  deviceCert: 'device.crt',
  nextKey: 'next.key',
  nextCert: 'next.crt',
} as const;
export type KeyFileName = 'device.key' | 'next.key';
export type CertFileName = 'device.crt' | 'next.crt';

/** Keys directory: owner only. */
export const KEYS_DIR_MODE = 0o700;
/** Private keys: owner read/write only. */
export const KEY_FILE_MODE = 0o600;
/** Certificates are public, but nobody but the owner may replace them. */
export const CERT_FILE_MODE = 0o644;

export interface KeyFileOptions {
  /** The uid that must own the files; default the running user's. */
  readonly uid?: number;
}

/** Which files are present after the checks passed. */
export interface KeyFilesState {
  readonly dir: string;
  readonly hasDeviceKey: boolean;
  readonly hasDeviceCert: boolean;
  readonly hasNextKey: boolean;
  readonly hasNextCert: boolean;
}

/**
 * Checks the keys directory and every key and certificate in it, at start and before each use.
 * Throws IDENTITY_KEY when the directory does not exist, IDENTITY_FILE_MODE on a wrong mode, owner
 * or file type (the message names the path, e.g. "/var/lib/ztgw/keys/device.key has mode 0644,
 * expected 0600").
 */
export async function checkKeyFiles(dir: string, opts: KeyFileOptions = {}): Promise<KeyFilesState> {
  const uid = opts.uid ?? runningUid();
  const dirSt = await lstatOrNull(dir, 'IDENTITY_KEY');
  if (dirSt === null)
    throw new ZtgwError('IDENTITY_KEY', `keys directory ${dir} does not exist`, { path: dir });
  assertMode(dir, dirSt, 'directory', KEYS_DIR_MODE, uid);
  const present = async (name: string, mode: number): Promise<boolean> => {
    const path = join(dir, name);
    const st = await lstatOrNull(path, 'IDENTITY_KEY');
    if (st === null) return false;
    assertMode(path, st, 'file', mode, uid);
    return true;
  };
  return {
    dir,
    hasDeviceKey: await present(KEY_FILES.deviceKey, KEY_FILE_MODE),
    hasDeviceCert: await present(KEY_FILES.deviceCert, CERT_FILE_MODE),
    hasNextKey: await present(KEY_FILES.nextKey, KEY_FILE_MODE),
    hasNextCert: await present(KEY_FILES.nextCert, CERT_FILE_MODE),
  };
}

/** Creates the keys directory (0700) when missing, then checks it like checkKeyFiles. */
export async function ensureKeysDir(dir: string, opts: KeyFileOptions = {}): Promise<KeyFilesState> {
  await ensurePrivateDir(dir, KEYS_DIR_MODE, 'IDENTITY_KEY');
  return checkKeyFiles(dir, opts);
}

function newP256Key(): Promise<KeyObject> {
  return new Promise((resolve, reject) => {
    generateKeyPair('ec', { namedCurve: 'prime256v1' }, (err, _publicKey, privateKey) =>
      err ? reject(err) : resolve(privateKey),
    );
  });
}

async function writeNewKey(path: string): Promise<KeyObject> {
  const key = await newP256Key();
  await writeFileDurable(path, key.export({ type: 'pkcs8', format: 'pem' }), KEY_FILE_MODE);
  return key;
}

/**
 * Loads a private key after checking the directory and the file's mode and owner. Throws
 * IDENTITY_KEY when it is missing, unreadable, not a PEM private key, or not EC P-256/P-384.
 */
export async function loadPrivateKey(
  dir: string,
  name: KeyFileName = KEY_FILES.deviceKey,
  opts: KeyFileOptions = {},
): Promise<KeyObject> {
  const state = await checkKeyFiles(dir, opts);
  const path = join(dir, name);
  if (!(name === KEY_FILES.deviceKey ? state.hasDeviceKey : state.hasNextKey))
    throw new ZtgwError('IDENTITY_KEY', `${path} does not exist`, { path });
  let key: KeyObject;
  try {
    key = createPrivateKey(await readFile(path));
  } catch (err) {
    // The parser's message never contains key bytes, only what went wrong.
    const why = err instanceof Error ? err.message : String(err);
    throw new ZtgwError('IDENTITY_KEY', `${path} is not a usable private key: ${why}`, { path });
  }
  const alg = signatureAlgorithmFor(key);
  if (!alg.ok)
    throw new ZtgwError('IDENTITY_KEY', `${path} holds an unsupported key: ${alg.reason}`, { path });
  return key;
}

/**
 * The device key: loaded when it exists (never overwritten), generated on the device when it does
 * not. Creates the keys directory when missing. `isNew` says which happened.
 */
export async function ensureDeviceKey(
  dir: string,
  opts: KeyFileOptions = {},
): Promise<{ readonly privateKey: KeyObject; readonly isNew: boolean }> {
  const state = await ensureKeysDir(dir, opts);
  if (state.hasDeviceKey)
    return { privateKey: await loadPrivateKey(dir, KEY_FILES.deviceKey, opts), isNew: false };
  return { privateKey: await writeNewKey(join(dir, KEY_FILES.deviceKey)), isNew: true };
}

/** Generates a fresh next.key for a rotation, replacing a stale staged one (and its certificate). */
export async function stageNextKey(dir: string, opts: KeyFileOptions = {}): Promise<KeyObject> {
  const state = await checkKeyFiles(dir, opts);
  if (state.hasNextCert) {
    await unlink(join(dir, KEY_FILES.nextCert));
    await fsyncDir(dir);
  }
  return writeNewKey(join(dir, KEY_FILES.nextKey));
}

/** Writes a certificate PEM (0644) into the keys directory durably. */
export async function writeCertificate(
  dir: string,
  name: CertFileName,
  pem: string,
  opts: KeyFileOptions = {},
): Promise<void> {
  await checkKeyFiles(dir, opts);
  await writeFileDurable(join(dir, name), pem, CERT_FILE_MODE);
}

/** Whether a certificate (PEM or DER) carries the public half of `key`; false when unreadable. */
export function certMatchesKey(cert: string | Uint8Array, key: KeyObject): boolean {
  try {
    return new X509Certificate(cert).checkPrivateKey(key);
  } catch {
    // An unreadable certificate matches nothing; the caller reports it as a mismatch.
    return false;
  }
}

/**
 * Makes the staged next.key/next.crt current. Renames the key first, then the certificate, each
 * made durable; after a crash in between, calling it again finishes the job (each step runs only
 * when its next.* file is still there). Throws IDENTITY_KEY when next.crt is missing while next.key
 * is still staged, and IDENTITY_CERT when next.crt is not next.key's certificate, so a key is never
 * promoted without its own certificate.
 */
export async function promoteNext(dir: string, opts: KeyFileOptions = {}): Promise<void> {
  const state = await checkKeyFiles(dir, opts);
  if (state.hasNextKey && !state.hasNextCert)
    throw new ZtgwError(
      'IDENTITY_KEY',
      `${join(dir, KEY_FILES.nextKey)} is staged without ${KEY_FILES.nextCert}`,
      {
        path: join(dir, KEY_FILES.nextKey),
      },
    );
  if (state.hasNextKey) {
    const key = await loadPrivateKey(dir, KEY_FILES.nextKey, opts);
    const certPath = join(dir, KEY_FILES.nextCert);
    if (!certMatchesKey(await readFile(certPath), key))
      throw new ZtgwError('IDENTITY_CERT', `${certPath} is not the certificate of ${KEY_FILES.nextKey}`, {
        path: certPath,
      });
    await rename(join(dir, KEY_FILES.nextKey), join(dir, KEY_FILES.deviceKey));
    await fsyncDir(dir);
  }
  if (state.hasNextCert) {
    await rename(join(dir, KEY_FILES.nextCert), join(dir, KEY_FILES.deviceCert));
    await fsyncDir(dir);
  }
}
