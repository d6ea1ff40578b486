/**
 * Reads the CA bundle, device certificate and key named in the uplink config. Read before every
 * attempt, so a renewed certificate is used on the next connect without a restart.
 */
import { readFile } from 'node:fs/promises';
import { type ErrorCode, ZtgwError } from '../../modem/errors.js';
import type { UplinkConfig } from '../config/types.js';
import type { TlsMaterial } from './tls-options.js';

const errnoOf = (err: unknown): string =>
  typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : 'EIO';

/** Reads one TLS file; `code` with the path, errno and what the file is for when it cannot. */
export async function readTlsFile(path: string, what: string, code: ErrorCode): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const errno = errnoOf(err);
    throw new ZtgwError(
      code,
      `cannot read the ${what} ${path}: ${errno}`,
      { path, errno, reason: 'unreadable' },
      { cause: err },
    );
  }
}

/** Rejects with CA_INVALID (CA file), IDENTITY_CERT (certificate) or IDENTITY_KEY (key), reason `unreadable`. */
export async function loadTlsMaterial(cfg: UplinkConfig): Promise<TlsMaterial> {
  const [ca, cert, key] = await Promise.all([
    readTlsFile(cfg.caFile, 'CA file', 'CA_INVALID'),
    readTlsFile(cfg.certFile, 'device certificate', 'IDENTITY_CERT'),
    readTlsFile(cfg.keyFile, 'device key', 'IDENTITY_KEY'),
  ]);
  return { ca, cert, key };
}
