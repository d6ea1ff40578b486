/**
 * The device audit key: an Ed25519 key made on the device at first start, separate from the TLS
 * key, used only to sign audit checkpoints and evidence bundles. Stored as its 32-byte seed in
 * `<keysDir>/audit-ed25519.seed`, mode 0600, in a 0700 directory.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import { ZtgwError } from '../../modem/errors.js';
import type { Logger } from '../../modem/log.js';
import { writeFileDurable } from '../store/durable-file.js';
import { errnoCode } from './segment-files.js';
import type { AuditSigner } from './store-types.js';

export const AUDIT_KEY_FILE = 'audit-ed25519.seed';
const SEED_BYTES = 32;

export interface AuditKey {
  /** 32 bytes. */
  readonly publicKey: Uint8Array;
  /** 64 bytes (seed || public key), the form tweetnacl signs with. */
  readonly secretKey: Uint8Array;
}

/** Signs with `key` without handing its secret around. */
export function auditSigner(key: AuditKey): AuditSigner {
  return { publicKey: key.publicKey, sign: (m) => nacl.sign.detached(m, key.secretKey) };
}

/** The key pair of a 32-byte seed. */
export function auditKeyFromSeed(seed: Uint8Array): AuditKey {
  const kp = nacl.sign.keyPair.fromSeed(seed);
  return { publicKey: kp.publicKey, secretKey: kp.secretKey };
}

function isMissing(err: unknown): boolean {
  return errnoCode(err) === 'ENOENT';
}

/**
 * Reads the audit key, or says why it cannot: missing, wrong size, or readable by others.
 * Never creates one (the CLI uses this to print the public key).
 */
export async function readAuditKey(keysDir: string): Promise<AuditKey> {
  const path = join(keysDir, AUDIT_KEY_FILE);
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch (err) {
    const why = isMissing(err) ? 'does not exist (the agent makes it at first start)' : String(err);
    throw new ZtgwError('AUDIT_IO', `audit key ${path} ${why}`, { path }, { cause: err });
  }
  const mode = st.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ZtgwError(
      'AUDIT_IO',
      `audit key ${path} has mode 0${mode.toString(8)}, expected 0600 (chmod 600 ${path})`,
      { path, mode: `0${mode.toString(8)}`, expected: '0600' },
    );
  }
  const seed = await readFile(path);
  if (seed.length !== SEED_BYTES) {
    throw new ZtgwError('AUDIT_IO', `audit key ${path} is ${seed.length} bytes, expected ${SEED_BYTES}`, {
      path,
      sizeBytes: seed.length,
    });
  }
  return auditKeyFromSeed(seed);
}

/** Reads the audit key, making it (and a 0700 keys directory) on first start. */
export async function loadOrCreateAuditKey(keysDir: string, log: Logger): Promise<AuditKey> {
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  const dirMode = (await stat(keysDir)).mode & 0o777;
  if ((dirMode & 0o077) !== 0) {
    log.warn({ keysDir, mode: `0${dirMode.toString(8)}` }, 'keys directory is open to others; expected 0700');
  }
  const path = join(keysDir, AUDIT_KEY_FILE);
  const isThere = await stat(path).then(
    () => true,
    (err: unknown) => {
      if (isMissing(err)) return false;
      throw new ZtgwError('AUDIT_IO', `audit key ${path}: ${String(err)}`, { path }, { cause: err });
    },
  );
  if (isThere) return readAuditKey(keysDir);
  const seed = randomBytes(SEED_BYTES);
  await writeFileDurable(path, seed, 0o600);
  log.info({ keysDir }, 'audit key created');
  return auditKeyFromSeed(seed);
}
