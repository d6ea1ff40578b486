/**
 * A process the benchmark starts (a mosquitto, the agent): spawned, through `ip netns exec` when a
 * namespace is named, killed with the harness when that dies without its finally blocks, and
 * stopped with SIGTERM, then SIGKILL once the grace period is over.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface BenchChildOptions {
  /** Names the process in the exit note, e.g. `peer mosquitto`. */
  readonly name: string;
  readonly argv: readonly string[];
  /** Network namespace to run in. Default: the current one. */
  readonly netns?: string;
  /** Appends stdout and stderr to this file; without it both are pipes (`proc.stdout`, `proc.stderr`). */
  readonly outPath?: string;
  /** Bound on a graceful stop before SIGKILL, in ms. */
  readonly stopTimeoutMs: number;
  /** Added to this process's environment for the child. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface BenchChild {
  readonly proc: ChildProcess;
  /** How the process ended (`<name> exited (code …, signal …)`), or null while it runs. */
  exitNote(): string | null;
  /** SIGTERM, SIGKILL after `stopTimeoutMs`; resolves once the process is gone. Idempotent. */
  stop(): Promise<void>;
}

export function spawnBenchChild(o: BenchChildOptions): BenchChild {
  const [cmd, ...args] = o.netns === undefined ? o.argv : ['ip', 'netns', 'exec', o.netns, ...o.argv];
  if (cmd === undefined) throw new TypeError(`${o.name}: empty argv`);
  let proc: ChildProcess;
  const env = { ...process.env, ...o.env };
  if (o.outPath === undefined) proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  else {
    const out = openSync(o.outPath, 'a');
    try {
      proc = spawn(cmd, args, { stdio: ['ignore', out, out], env });
    } finally {
      closeSync(out);
    }
  }
  let note: string | null = null;
  const exited = new Promise<void>((resolve) =>
    proc.once('exit', (code, signal) => {
      note = `${o.name} exited (code ${code}, signal ${signal})`;
      resolve();
    }),
  );
  const killOnExit = (): void => {
    proc.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  return {
    proc,
    exitNote: () => note,
    stop: async () => {
      process.off('exit', killOnExit);
      if (note !== null) return;
      proc.kill('SIGTERM');
      // The grace timer is cancelled as soon as the process exits, so it never holds the loop.
      const grace = new AbortController();
      const isDone = await Promise.race([
        exited.then(() => true),
        sleep(o.stopTimeoutMs, false, { signal: grace.signal }).catch(() => false),
      ]);
      grace.abort();
      if (!isDone) {
        proc.kill('SIGKILL');
        await exited;
      }
    },
  };
}
