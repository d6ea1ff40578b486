/**
 * Validates `exposure` (which interfaces face the WAN and the LAN) and `listeners` (where sensors
 * connect, with their limits and, for MQTT, TLS and how a sensor proves its id). A listener may never
 * bind 0.0.0.0, :: or an address of a WAN interface: the gateway exposes no port on the cellular
 * side. Pure: the interface table is passed in; the TLS files are read when the listener starts.
 */

import {
  DEFAULT_LISTENER_LIMITS,
  headersTimeoutProblem,
  LIMITS_BY_KIND,
  type ListenerLimits,
} from '../proxies/limits.js';
import { checkBindAddress, type InterfaceTable } from '../uplink/classify-address.js';
import { canonicalIp } from '../uplink/ip-address.js';
import {
  absolutePath,
  describe,
  isRawObject,
  type ProblemList,
  readArray,
  readBool,
  readInt,
  readOneOf,
  readOptionalString,
  readSection,
  readString,
  stringItem,
} from './check.js';
import { EXPOSURE_DEFAULTS, MAX_INTERFACE_NAME_CHARS, RANGES } from './defaults.js';
import type { ExposureConfig, ListenerConfig, ListenerLimitsConfig, ListenerTlsConfig } from './types.js';
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
type Kind = (typeof KINDS)[number];
const AUTHS = ['secret', 'cert'] as const;
/** What an MQTT listener checks when its entry names no `auth`: the sensor's secret. */
const AUTH_DEFAULT = 'secret';
const LIMIT_KEYS = Object.keys(DEFAULT_LISTENER_LIMITS) as (keyof ListenerLimits)[];

/** `limits` of a listener of `kind`: each a whole number in its range, only those the kind reads. */
function readLimits(raw: unknown, at: string, kind: Kind, p: ProblemList): ListenerLimitsConfig | undefined {
  const path = `${at}.limits`;
  const o = readSection(raw, path, LIMIT_KEYS, p, false);
  if (o === null) return undefined;
  const before = p.count;
  const applies = LIMITS_BY_KIND[kind];
  const out: Partial<Record<keyof ListenerLimits, number>> = {};
  for (const key of LIMIT_KEYS) {
    if (o[key] === undefined) continue;
    if (!applies.includes(key)) {
      p.add(`${path}.${key}`, `does not apply to a ${kind} listener (it reads ${applies.join(', ')})`);
      continue;
    }
    const v = readInt(o, key, path, p, RANGES['listeners.limits'][key]);
    if (v !== undefined) out[key] = v;
  }
  const conflict = kind === 'http' ? headersTimeoutProblem({ ...DEFAULT_LISTENER_LIMITS, ...out }) : null;
  if (conflict !== null) p.add(`${path}.headersTimeoutMs`, conflict);
  return p.count === before ? out : undefined;
}

/** `tls` of an MQTT listener: null when absent, undefined when wrong (wrong adds problems). */
function readTls(raw: unknown, at: string, p: ProblemList): ListenerTlsConfig | null | undefined {
  if (raw === undefined) return null;
  const path = `${at}.tls`;
  const o = readSection(raw, path, ['certFile', 'keyFile', 'caFile', 'requireClientCert'], p, true);
  if (o === null) return undefined;
  const before = p.count;
  const certFile = readString(o, 'certFile', path, p, { check: absolutePath });
  const keyFile = readString(o, 'keyFile', path, p, { check: absolutePath });
  const caFile = readOptionalString(o, 'caFile', path, p, absolutePath);
  const requireClientCert = readBool(o, 'requireClientCert', path, p, false);
  if (requireClientCert && o['caFile'] === undefined) {
    p.add(`${path}.caFile`, 'required with requireClientCert: the CA that signs sensor certificates');
  }
  if (!requireClientCert && o['caFile'] !== undefined) {
    p.add(
      `${path}.caFile`,
      'is only read with requireClientCert: true (set it, or drop caFile: no client certificate would be checked)',
    );
  }
  if (certFile === undefined || keyFile === undefined || p.count !== before) return undefined;
  return caFile === undefined
    ? { certFile, keyFile, requireClientCert }
    : { certFile, keyFile, caFile, requireClientCert };
}

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
      const o = readSection(item, at, ['kind', 'path', 'limits'], p, true);
      const path = o === null ? undefined : readString(o, 'path', at, p, { check: checkSocketPath });
      const limits = o === null ? undefined : readLimits(o['limits'], at, k, p);
      return path === undefined || limits === undefined || p.count !== before
        ? undefined
        : { kind: k, path, limits };
    }
    const known =
      k === 'mqtt'
        ? ['kind', 'address', 'port', 'limits', 'tls', 'auth']
        : ['kind', 'address', 'port', 'limits'];
    const o = readSection(item, at, known, p, true);
    if (o === null) return undefined;
    const address = readString(o, 'address', at, p, {
      check: (s) => {
        const r = checkBindAddress(s, interfaces, wanGlobs);
        return r.ok ? null : r.problem;
      },
    });
    const port = readInt(o, 'port', at, p, RANGES['listeners.port']);
    const limits = readLimits(o['limits'], at, k, p);
    if (k === 'http') {
      if (address === undefined || port === undefined || limits === undefined || p.count !== before)
        return undefined;
      return { kind: k, address, port, limits };
    }
    const tls = readTls(o['tls'], at, p);
    const auth = readOneOf(o, 'auth', at, p, AUTHS, AUTH_DEFAULT);
    if (auth === 'cert' && tls !== undefined && tls?.requireClientCert !== true) {
      p.add(
        `${at}.auth`,
        '"cert" needs tls.requireClientCert: true (the certificate is then the only credential)',
      );
    }
    if (address === undefined || port === undefined || limits === undefined || tls === undefined)
      return undefined;
    if (p.count !== before) return undefined;
    return tls === null
      ? { kind: k, address, port, limits, auth }
      : { kind: k, address, port, limits, tls, auth };
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
