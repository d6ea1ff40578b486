/**
 * Helpers for the audit tests: a fixed audit key, chains built with the pure functions, temp dirs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditKey, auditKeyFromSeed } from '../../../agent/audit/audit-key.js';
import {
  type AuditEventInput,
  type AuditRecord,
  checkpointEvent,
  encodeRecord,
  sealRecord,
  ZERO_HASH,
} from '../../../agent/audit/record.js';

export const KEY: AuditKey = auditKeyFromSeed(new Uint8Array(32).fill(7));
export const OTHER_KEY: AuditKey = auditKeyFromSeed(new Uint8Array(32).fill(9));
export const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

export const uplinkDown = (i: number): AuditEventInput => ({
  ev: 'uplink.down',
  actor: 'agent',
  subject: 'uplink:broker-a',
  outcome: 'failed',
  reason: 'UPLINK_TLS',
  data: { attempt: i },
});

/**
 * `n` records (seq 1..n), a checkpoint after every `every` ordinary ones, 1 s apart from T0.
 * Returns the records and their stored bytes.
 */
export function buildChain(
  n: number,
  every = 10,
  key: AuditKey = KEY,
): { records: AuditRecord[]; bytes: Uint8Array[] } {
  const records: AuditRecord[] = [];
  let prev = ZERO_HASH;
  let sinceCp = 0;
  for (let seq = 1; seq <= n; seq++) {
    const last = records.at(-1);
    const e =
      sinceCp === every && last !== undefined
        ? checkpointEvent(last.seq, last.h, key.secretKey)
        : uplinkDown(seq);
    sinceCp = e.ev === 'audit.checkpoint' ? 0 : sinceCp + 1;
    const r = sealRecord(prev, seq, T0 + seq * 1000, e);
    records.push(r);
    prev = r.h;
  }
  return { records, bytes: records.map(encodeRecord) };
}

/** Runs `fn` with a fresh temp dir, removed afterwards whatever happens. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ztgw-audit-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Asserts that `p` rejects with an error whose text matches `re`; returns the error. */
export async function rejection(p: Promise<unknown>, re: RegExp): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    if (!re.test(String(e))) throw new Error(`rejected with ${String(e)}, expected ${re}`);
    return e;
  }
  throw new Error(`resolved, expected a rejection matching ${re}`);
}

/** XORs one byte in place (a bit flip on flash). */
export function flip(bytes: Uint8Array, at: number, mask = 0x01): void {
  if (at < 0 || at >= bytes.length) throw new RangeError(`flip at ${at} outside ${bytes.length} bytes`);
  bytes[at] = (bytes[at] ?? 0) ^ mask;
}

/** `p`, or a rejection naming `what` after `timeoutMs`. */
export async function within<T>(p: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
