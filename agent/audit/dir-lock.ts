/**
 * One writer per audit directory. The lock file names its holder by pid, boot id and process start
 * time, so a lock left by a killed process (or by a previous boot, where the same pid may come back)
 * is recognised as stale and taken over, while a live holder is named in the error.
 */
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ZtgwError } from '../../modem/errors.js';
import { fsyncDir } from '../store/durable-file.js';
import { errnoCode } from './segment-files.js';

export const LOCK_FILE = 'lock';

interface Holder {
  readonly pid: number;
  readonly bootId: string;
  readonly startTicks: string;
}

async function readOr(path: string, dflt: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    // Not Linux, or no /proc: fall back to the pid alone.
    return dflt;
  }
}

/** Field 22 of /proc/<pid>/stat: start time in clock ticks since boot. */
async function startTicksOf(pid: number): Promise<string> {
  const stat = await readOr(`/proc/${pid}/stat`, '');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return rest[19] ?? '';
}

async function me(): Promise<Holder> {
  return {
    pid: process.pid,
    bootId: await readOr('/proc/sys/kernel/random/boot_id', ''),
    startTicks: await startTicksOf(process.pid),
  };
}

async function isAlive(h: Holder): Promise<boolean> {
  const now = await me();
  if (h.bootId !== now.bootId) return false;
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    // EPERM: the pid exists but belongs to someone else, so it is alive.
    if (errnoCode(err) !== 'EPERM') return false;
  }
  return (await startTicksOf(h.pid)) === h.startTicks;
}

function parseHolder(text: string): Holder | null {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null) return null;
    const { pid, bootId, startTicks } = v as Record<string, unknown>;
    if (typeof pid !== 'number' || typeof bootId !== 'string' || typeof startTicks !== 'string') return null;
    return { pid, bootId, startTicks };
  } catch {
    // A torn lock file from a crash: nobody holds it.
    return null;
  }
}

/** Takes the directory's lock, or throws AUDIT_IO naming the live holder. Returns the release. */
export async function acquireDirLock(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  const mine = await me();
  const text = JSON.stringify(mine);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, text, { flag: 'wx', mode: 0o600 });
      await fsyncDir(dir);
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') {
        throw new ZtgwError('AUDIT_IO', `cannot lock ${dir}: ${String(err)}`, { dir }, { cause: err });
      }
    }
    const holder = parseHolder(await readOr(path, ''));
    if (holder !== null && (await isAlive(holder))) {
      const who = holder.pid === mine.pid ? 'this process (opened twice)' : `pid ${holder.pid}`;
      throw new ZtgwError('AUDIT_IO', `audit log ${dir} is in use by ${who}`, { dir, pid: holder.pid });
    }
    await unlink(path).catch(() => undefined);
  }
  throw new ZtgwError('AUDIT_IO', `cannot lock ${dir}: lock file keeps coming back`, { dir });
}
