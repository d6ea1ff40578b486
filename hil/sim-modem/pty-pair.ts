/**
 * A pseudo-terminal pair made by socat, reached through two symlinks in a directory the caller
 * owns: the agent opens one end, the simulated modem the other.
 *
 *   agent ──serialport──▶ <dir>/<agentLink> ─ /dev/pts/N ═ socat ═ /dev/pts/M ─ <dir>/<simLink> ◀── sim
 *
 * `SerialPort.list()` is not used: it runs udevadm, which this machine does not have.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { lstat, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface PtyPairOptions {
  /** Directory for the two links; must exist. */
  readonly dir: string;
  /** File name of the agent's end, e.g. `ttyUSB2`. */
  readonly agentLinkName: string;
  /** File name of the simulator's end; default `<agentLinkName>.sim`. */
  readonly simLinkName?: string;
  /** How long to wait for both links, in ms. Default 5000. */
  readonly readyTimeoutMs?: number;
  /** Link polling interval, in ms. Default 10. */
  readonly pollIntervalMs?: number;
  /** How long `close()` waits after SIGTERM (and again after SIGKILL), in ms. Default 2000. */
  readonly killTimeoutMs?: number;
  /** Default `/usr/bin/socat`. */
  readonly socatPath?: string;
}

const LINK_NAME = /^[\w.-]+$/;
const STDERR_KEEP_CHARS = 4096;

async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    // stat follows the link: absent link or dangling target both mean "not ready yet".
    return false;
  }
}

/** Removes `path` if it is a symlink (a leftover of an earlier run); refuses to touch anything else. */
async function removeStaleLink(path: string): Promise<void> {
  let isLink: boolean;
  try {
    isLink = (await lstat(path)).isSymbolicLink();
  } catch {
    // Nothing there: nothing to remove.
    return;
  }
  if (!isLink) throw new Error(`${path} exists and is not a symlink; refusing to replace it`);
  await unlink(path);
}

export class PtyPair {
  private stderrTail = '';
  private hasExited = false;
  private readonly exitedPromise: Promise<void>;

  private constructor(
    readonly agentPath: string,
    readonly simPath: string,
    private readonly child: ChildProcess,
    private readonly killTimeoutMs: number,
  ) {
    this.exitedPromise = new Promise((resolve) => {
      child.once('exit', () => {
        this.hasExited = true;
        resolve();
      });
      child.once('error', () => {
        this.hasExited = true;
        resolve();
      });
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_KEEP_CHARS);
    });
  }

  /** Starts socat and resolves when both links point at live ptys; rejects (and cleans up) on timeout. */
  static async start(opts: PtyPairOptions): Promise<PtyPair> {
    const simLinkName = opts.simLinkName ?? `${opts.agentLinkName}.sim`;
    if (!LINK_NAME.test(opts.agentLinkName) || !LINK_NAME.test(simLinkName)) {
      throw new TypeError(`link names must be plain file names: "${opts.agentLinkName}", "${simLinkName}"`);
    }
    const agentPath = join(opts.dir, opts.agentLinkName);
    const simPath = join(opts.dir, simLinkName);
    await removeStaleLink(agentPath);
    await removeStaleLink(simPath);
    const child = spawn(
      opts.socatPath ?? '/usr/bin/socat',
      ['-d', '-d', `pty,raw,echo=0,link=${agentPath}`, `pty,raw,echo=0,link=${simPath}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const pair = new PtyPair(agentPath, simPath, child, opts.killTimeoutMs ?? 2000);
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 5000);
    try {
      for (;;) {
        if (pair.hasExited)
          throw new Error(`socat exited before the links appeared: ${pair.stderrTail.trim()}`);
        if ((await pathExists(agentPath)) && (await pathExists(simPath))) return pair;
        if (Date.now() >= deadline)
          throw new Error(`socat links not ready in time: ${agentPath}, ${simPath}`);
        await delay(opts.pollIntervalMs ?? 10);
      }
    } catch (e) {
      await pair.close();
      throw e;
    }
  }

  get isRunning(): boolean {
    return !this.hasExited;
  }

  /** Resolves when socat has exited, for whatever reason. */
  get exited(): Promise<void> {
    return this.exitedPromise;
  }

  /** Last few KB of socat's diagnostics, for error messages. */
  get diagnostics(): string {
    return this.stderrTail;
  }

  private async waitExit(timeoutMs: number): Promise<boolean> {
    if (this.hasExited) return true;
    const ac = new AbortController();
    try {
      return await Promise.race([
        this.exitedPromise.then(() => true),
        delay(timeoutMs, false, { signal: ac.signal }),
      ]);
    } finally {
      ac.abort();
    }
  }

  /** SIGTERM, then SIGKILL if socat is still there after `killTimeoutMs`; waits for the exit and removes the links. */
  async close(): Promise<void> {
    if (!this.hasExited) {
      this.child.kill('SIGTERM');
      if (!(await this.waitExit(this.killTimeoutMs))) {
        this.child.kill('SIGKILL');
        if (!(await this.waitExit(this.killTimeoutMs))) {
          throw new Error(`socat (pid ${this.child.pid ?? '?'}) did not exit after SIGKILL`);
        }
      }
    }
    await removeStaleLink(this.agentPath);
    await removeStaleLink(this.simPath);
  }
}
