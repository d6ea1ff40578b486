/**
 * Turns what went wrong on the uplink socket (an error code from Node/OpenSSL, a CONNACK return
 * code, a timeout, a close) and the phase it happened in into one of four error codes with a reason
 * a person can act on. Pure; the table of codes was captured on Node 20.20 / OpenSSL 3.0 against
 * mosquitto 2.0.11 (see test/agent/uplink/classify-error.test.ts).
 *
 * Under TLS 1.3 the broker checks the client certificate after the client's handshake is done, so
 * its verdict (certificate expired, unknown CA, required) arrives as an alert after `secureConnect`:
 * TLS codes are therefore classified as TLS whatever the phase.
 */
import { ZtgwError } from '../../modem/errors.js';

/** setup: building the socket; tcp: before TCP connect; tls: handshake; mqtt: waiting for CONNACK; session: after it. */
export type ConnectPhase = 'setup' | 'tcp' | 'tls' | 'mqtt' | 'session';

export type UplinkErrorCode = 'UPLINK_TLS' | 'UPLINK_REFUSED' | 'UPLINK_CONNECT' | 'UPLINK_CLOSED';

/** What the socket shell saw, before interpretation. */
export interface RawFailure {
  readonly phase: ConnectPhase;
  /** `ack-timeout`: no PUBACK/SUBACK/UNSUBACK within publishTimeoutMs. */
  readonly event: 'error' | 'timeout' | 'close' | 'refused' | 'keepalive-timeout' | 'ack-timeout';
  /** `err.code` of a Node error: an errno (ECONNREFUSED), an OpenSSL verify code, or ERR_SSL_*. */
  readonly errorCode?: string;
  /** CONNACK return code (MQTT 3.1.1 §3.2.2.3). */
  readonly returnCode?: number;
  /** The original message, kept as a detail. */
  readonly message?: string;
}

export interface UplinkFailure {
  readonly code: UplinkErrorCode;
  /** Short stable name of the cause: `wrong-ca`, `host-mismatch`, `refused-not-authorized`, … */
  readonly reason: string;
  readonly message: string;
  readonly phase: ConnectPhase;
  readonly errorCode?: string;
  readonly returnCode?: number;
}

/** Facts for the messages. */
export interface ClassifyContext {
  readonly caFile: string;
  /** The name the broker certificate must carry (servername or host). */
  readonly expectedName: string;
  readonly tlsMinVersion: string;
}

type TlsReason = { readonly reason: string; readonly says: (c: ClassifyContext) => string };

const tls = (reason: string, says: (c: ClassifyContext) => string): TlsReason => ({ reason, says });
const WRONG_CA = tls(
  'wrong-ca',
  (c) => `the broker's certificate is not issued by the configured CA ${c.caFile}`,
);
const VERIFY = tls('cert-verify-failed', () => "the broker's certificate chain failed verification");
const VERSION = tls(
  'protocol-version',
  (c) => `no TLS version in common with the broker (ztgw offers ${c.tlsMinVersion} and later)`,
);
const CLIENT_REJECTED = tls('client-cert-rejected', () => 'the broker rejected the device certificate');

/** Node / OpenSSL error codes of a failed handshake, by cause. */
const TLS_CODES: Readonly<Record<string, TlsReason>> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: WRONG_CA,
  UNABLE_TO_GET_ISSUER_CERT: WRONG_CA,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: WRONG_CA,
  SELF_SIGNED_CERT_IN_CHAIN: WRONG_CA,
  DEPTH_ZERO_SELF_SIGNED_CERT: WRONG_CA,
  CERT_UNTRUSTED: WRONG_CA,
  CERT_REJECTED: WRONG_CA,
  CERT_SIGNATURE_FAILURE: VERIFY,
  CERT_CHAIN_TOO_LONG: VERIFY,
  INVALID_CA: VERIFY,
  INVALID_PURPOSE: VERIFY,
  PATH_LENGTH_EXCEEDED: VERIFY,
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: VERIFY,
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: VERIFY,
  CERT_REVOKED: tls('server-cert-revoked', () => "the broker's certificate is revoked"),
  CERT_HAS_EXPIRED: tls(
    'server-cert-expired',
    () => "the broker's certificate has expired (or the clock is ahead)",
  ),
  CERT_NOT_YET_VALID: tls(
    'server-cert-not-yet-valid',
    () => "the broker's certificate is not valid yet (is the clock behind?)",
  ),
  ERR_TLS_CERT_ALTNAME_INVALID: tls(
    'host-mismatch',
    (c) => `the broker's certificate does not name ${c.expectedName}`,
  ),
  HOSTNAME_MISMATCH: tls('host-mismatch', (c) => `the broker's certificate does not name ${c.expectedName}`),
  IP_ADDRESS_MISMATCH: tls(
    'host-mismatch',
    (c) => `the broker's certificate does not name ${c.expectedName}`,
  ),
  ERR_SSL_UNSUPPORTED_PROTOCOL: VERSION,
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: VERSION,
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: VERSION,
  ERR_SSL_VERSION_TOO_LOW: VERSION,
  ERR_SSL_WRONG_VERSION_NUMBER: tls(
    'not-tls',
    () => 'the broker port does not speak TLS (a plaintext listener?)',
  ),
  ERR_SSL_PACKET_LENGTH_TOO_LONG: tls(
    'not-tls',
    () => 'the broker port does not speak TLS (a plaintext listener?)',
  ),
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: tls(
    'client-cert-expired',
    () => 'the broker says the device certificate has expired',
  ),
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED: tls(
    'client-cert-revoked',
    () => 'the broker says the device certificate is revoked',
  ),
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: tls(
    'client-cert-unknown-ca',
    () => "the broker does not trust the device certificate's CA",
  ),
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: tls(
    'client-cert-required',
    () => 'the broker requires a device certificate',
  ),
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: CLIENT_REJECTED,
  ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE: CLIENT_REJECTED,
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: CLIENT_REJECTED,
  ERR_SSL_TLSV1_ALERT_ACCESS_DENIED: CLIENT_REJECTED,
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: CLIENT_REJECTED,
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: tls(
    'handshake-failure',
    () => 'no cipher suite or key type in common with the broker',
  ),
  ERR_SSL_NO_SHARED_CIPHER: tls(
    'handshake-failure',
    () => 'no cipher suite or key type in common with the broker',
  ),
  ERR_SSL_TLSV1_ALERT_INSUFFICIENT_SECURITY: tls(
    'handshake-failure',
    () => 'the broker finds the offered security insufficient',
  ),
  ERR_SSL_EE_KEY_TOO_SMALL: tls(
    'local-credentials',
    () => 'the device key is too small for the TLS security level',
  ),
  ERR_SSL_CA_MD_TOO_WEAK: tls(
    'local-credentials',
    () => 'a certificate uses a digest too weak for the TLS security level',
  ),
  ERR_OSSL_X509_KEY_VALUES_MISMATCH: tls(
    'local-credentials',
    () => 'the device key does not match the device certificate',
  ),
};

/** MQTT 3.1.1 §3.2.2.3, Table 3.1: CONNACK return codes. */
const RETURN_CODES: Readonly<Record<number, string>> = {
  1: 'unacceptable-protocol-version',
  2: 'identifier-rejected',
  3: 'server-unavailable',
  4: 'bad-username-or-password',
  5: 'not-authorized',
};

const TCP_ERRNO: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection-refused',
  ETIMEDOUT: 'tcp-timeout',
  EHOSTUNREACH: 'host-unreachable',
  ENETUNREACH: 'network-unreachable',
  ENETDOWN: 'network-down',
  EADDRNOTAVAIL: 'address-not-available',
  ENOTFOUND: 'dns-not-found',
  EAI_AGAIN: 'dns-temporary-failure',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
};

const withCode = (s: string, raw: RawFailure): string =>
  raw.errorCode === undefined ? s : `${s} [${raw.errorCode}]`;

export function classifyFailure(raw: RawFailure, ctx: ClassifyContext): UplinkFailure {
  const base = {
    phase: raw.phase,
    ...(raw.errorCode === undefined ? {} : { errorCode: raw.errorCode }),
    ...(raw.returnCode === undefined ? {} : { returnCode: raw.returnCode }),
  };
  const out = (code: UplinkErrorCode, reason: string, message: string): UplinkFailure => ({
    code,
    reason,
    message: withCode(message, raw),
    ...base,
  });
  if (raw.event === 'refused') {
    const rc = raw.returnCode ?? -1;
    const name = RETURN_CODES[rc] ?? `return-code-${rc}`;
    return out(
      'UPLINK_REFUSED',
      `refused-${name}`,
      `the broker refused the connection: CONNACK ${rc} (${name})`,
    );
  }
  const code = raw.errorCode;
  const known = code === undefined ? undefined : TLS_CODES[code];
  if (known !== undefined) return out('UPLINK_TLS', known.reason, known.says(ctx));
  if (code !== undefined && /^ERR_(SSL|TLS|OSSL)_/.test(code)) {
    return raw.phase === 'setup'
      ? out('UPLINK_TLS', 'local-credentials', 'the CA, device certificate or key cannot be used')
      : out('UPLINK_TLS', 'tls-other', 'the TLS handshake failed');
  }
  switch (raw.event) {
    case 'keepalive-timeout':
      return out(
        'UPLINK_CLOSED',
        'keepalive-timeout',
        'no PINGRESP from the broker within the keep-alive period',
      );
    case 'ack-timeout':
      return out(
        'UPLINK_CLOSED',
        'ack-timeout',
        'the broker did not acknowledge a publish or subscribe in time',
      );
    case 'timeout':
      if (raw.phase === 'tls')
        return out('UPLINK_TLS', 'handshake-timeout', 'the TLS handshake did not finish in time');
      if (raw.phase === 'mqtt')
        return out('UPLINK_CONNECT', 'connack-timeout', 'no CONNACK from the broker in time');
      if (raw.phase === 'session') return out('UPLINK_CLOSED', 'timeout', 'the session timed out');
      return out('UPLINK_CONNECT', 'tcp-timeout', 'the TCP connection was not established in time');
    case 'close':
      if (raw.phase === 'tls')
        return out(
          'UPLINK_TLS',
          'handshake-closed',
          'the broker closed the connection during the TLS handshake',
        );
      if (raw.phase === 'mqtt')
        return out(
          'UPLINK_CLOSED',
          'closed-before-connack',
          'the broker closed the connection before CONNACK',
        );
      if (raw.phase === 'session')
        return out('UPLINK_CLOSED', 'closed-by-broker', 'the connection was closed');
      return out(
        'UPLINK_CONNECT',
        'closed-before-connect',
        'the connection closed before it was established',
      );
    default:
      break;
  }
  const errno = code === undefined ? undefined : TCP_ERRNO[code];
  if (raw.phase === 'tls' && (code === 'ECONNRESET' || code === 'EPIPE')) {
    return out('UPLINK_TLS', 'handshake-reset', 'the broker reset the connection during the TLS handshake');
  }
  // Any other error before the handshake completed (e.g. a bare `write EPROTO`) is still TLS.
  if (raw.phase === 'tls') return out('UPLINK_TLS', 'tls-other', 'the TLS handshake failed');
  if (raw.phase === 'tcp' || raw.phase === 'setup') {
    return out(
      'UPLINK_CONNECT',
      errno ?? (code ?? 'connect-error').toLowerCase(),
      `cannot connect to the broker`,
    );
  }
  if (errno === 'reset') return out('UPLINK_CLOSED', 'reset', 'the connection was reset');
  return out(
    'UPLINK_CLOSED',
    code === undefined ? 'protocol-error' : code.toLowerCase(),
    'the session failed',
  );
}

/** The failure as a ZtgwError for `lastError` and logs, naming the broker. */
export function failureError(f: UplinkFailure, broker: string): ZtgwError<UplinkErrorCode> {
  return new ZtgwError(f.code, `${broker}: ${f.message}`, {
    broker,
    reason: f.reason,
    phase: f.phase,
    ...(f.errorCode === undefined ? {} : { errorCode: f.errorCode }),
    ...(f.returnCode === undefined ? {} : { returnCode: f.returnCode }),
  });
}
