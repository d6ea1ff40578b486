/** Test kit for identity tests: temp dirs that are always removed, and openssl run with a deadline. */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bound on one openssl run, in ms. */
export const OPENSSL_TIMEOUT_MS = 10_000;

export async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ztgw-id-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function openssl(args: readonly string[], input?: string): Run {
  const r = spawnSync('openssl', args, { input, encoding: 'utf8', timeout: OPENSSL_TIMEOUT_MS });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A CliIo that records what was printed. */
export function recordingIo(): {
  io: { out: (l: string) => void; err: (l: string) => void; signal: AbortSignal };
  out: string[];
  err: string[];
} {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (l) => out.push(l), err: (l) => err.push(l), signal: new AbortController().signal },
    out,
    err,
  };
}
