/**
 * From a validated listener entry of agent.json to what `startListener` binds: the TLS files read
 * (the listeners read no files themselves). Read at every start, so a renewed listener certificate
 * is used from the next restart of the data path.
 */
import type { ListenerConfig } from '../config/types.js';
import type { ListenerSpec } from '../proxies/index.js';
import { readTlsFile } from '../uplink/load-material.js';

/** Reads one PEM file named at `field`: CONFIG_IO naming the field, path and errno when it cannot. */
const readPem = (path: string, field: string): Promise<Buffer> => readTlsFile(path, field, 'CONFIG_IO');

/** The spec of listener `index` of the config (`listeners[index]` names its fields in errors). */
export async function listenerSpec(l: ListenerConfig, index: number): Promise<ListenerSpec> {
  if (l.kind !== 'mqtt') return l;
  const base = { kind: l.kind, address: l.address, port: l.port, auth: l.auth } as const;
  const t = l.tls;
  if (t === undefined) return base;
  const at = `listeners[${index}].tls`;
  const [cert, key, ca] = await Promise.all([
    readPem(t.certFile, `${at}.certFile`),
    readPem(t.keyFile, `${at}.keyFile`),
    t.caFile === undefined ? Promise.resolve(undefined) : readPem(t.caFile, `${at}.caFile`),
  ]);
  const tls =
    ca === undefined
      ? { cert, key, requireClientCert: t.requireClientCert }
      : { cert, key, ca, requireClientCert: t.requireClientCert };
  return { ...base, tls };
}
