/**
 * Validates `exposure` (which interfaces face the WAN and the LAN) and `listeners` (where sensors
 * connect). A listener may never bind 0.0.0.0, :: or an address of a WAN interface: the gateway
 * exposes no port on the cellular side. Pure: the interface table is passed in.
 */

import { checkBindAddress, type InterfaceTable } from '../uplink/classify-address.js';
import { canonicalIp } from '../uplink/ip-address.js';
import {
  describe,
  isRawObject,
  type ProblemList,
  readArray,
  readInt,
  readOneOf,
  readSection,
  readString,
  stringItem,
} from './check.js';
import { EXPOSURE_DEFAULTS, MAX_INTERFACE_NAME_CHARS, RANGES } from './defaults.js';
import type { ExposureConfig, ListenerConfig } from './types.js';
import { checkSocketPath } from './validate-sections.js';

/** An interface-name glob: 1..15 characters of a name, `*` and `?`. */
export function checkInterfaceGlob(s: string): string | null {
  if (s.length === 0 || s.length > MAX_INTERFACE_NAME_CHARS || !/^[A-Za-z0-9_.:@*?-]+$/.test(s)) {
    return `expected an interface name or glob (${MAX_INTERFACE_NAME_CHARS} characters at most, * and ? allowed), got ${JSON.stringify(s)}`;
  }
  return null;
}

export function validateExposure(raw: unknown, p: ProblemList): ExposureConfig | null {
  const path = 'exposure';
  const o = readSection(raw, path, ['wanInterfaces', 'lanInterfaces'], p, false);
  if (o === null) return null;
  const before = p.count;
  const d = EXPOSURE_DEFAULTS;
  const item = stringItem(p, checkInterfaceGlob);
  const wanInterfaces =
    readArray(o, 'wanInterfaces', path, p, RANGES['exposure.wanInterfaces'], d.wanInterfaces, item) ??
    d.wanInterfaces;
  const lanInterfaces =
    readArray(o, 'lanInterfaces', path, p, RANGES['exposure.lanInterfaces'], d.lanInterfaces, item) ??
    d.lanInterfaces;
  return p.count === before ? { wanInterfaces, lanInterfaces } : null;
}

const KINDS = ['mqtt', 'http', 'unix'] as const;

function readListener(p: ProblemList, interfaces: InterfaceTable, wanGlobs: readonly string[]) {
  return (item: unknown, at: string): ListenerConfig | undefined => {
    if (!isRawObject(item)) {
      p.add(at, `expected an object, got ${describe(item)}`);
      return undefined;
    }
    const kind = item['kind'];
    if (kind === undefined) {
      p.add(`${at}.kind`, `required (one of ${KINDS.map((k) => `"${k}"`).join(', ')})`);
      return undefined;
    }
    const k = readOneOf(item, 'kind', at, p, KINDS, 'unix');
    if (k !== kind) return undefined;
    const before = p.count;
    if (k === 'unix') {
      const o = readSection(item, at, ['kind', 'path'], p, true);
      const path = o === null ? undefined : readString(o, 'path', at, p, { check: checkSocketPath });
      return path === undefined || p.count !== before ? undefined : { kind: k, path };
    }
    const o = readSection(item, at, ['kind', 'address', 'port'], p, true);
    if (o === null) return undefined;
    const address = readString(o, 'address', at, p, {
      check: (s) => {
        const r = checkBindAddress(s, interfaces, wanGlobs);
        return r.ok ? null : r.problem;
      },
    });
    const port = readInt(o, 'port', at, p, RANGES['listeners.port']);
    if (address === undefined || port === undefined || p.count !== before) return undefined;
    return { kind: k, address, port };
  };
}

/** Where a listener binds, to find two listeners on the same address and port or socket path. */
function bindKey(l: ListenerConfig): string {
  return l.kind === 'unix' ? `unix:${l.path}` : `tcp:${canonicalIp(l.address) ?? l.address}:${l.port}`;
}

export function validateListeners(
  raw: unknown,
  p: ProblemList,
  interfaces: InterfaceTable,
  wanGlobs: readonly string[],
): readonly ListenerConfig[] | null {
  const before = p.count;
  const seen = new Map<string, string>();
  const read = readListener(p, interfaces, wanGlobs);
  const listeners = readArray({ listeners: raw }, 'listeners', '', p, RANGES.listeners, [], (item, at) => {
    const l = read(item, at);
    if (l === undefined) return undefined;
    const key = bindKey(l);
    const first = seen.get(key);
    if (first !== undefined)
      p.add(at, `binds the same ${l.kind === 'unix' ? 'path' : 'address and port'} as ${first}`);
    else seen.set(key, at);
    return l;
  });
  return p.count === before && listeners !== undefined ? listeners : null;
}
