/** Validates the `uplink` section: brokers, TLS material, keep-alive, timeouts, back-off. Pure. */
import { parseBrokerUrl } from '../uplink/broker-url.js';
import {
  absolutePath,
  describe,
  isRawObject,
  join,
  type ProblemList,
  readArray,
  readBool,
  readInt,
  readOneOf,
  readOptionalString,
  readSection,
  readString,
} from './check.js';
import { RANGES, UPLINK_DEFAULTS } from './defaults.js';
import type { BrokerConfig, TlsMinVersion, UplinkConfig } from './types.js';

const UPLINK_KEYS = [
  'brokers',
  'caFile',
  'certFile',
  'keyFile',
  'keepaliveS',
  'connectTimeoutMs',
  'backoffBaseMs',
  'backoffMaxMs',
  'publishTimeoutMs',
  'stableAfterMs',
  'tlsMinVersion',
  'useSystemCa',
  'serverName',
] as const;

const TLS_VERSIONS: readonly TlsMinVersion[] = ['TLSv1.2', 'TLSv1.3'];

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, 253 characters at most. */
export function checkDnsName(s: string): string | null {
  const label = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
  if (s.length === 0 || s.length > 253 || !s.split('.').every((l) => label.test(l))) {
    return `expected a DNS name, got ${JSON.stringify(s)}`;
  }
  return null;
}

function readBroker(p: ProblemList) {
  return (item: unknown, at: string): BrokerConfig | undefined => {
    if (!isRawObject(item)) {
      p.add(at, `expected an object { "url": "mqtts://…" }, got ${describe(item)}`);
      return undefined;
    }
    const o = readSection(item, at, ['url'], p, true);
    if (o === null) return undefined;
    const url = readString(o, 'url', at, p, {
      check: (s) => {
        const r = parseBrokerUrl(s);
        return r.ok ? null : r.reason;
      },
    });
    return url === undefined ? undefined : { url };
  };
}

export function validateUplink(raw: unknown, p: ProblemList): UplinkConfig | null {
  const path = 'uplink';
  const o = readSection(raw, path, UPLINK_KEYS, p, true);
  if (o === null) return null;
  const before = p.count;
  const brokers = readArray(o, 'brokers', path, p, RANGES['uplink.brokers'], undefined, readBroker(p));
  if (brokers !== undefined) {
    const seen = new Map<string, number>();
    brokers.forEach((b, i) => {
      const first = seen.get(b.url);
      if (first !== undefined) p.add(`${path}.brokers[${i}].url`, `duplicate of brokers[${first}]`);
      else seen.set(b.url, i);
    });
  }
  const caFile = readString(o, 'caFile', path, p, { check: absolutePath });
  const certFile = readString(o, 'certFile', path, p, { check: absolutePath });
  const keyFile = readString(o, 'keyFile', path, p, { check: absolutePath });
  const d = UPLINK_DEFAULTS;
  const keepaliveS = readInt(o, 'keepaliveS', path, p, RANGES['uplink.keepaliveS'], d.keepaliveS);
  const connectTimeoutMs = readInt(
    o,
    'connectTimeoutMs',
    path,
    p,
    RANGES['uplink.connectTimeoutMs'],
    d.connectTimeoutMs,
  );
  const backoffBaseMs = readInt(o, 'backoffBaseMs', path, p, RANGES['uplink.backoffBaseMs'], d.backoffBaseMs);
  const backoffMaxMs = readInt(o, 'backoffMaxMs', path, p, RANGES['uplink.backoffMaxMs'], d.backoffMaxMs);
  if (backoffBaseMs !== undefined && backoffMaxMs !== undefined && backoffMaxMs < backoffBaseMs) {
    p.add(join(path, 'backoffMaxMs'), `must be >= backoffBaseMs (${backoffBaseMs}), got ${backoffMaxMs}`);
  }
  const publishTimeoutMs = readInt(
    o,
    'publishTimeoutMs',
    path,
    p,
    RANGES['uplink.publishTimeoutMs'],
    d.publishTimeoutMs,
  );
  const stableAfterMs = readInt(o, 'stableAfterMs', path, p, RANGES['uplink.stableAfterMs'], d.stableAfterMs);
  const tlsMinVersion = readOneOf(o, 'tlsMinVersion', path, p, TLS_VERSIONS, d.tlsMinVersion);
  const useSystemCa = readBool(o, 'useSystemCa', path, p, d.useSystemCa);
  const serverName = readOptionalString(o, 'serverName', path, p, checkDnsName);
  if (
    p.count !== before ||
    brokers === undefined ||
    caFile === undefined ||
    certFile === undefined ||
    keyFile === undefined ||
    keepaliveS === undefined ||
    connectTimeoutMs === undefined ||
    backoffBaseMs === undefined ||
    backoffMaxMs === undefined ||
    publishTimeoutMs === undefined ||
    stableAfterMs === undefined
  ) {
    return null;
  }
  return {
    brokers,
    caFile,
    certFile,
    keyFile,
    keepaliveS,
    connectTimeoutMs,
    backoffBaseMs,
    backoffMaxMs,
    publishTimeoutMs,
    stableAfterMs,
    tlsMinVersion,
    useSystemCa,
    ...(serverName === undefined ? {} : { serverName }),
  };
}
