/**
 * What a CONNECT asks for and what the listener grants, before any credential is checked. Pure.
 *
 * - MQTT 3.1.1 (4) and 5 only; 3.1 (3) gets CONNACK 0x01 (§3.2.2.3).
 * - MQTT 5 enhanced authentication is refused with 0x8C: sensors authenticate by username/password.
 * - Keep-alive: the connection may be silent for 1.5 × the keep-alive (§3.1.2.10). A keep-alive of
 *   0 would allow silence forever, so `idleTimeoutMs` applies; an MQTT 5 client is told so with
 *   Server Keep Alive (§3.2.2.3.14), which also caps a v5 keep-alive above `idleTimeoutMs`.
 *   A 3.1.1 client cannot be told, so its own non-zero keep-alive is honoured.
 * - A persistent session is asked for by CleanSession 0 (3.1.1 §3.1.2.4), or by Clean Start 0 with
 *   a Session Expiry Interval above 0 (5 §3.1.2.4, §3.1.2.11.2).
 * - An empty MQTT 5 client id gets the sensor id as Assigned Client Identifier (§3.2.2.3.7); the
 *   client id is never the identity, the username is.
 */
import type { IConnectPacket } from 'mqtt-packet';
import type { ListenerLimits } from './limits.js';
import type { ConnackV5Props } from './mqtt-codes.js';
import { connackOkV4, encodeConnackOkV5, encodeConnackRefused, RC, V4_CONNACK } from './mqtt-codes.js';
import type { Unsupported } from './types.js';

export type ConnectTerms =
  | {
      readonly ok: true;
      readonly version: 4 | 5;
      readonly username: string;
      /** The password as UTF-8, or null when the CONNECT had none. */
      readonly secret: string | null;
      /** Silence allowed before the connection is closed, in ms. */
      readonly idleMs: number;
      readonly hasProblemInfo: boolean;
      readonly clientMaxPacketBytes: number;
      readonly hasWill: boolean;
      readonly wantsSession: boolean;
      readonly connack: Pick<ConnackV5Props, 'serverKeepAliveS' | 'assignedClientIdentifier'>;
    }
  | {
      readonly ok: false;
      readonly feature: Unsupported;
      readonly reason: string;
      /** The CONNACK that refuses, in the client's version. */
      readonly connack: Buffer;
    };

export type GrantedTerms = Extract<ConnectTerms, { ok: true }>;

export function connectTerms(p: IConnectPacket, idleTimeoutMs: number): ConnectTerms {
  const v = p.protocolVersion ?? 4;
  if (v !== 4 && v !== 5) {
    return {
      ok: false,
      feature: 'protocol-version',
      reason: `MQTT protocol version ${v} is not supported`,
      connack: encodeConnackRefused(4, V4_CONNACK.badProtocolVersion),
    };
  }
  if (v === 5 && p.properties?.authenticationMethod !== undefined) {
    return {
      ok: false,
      feature: 'auth-method',
      reason: 'enhanced authentication is not supported',
      connack: encodeConnackRefused(5, RC.badAuthMethod),
    };
  }
  const keepaliveMs = (p.keepalive ?? 0) * 1500;
  const isOverridden = keepaliveMs === 0 || (v === 5 && keepaliveMs > idleTimeoutMs);
  const username = p.username ?? '';
  return {
    ok: true,
    version: v,
    username,
    secret: p.password === undefined ? null : p.password.toString('utf8'),
    idleMs: isOverridden ? idleTimeoutMs : keepaliveMs,
    hasProblemInfo: p.properties?.requestProblemInformation !== false,
    clientMaxPacketBytes: p.properties?.maximumPacketSize ?? Number.POSITIVE_INFINITY,
    hasWill: p.will !== undefined,
    wantsSession: p.clean === false && (v === 4 || (p.properties?.sessionExpiryInterval ?? 0) > 0),
    connack: {
      serverKeepAliveS: v === 5 && isOverridden ? Math.max(1, Math.floor(idleTimeoutMs / 1500)) : null,
      assignedClientIdentifier: v === 5 && p.clientId === '' ? username : null,
    },
  };
}

/** The CONNACK accepting a sensor on terms `t`; MQTT 5 is told the listener's limits as well. */
export function connackAccepted(
  t: GrantedTerms,
  limits: Pick<ListenerLimits, 'maxInFlight' | 'maxPacketBytes'>,
  isSessionPresent: boolean,
): Buffer {
  if (t.version !== 5) return connackOkV4(isSessionPresent);
  const props = {
    receiveMaximum: limits.maxInFlight,
    maximumPacketSize: limits.maxPacketBytes,
    ...t.connack,
  };
  return encodeConnackOkV5(props, isSessionPresent);
}

/** The CONNACK refusing a sensor whose proof of identity failed. */
export function connackNotAuthorized(version: 4 | 5): Buffer {
  return encodeConnackRefused(version, version === 5 ? RC.notAuthorized : V4_CONNACK.notAuthorized);
}
