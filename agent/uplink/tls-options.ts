/**
 * The TLS options of the uplink socket, built from the config and the PEM material. Pure.
 *
 * - Trust: the configured CA only. Passing `ca` replaces Node's bundled roots, so a certificate from
 *   any public CA is refused unless `useSystemCa` adds those roots back.
 * - `rejectUnauthorized` is always true; there is no switch to turn verification off.
 * - Host name: checked against the URL's host, or `serverName` when set. SNI carries the same name;
 *   for an IP literal without `serverName` no SNI is sent (RFC 6066 §3 allows only DNS names) and
 *   the IP is checked against the certificate's IP SANs.
 * - ALPN is not offered: plain MQTT on 8883 does not need it (only MQTT on port 443 does).
 */
import { isIP } from 'node:net';
import type { TlsMinVersion } from '../config/types.js';
import { parseBrokerUrl } from './broker-url.js';

/** PEM text or bytes of the CA bundle, the device certificate (chain) and its key. */
export interface TlsMaterial {
  readonly ca: string | Buffer;
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

export interface TlsOptionsInput {
  /** `mqtts://host[:port]`, already validated. */
  readonly url: string;
  readonly serverName?: string;
  readonly tlsMinVersion: TlsMinVersion;
  readonly useSystemCa: boolean;
  readonly material: TlsMaterial;
  /** The system roots (tls.rootCertificates), used only with useSystemCa. */
  readonly systemCa: readonly string[];
}

/** Options for tls.connect, plus the MQTT transport name mqtt.js uses for them. */
export interface UplinkTlsOptions {
  readonly protocol: 'mqtts';
  readonly host: string;
  readonly port: number;
  /** SNI and the name the certificate must carry; absent for an IP host without override. */
  readonly servername?: string;
  readonly ca: Array<string | Buffer>;
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  readonly minVersion: TlsMinVersion;
  readonly rejectUnauthorized: true;
}

/** Builds the options; throws TypeError for a URL that validation should have refused. */
export function buildTlsOptions(input: TlsOptionsInput): UplinkTlsOptions {
  const parsed = parseBrokerUrl(input.url);
  if (!parsed.ok) throw new TypeError(`broker URL ${JSON.stringify(input.url)}: ${parsed.reason}`);
  const { host, port } = parsed.value;
  const servername = input.serverName ?? (isIP(host) === 0 ? host : undefined);
  return {
    protocol: 'mqtts',
    host,
    port,
    ...(servername === undefined ? {} : { servername }),
    ca: input.useSystemCa ? [input.material.ca, ...input.systemCa] : [input.material.ca],
    cert: input.material.cert,
    key: input.material.key,
    minVersion: input.tlsMinVersion,
    rejectUnauthorized: true,
  };
}
