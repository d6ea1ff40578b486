/**
 * Broker URLs: `mqtts://host[:port]` and nothing else. Config validation refuses anything else with
 * the reason; the uplink splits a valid URL into host and port. Pure.
 */

/** Port used when a broker URL has none (IANA "secure-mqtt"). */
export const MQTTS_DEFAULT_PORT = 8883;

export interface BrokerAddress {
  /** Host name or IP literal, without the brackets of an IPv6 literal. */
  readonly host: string;
  readonly port: number;
}

export type BrokerUrlResult =
  | { readonly ok: true; readonly value: BrokerAddress }
  | { readonly ok: false; readonly reason: string };

export function parseBrokerUrl(url: string): BrokerUrlResult {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // URL throws a TypeError with no more to say than "Invalid URL"; the reason below says it.
    return { ok: false, reason: `not a URL: ${JSON.stringify(url)}` };
  }
  if (u.protocol !== 'mqtts:')
    return { ok: false, reason: 'expected mqtts:// (plaintext and WebSocket URLs are refused)' };
  if (u.username !== '' || u.password !== '') {
    return {
      ok: false,
      reason: 'credentials in the URL are refused (the device certificate is the credential)',
    };
  }
  if (u.hostname === '') return { ok: false, reason: 'the URL has no host' };
  if (u.pathname !== '' && u.pathname !== '/')
    return { ok: false, reason: `a path is not allowed (${u.pathname})` };
  if (u.search !== '' || u.hash !== '') return { ok: false, reason: 'a query or fragment is not allowed' };
  const port = u.port === '' ? MQTTS_DEFAULT_PORT : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    return { ok: false, reason: `bad port ${u.port}` };
  const host = u.hostname.startsWith('[') && u.hostname.endsWith(']') ? u.hostname.slice(1, -1) : u.hostname;
  return { ok: true, value: { host, port } };
}
