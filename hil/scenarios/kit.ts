/**
 * What the HIL scenarios share: the environment they run against, the built CLI run as a real
 * process, and the simulated modem on a real PTY.
 *
 * Environment: by default every scenario runs against the simulated modem. `ZTGW_HIL_MODEM=/dev/ttyUSB2`
 * points the scenarios that can run on hardware at a real modem (they check invariants instead of
 * the simulator's values); the simulator-only ones then say "skipped: needs the simulated modem".
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Profile } from '../sim-modem/profiles/types.js';
import { SimModem } from '../sim-modem/sim-modem.js';
import type { StatePatch } from '../sim-modem/state.js';

export interface HilEnv {
  /** A real modem's port, or null for the simulator. */
  readonly realModemPath: string | null;
}

export function hilEnv(): HilEnv {
  const p = process.env['ZTGW_HIL_MODEM'];
  return { realModemPath: p === undefined || p === '' ? null : p };
}

/** The built launcher (`make build`). */
export const ZTGW = resolve(__dirname, '..', '..', 'build', 'ztgw');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

/** Runs `build/ztgw args…` as a real process; SIGKILLs it after `timeoutMs` (default 60 s). */
export function runCli(args: readonly string[], timeoutMs = 60_000): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(ZTGW, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString('utf8');
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}

/** Runs `modem info --json` and parses it; throws with stderr when it did not exit 0. */
export async function modemInfoJson(
  port: string,
  extra: readonly string[] = [],
): Promise<Record<string, unknown>> {
  const r = await runCli(['modem', 'info', '--port', port, '--json', ...extra]);
  if (r.code !== 0) throw new Error(`modem info exited ${r.code}: ${r.stderr}`);
  const parsed: unknown = JSON.parse(r.stdout);
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`not a JSON object: ${r.stdout}`);
  return parsed as Record<string, unknown>;
}

/** A temp dir removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'ztgw-hil-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts the simulated modem with `profile` (and a state patch), runs `fn`, always stops it. */
export function withSim<T>(
  profile: Profile | string,
  patch: StatePatch,
  fn: (sim: SimModem) => Promise<T>,
): Promise<T> {
  return withTempDir(async (dir) => {
    const sim = new SimModem({ profile, dir, state: patch });
    await sim.start();
    try {
      return await fn(sim);
    } finally {
      await sim.stop();
    }
  });
}
