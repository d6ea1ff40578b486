/**
 * Stands in for `node-gyp-build` inside the single executable: the serialport addon travels as a SEA
 * asset, is written once to a private 0700 directory under its content hash, and is loaded with
 * process.dlopen. The directory must belong to this user and be 0700, so no other user can put a
 * library there for the agent to load.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAsset, isSea } from 'node:sea';

/** The asset name the packaging step gives the addon. */
export const SERIALPORT_ASSET = 'serialport.node';

function privateDir(): string {
  const preferred = '/var/lib/ztgw/native';
  const uid = process.getuid?.() ?? 0;
  for (const dir of [preferred, join(tmpdir(), `ztgw-native-${uid}`)]) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const st = lstatSync(dir);
      if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) continue;
      return dir;
    } catch {
      // not writable for this user: try the next place
    }
  }
  throw new Error('no private directory (0700, owned by this user) to unpack the serial port addon into');
}

export default function loadNativeAddon(_dir: string): unknown {
  if (!isSea()) throw new Error('this bundle loads its native addon only as the ztgw single executable');
  const bytes = Buffer.from(getAsset(SERIALPORT_ASSET));
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
  const path = join(privateDir(), `serialport-${hash}.node`);
  const isIntact =
    existsSync(path) && createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 32) === hash;
  if (!isIntact) {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes, { mode: 0o500 });
    chmodSync(tmp, 0o500);
    renameSync(tmp, path);
  }
  const mod = { exports: {} };
  process.dlopen(mod, path);
  return mod.exports;
}
