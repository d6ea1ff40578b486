/** A minimal valid bootstrap config, and helpers to vary it and read problems. */
import type { ConfigResult } from '../../../agent/config/types.js';

export const KEY_A = Buffer.alloc(32, 1).toString('base64');
export const KEY_B = Buffer.alloc(32, 2).toString('base64');

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export function minimal(): { [k: string]: Json } {
  return {
    deviceId: 'gw-0001',
    uplink: {
      brokers: [{ url: 'mqtts://broker.example.net:8883' }],
      caFile: '/etc/ztgw/ca.pem',
      certFile: '/var/lib/ztgw/keys/device.crt',
      keyFile: '/var/lib/ztgw/keys/device.key',
    },
    modem: { port: '/dev/ttyUSB2' },
    operatorKeys: [KEY_A],
  };
}

/** A copy of `base` with `value` at the dot path (`undefined` deletes the key). */
export function withField(
  base: { [k: string]: Json },
  path: string,
  value: Json | undefined,
): { [k: string]: Json } {
  const copy = structuredClone(base);
  const parts = path.split('.');
  let at: { [k: string]: Json } = copy;
  for (const p of parts.slice(0, -1)) {
    const next = at[p];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      const fresh: { [k: string]: Json } = {};
      at[p] = fresh;
      at = fresh;
    } else {
      at = next;
    }
  }
  const last = parts[parts.length - 1] ?? '';
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

/** `path: problem` lines of a failed result; [] for a valid one. */
export function problemLines(r: ConfigResult): string[] {
  return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.problem}`);
}
