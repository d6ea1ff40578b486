/**
 * Who else has a serial port open, read from /proc/<pid>/fd. ModemManager grabs ttyUSB ports of
 * modems it recognises; two readers on one tty steal each other's bytes, so the agent says so.
 */
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { join } from 'node:path';

export interface PortHolder {
  readonly pid: number;
  /** `comm` of the process, e.g. `ModemManager`, `minicom`. */
  readonly command: string;
}

/** Lists processes other than this one that hold `path` open. `procRoot` is for tests. */
export async function findPortHolders(path: string, procRoot = '/proc'): Promise<PortHolder[]> {
  let target: string;
  try {
    target = await realpath(path);
  } catch {
    // A path that does not resolve has no holders; the caller reports the missing port itself.
    return [];
  }
  const out: PortHolder[] = [];
  let pids: string[];
  try {
    pids = (await readdir(procRoot)).filter((d) => /^\d+$/.test(d));
  } catch {
    return out; // no /proc (not Linux): nothing to report
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    let fds: string[];
    try {
      fds = await readdir(join(procRoot, pid, 'fd'));
    } catch {
      continue; // process exited or is not ours to read
    }
    for (const fd of fds) {
      const link = await readlink(join(procRoot, pid, 'fd', fd)).catch(() => null);
      if (link !== target) continue;
      const comm = await readFile(join(procRoot, pid, 'comm'), 'utf8').catch(() => '?');
      out.push({ pid: Number(pid), command: comm.trim() });
      break;
    }
  }
  return out;
}
