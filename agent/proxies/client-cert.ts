/**
 * Who a sensor is on an MQTT listener: its TLS client certificate, its secret, or both.
 *
 *   CONNECT ─▶ certificate required? ─▶ present, chains to the listener's CA, CN = username? ─no─▶ refused (certificate)
 *                     │ yes / not required                                      │ yes
 *                     ▼                                                         ▼
 *              auth "cert": the CN is the id          auth "secret": gate.authenticate(username, password)
 *
 * The identity in a certificate is its subject CN, compared byte for byte with the MQTT username (a
 * sensor that sends no username is named by its CN). The CN rather than a SAN URI: it is what the
 * lab CA and `openssl req -subj /CN=<id>` put in a certificate without an extensions file, and a
 * sensor's id is already restricted to what a CN can hold.
 */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Logger } from '../../modem/log.js';
import { safeAuthenticate } from './safe-gate.js';
import type { SensorGate } from './types.js';

/** What node:tls knows about the peer's certificate after the handshake, as plain data. */
export interface PeerCertFacts {
  /** The peer sent a certificate. */
  readonly hasCert: boolean;
  /** It chains to the listener's CA (`TLSSocket.authorized`). */
  readonly isTrusted: boolean;
  /** OpenSSL's verification error code when it does not (`UNABLE_TO_VERIFY_LEAF_SIGNATURE` …). */
  readonly verifyError: string | null;
  /** The subject CN, or null when there is none. */
  readonly commonName: string | null;
}

export type CertIdentity =
  | { readonly ok: true; readonly sensorId: string }
  | { readonly ok: false; readonly cause: string };

/** The sensor id a client certificate proves for `username` ('' when the CONNECT had none). Pure. */
export function identifyByCert(facts: PeerCertFacts, username: string): CertIdentity {
  if (!facts.hasCert) return { ok: false, cause: 'no client certificate' };
  if (!facts.isTrusted) {
    return {
      ok: false,
      cause: `client certificate not issued by the listener's CA (${facts.verifyError ?? 'unverified'})`,
    };
  }
  const cn = facts.commonName;
  if (cn === null || cn === '') return { ok: false, cause: 'client certificate has no subject CN' };
  if (username !== '' && username !== cn) {
    return {
      ok: false,
      cause: `client certificate is for ${JSON.stringify(cn.slice(0, 64))}, not ${JSON.stringify(username.slice(0, 64))}`,
    };
  }
  return { ok: true, sensorId: cn };
}

/** Reads the facts from a socket; a plain TCP socket has no certificate. */
export function peerCertFacts(socket: Socket): PeerCertFacts {
  if (!(socket instanceof TLSSocket)) {
    return { hasCert: false, isTrusted: false, verifyError: null, commonName: null };
  }
  const cert = socket.getPeerCertificate();
  const hasCert = cert !== null && Object.keys(cert).length > 0;
  const cn = hasCert ? cert.subject?.CN : undefined;
  const err = socket.authorizationError;
  return {
    hasCert,
    isTrusted: socket.authorized,
    verifyError: err === undefined || err === null ? null : String(err),
    // A subject with two CNs comes back as an array: no single identity, so none.
    commonName: typeof cn === 'string' ? cn : null,
  };
}

export interface SensorProofOptions {
  readonly requireClientCert: boolean;
  readonly auth: 'secret' | 'cert';
}

export type SensorProof =
  | { readonly ok: true; readonly sensorId: string }
  | { readonly ok: false; readonly reason: string; readonly credential?: 'certificate' };

/**
 * Checks a CONNECT's proof of identity, as configured for the listener. Never rejects (the gate's
 * failures are turned into a refusal by safeAuthenticate).
 */
export async function proveSensor(
  socket: Socket,
  username: string,
  secret: string | null,
  peer: string,
  opts: SensorProofOptions,
  gate: SensorGate,
  log: Logger,
): Promise<SensorProof> {
  if (opts.requireClientCert) {
    const c = identifyByCert(peerCertFacts(socket), username);
    if (!c.ok) return { ok: false, reason: c.cause, credential: 'certificate' };
    if (opts.auth === 'cert') return { ok: true, sensorId: c.sensorId };
  }
  if (username === '' || secret === null) return { ok: false, reason: 'no username or password' };
  const r = await safeAuthenticate(gate, log, username, secret, 'mqtt', peer);
  return r.ok ? { ok: true, sensorId: username } : r;
}
