/**
 * Helpers for the journal tests: temp dirs, deterministic payloads, reading a whole lane, waiting
 * for a condition with a deadline, the reason of a refusal, a seeded random source.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Journal,
  type JournalOptions,
  type JournalRecord,
  type Lane,
  openJournal,
} from '../../../agent/queue/index.js';
import { hasCode } from '../../../modem/errors.js';
import { silentLogger } from '../../../modem/log.js';

export const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

/** Journals opened by {@link open}, closed by {@link withTempDir} even when a test fails. */
const opened = new Set<Journal>();

/** Runs `fn` with a fresh temp dir; afterwards, whatever happens, closes its journals and removes it. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ztgw-journal-'));
  try {
    return await fn(dir);
  } finally {
    await Promise.all([...opened].map((j) => j.close().catch(() => undefined)));
    opened.clear();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Opens a journal with a fixed clock at T0 and a silent log unless told otherwise. */
export async function open(dir: string, more: Partial<JournalOptions> = {}) {
  const r = await openJournal({ dir, log: silentLogger(), nowMs: () => T0, ...more });
  opened.add(r.journal);
  return r;
}

/** Payload `i` of a lane: recognisable text, length varying with `i`. */
export function payload(lane: Lane, i: number, extraBytes = i % 37): Uint8Array {
  return new TextEncoder().encode(`${lane}:${i}:${'x'.repeat(extraBytes)}`);
}

export const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Every durable record of a lane from `afterSeq` on, read in pages of `page`. */
export async function readAll(j: Journal, lane: Lane, afterSeq = 0, page = 1000): Promise<JournalRecord[]> {
  const out: JournalRecord[] = [];
  let after = afterSeq;
  for (let guard = 0; guard < 1_000_000; guard++) {
    const recs = await j.read(lane, after, page, 1 << 30);
    const last = recs.at(-1);
    if (last === undefined) return out;
    out.push(...recs);
    after = last.seq;
  }
  throw new Error('readAll did not end');
}

/** `details.reason` of a JOURNAL_UNAVAILABLE rejection, or a description of what else happened. */
export async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    const v = await p;
    return `resolved ${String(v)}`;
  } catch (err) {
    if (hasCode(err, 'JOURNAL_UNAVAILABLE')) return String(err.details['reason']);
    return `rejected ${String(err)}`;
  }
}

/** Polls `check` until true, failing after `deadlineMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  deadlineMs = 5000,
): Promise<void> {
  const until = performance.now() + deadlineMs;
  while (!(await check())) {
    if (performance.now() > until) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** mulberry32: a small seeded PRNG, so random cut points and sizes are reproducible. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number in [lo, hi] from `rnd`. */
export const between = (rnd: () => number, lo: number, hi: number): number =>
  lo + Math.floor(rnd() * (hi - lo + 1));
