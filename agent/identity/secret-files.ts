/**
 * The I/O half of the file-mode rule (file-mode.ts): lstat a path and refuse it with
 * IDENTITY_FILE_MODE when its type, owner or mode is wrong; create a private directory.
 * Shared by the device keys directory and the operator's CA directory.
 */
import type { Stats } from 'node:fs';
import { chmod, lstat, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type ErrorCode, ZtgwError } from '../../modem/errors.js';
import { fsyncDir } from '../store/durable-file.js';
import { type FileFacts, modeProblem, octal } from './file-mode.js';

/** The uid files must belong to: the running user's. */
export const runningUid = (): number => process.getuid?.() ?? 0;

export function factsOf(st: Stats): FileFacts {
  return {
    mode: st.mode,
    uid: st.uid,
    isFile: st.isFile(),
    isDirectory: st.isDirectory(),
    isSymbolicLink: st.isSymbolicLink(),
  };
}

/** lstat, or null when the path does not exist; other failures throw `code` naming the path. */
export async function lstatOrNull(path: string, code: ErrorCode): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return null;
    throw new ZtgwError(code, `cannot stat ${path}: ${err instanceof Error ? err.message : String(err)}`, {
      path,
    });
  }
}

/** Throws IDENTITY_FILE_MODE naming the path, the mode found and the mode expected. */
export function assertMode(
  path: string,
  st: Stats,
  kind: 'file' | 'directory',
  mode: number,
  uid: number,
): void {
  const problem = modeProblem(path, factsOf(st), { kind, mode, uid });
  if (problem === null) return;
  throw new ZtgwError('IDENTITY_FILE_MODE', problem, {
    path,
    modeFound: octal(st.mode),
    modeExpected: octal(mode),
    uidFound: st.uid,
    uidExpected: uid,
  });
}

/**
 * Creates `dir` with `mode` when it does not exist (parents with the default mode), durably; an
 * existing one is left as it is for the caller's check. Returns whether it was created.
 */
export async function ensurePrivateDir(dir: string, mode: number, code: ErrorCode): Promise<boolean> {
  if ((await lstatOrNull(dir, code)) !== null) return false;
  await mkdir(dirname(dir), { recursive: true });
  await mkdir(dir, { mode });
  // mkdir's mode passes through the umask, which can only take bits away; set it exactly anyway.
  await chmod(dir, mode);
  await fsyncDir(dirname(dir));
  return true;
}
