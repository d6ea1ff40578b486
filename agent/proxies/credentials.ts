/**
 * Sensor credentials: how a sensor's secret is stored in the config and checked at connect.
 *
 *   scrypt$N$r$p$<salt b64>$<key b64>   a human-chosen or short secret, stretched with scrypt
 *   sha256$<64 hex>                     a random token of 128 bits or more, where stretching adds nothing
 *
 * Verification compares in constant time, spends one scrypt on an unknown sensor too (so timing does
 * not tell which ids exist), and remembers recent successes under an HMAC with a per-process key, so
 * a sensor that reconnects often does not pay scrypt every time while the cache never holds a secret.
 */
import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { ZtgwError } from '../../modem/errors.js';

/** A parsed credential. */
export type Credential =
  | {
      readonly kind: 'scrypt';
      readonly N: number;
      readonly r: number;
      readonly p: number;
      readonly salt: Buffer;
      readonly key: Buffer;
    }
  | { readonly kind: 'sha256'; readonly digest: Buffer };

export interface HashOptions {
  /** scrypt cost: a power of two in 2..2^20. Default 16384 (16 MiB of memory with r = 8). */
  readonly N?: number;
  /** scrypt block size, 1..32. Default 8. */
  readonly r?: number;
  /** scrypt parallelism, 1..16. Default 1. */
  readonly p?: number;
  /** Salt length in bytes, 16..64. Default 16. */
  readonly saltBytes?: number;
  /** Derived key length in bytes, 16..64. Default 32. */
  readonly keyBytes?: number;
}

const DEFAULT_HASH = { N: 16_384, r: 8, p: 1, saltBytes: 16, keyBytes: 32 } as const;
/** Longest secret accepted, in bytes: anything longer is refused before any hashing. */
export const MAX_SECRET_BYTES = 1024;

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

function b64(field: string, s: string, min: number, max: number): Buffer | string {
  if (!B64.test(s)) return `${field} is not base64`;
  const b = Buffer.from(s, 'base64');
  if (b.length < min || b.length > max) return `${field} is ${b.length} bytes, expected ${min}..${max}`;
  return b;
}

function intField(field: string, s: string | undefined, min: number, max: number): number | string {
  if (s === undefined || !/^\d{1,8}$/.test(s)) return `${field} is not a whole number`;
  const n = Number.parseInt(s, 10);
  return n < min || n > max ? `${field} is ${n}, expected ${min}..${max}` : n;
}

/** Reads a credential string; the reason names the part that is wrong, never the secret. */
export function parseCredential(s: string): { ok: true; value: Credential } | { ok: false; reason: string } {
  const parts = s.split('$');
  if (parts[0] === 'sha256') {
    const hex = parts[1] ?? '';
    if (parts.length !== 2 || !/^[0-9a-f]{64}$/.test(hex)) {
      return { ok: false, reason: 'sha256 credential must be sha256$<64 lowercase hex digits>' };
    }
    return { ok: true, value: { kind: 'sha256', digest: Buffer.from(hex, 'hex') } };
  }
  if (parts[0] !== 'scrypt') {
    return {
      ok: false,
      reason: `unknown credential scheme ${JSON.stringify(parts[0] ?? '')} (scrypt or sha256)`,
    };
  }
  if (parts.length !== 6) return { ok: false, reason: 'scrypt credential must be scrypt$N$r$p$<salt>$<key>' };
  const N = intField('N', parts[1], 2, 1 << 20);
  const r = intField('r', parts[2], 1, 32);
  const p = intField('p', parts[3], 1, 16);
  const salt = b64('salt', parts[4] ?? '', 16, 1024);
  const key = b64('key', parts[5] ?? '', 16, 1024);
  for (const v of [N, r, p, salt, key]) if (typeof v === 'string') return { ok: false, reason: v };
  if (typeof N !== 'number' || typeof r !== 'number' || typeof p !== 'number') {
    return { ok: false, reason: 'scrypt parameters are not numbers' };
  }
  if ((N & (N - 1)) !== 0) return { ok: false, reason: `N is ${N}, expected a power of two` };
  if (!(salt instanceof Buffer) || !(key instanceof Buffer)) return { ok: false, reason: 'bad salt or key' };
  return { ok: true, value: { kind: 'scrypt', N, r, p, salt, key } };
}

function derive(secret: Buffer, c: { N: number; r: number; p: number; salt: Buffer }, len: number) {
  return new Promise<Buffer>((resolve, reject) => {
    // Twice the working set (128·N·r) so Node's default 32 MiB cap does not refuse N = 2^17 and up.
    const maxmem = 256 * c.N * c.r + 1024 * 1024;
    scrypt(secret, c.salt, len, { N: c.N, r: c.r, p: c.p, maxmem }, (err, key) =>
      err === null ? resolve(key) : reject(err),
    );
  });
}

/** Hashes a secret into an scrypt credential string for the config (`ztgw sensor hash-secret`). */
export async function hashSecret(secret: string, opts: HashOptions = {}): Promise<string> {
  const o = { ...DEFAULT_HASH, ...opts };
  const salt = randomBytes(o.saltBytes);
  const key = await derive(Buffer.from(secret, 'utf8'), { N: o.N, r: o.r, p: o.p, salt }, o.keyBytes);
  const s = `scrypt$${o.N}$${o.r}$${o.p}$${salt.toString('base64')}$${key.toString('base64')}`;
  const check = parseCredential(s);
  if (!check.ok) throw new TypeError(`hashSecret: ${check.reason}`);
  return s;
}

/** The credential string of a high-entropy token: `sha256$<hex>`. */
export function hashToken(token: string): string {
  return `sha256$${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

export interface AuthenticatorOptions {
  /** Successful (sensor, secret) pairs remembered, oldest dropped first. 0 turns the cache off. Default 1024. */
  readonly cacheMaxEntries?: number;
  /** How long a remembered success counts, in ms. Default 900000 (15 min). */
  readonly cacheTtlMs?: number;
  /** Monotonic clock in ms for the cache. Default `performance.now`. */
  readonly nowMs?: () => number;
}

/** Checks sensor secrets against their credentials. */
export interface Authenticator {
  /** True when `secret` is the sensor's; false for a wrong secret, an unknown sensor or a too-long secret. */
  verify(sensorId: string, secret: string): Promise<boolean>;
  /** scrypt runs and cache hits since creation (for status, and to see the cache work). */
  counters(): { readonly scrypts: number; readonly cacheHits: number };
}

/**
 * An authenticator over `creds` (sensor id → credential string). Throws `CONFIG_INVALID` naming the
 * sensor for a credential that does not parse (the config validator should have said so first).
 */
export function createAuthenticator(
  creds: Readonly<Record<string, string>>,
  opts: AuthenticatorOptions = {},
): Authenticator {
  const table = new Map<string, Credential>();
  for (const [id, s] of Object.entries(creds)) {
    const c = parseCredential(s);
    if (!c.ok) {
      throw new ZtgwError('CONFIG_INVALID', `sensors.${id}.credential: ${c.reason}`, { sensorId: id });
    }
    table.set(id, c.value);
  }
  const maxEntries = opts.cacheMaxEntries ?? 1024;
  const ttlMs = opts.cacheTtlMs ?? 900_000;
  const nowMs = opts.nowMs ?? (() => performance.now());
  const macKey = randomBytes(32);
  // Insertion order is age order: a hit is re-inserted, the oldest is the first key.
  const cache = new Map<string, number>();
  const dummy = {
    N: DEFAULT_HASH.N,
    r: DEFAULT_HASH.r,
    p: DEFAULT_HASH.p,
    salt: randomBytes(DEFAULT_HASH.saltBytes),
  };

  const cacheKey = (id: string, secret: Buffer): string =>
    createHmac('sha256', macKey).update(id, 'utf8').update('\0').update(secret).digest('base64');

  let scrypts = 0;
  let cacheHits = 0;

  async function check(c: Credential | undefined, secret: Buffer): Promise<boolean> {
    if (c === undefined || c.kind === 'scrypt') scrypts++;
    if (c === undefined) {
      // Same work as a known sensor, so response time does not reveal which ids exist.
      await derive(secret, dummy, DEFAULT_HASH.keyBytes);
      return false;
    }
    if (c.kind === 'sha256') {
      return timingSafeEqual(createHash('sha256').update(secret).digest(), c.digest);
    }
    return timingSafeEqual(await derive(secret, c, c.key.length), c.key);
  }

  return {
    async verify(sensorId, secret) {
      const bytes = Buffer.from(secret, 'utf8');
      if (bytes.length > MAX_SECRET_BYTES) return false;
      const c = Object.hasOwn(creds, sensorId) ? table.get(sensorId) : undefined;
      const key = maxEntries > 0 && c !== undefined ? cacheKey(sensorId, bytes) : null;
      if (key !== null) {
        const at = cache.get(key);
        if (at !== undefined) {
          cache.delete(key);
          if (nowMs() - at <= ttlMs) {
            cache.set(key, at);
            cacheHits++;
            return true;
          }
        }
      }
      const isOk = await check(c, bytes);
      if (isOk && key !== null) {
        cache.set(key, nowMs());
        while (cache.size > maxEntries) {
          const oldest = cache.keys().next();
          if (oldest.done === true) break;
          cache.delete(oldest.value);
        }
      }
      return isOk;
    },
    counters: () => ({ scrypts, cacheHits }),
  };
}
