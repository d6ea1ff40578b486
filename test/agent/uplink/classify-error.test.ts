import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classifyFailure, failureError, type RawFailure } from '../../../agent/uplink/classify-error.js';

const CTX = { caFile: '/etc/ztgw/ca.pem', expectedName: 'broker.example.net', tlsMinVersion: 'TLSv1.2' };

/**
 * [what happened, raw failure, code, reason, message]. The error codes and the phase they arrive in
 * were captured on Node 20.20.2 / OpenSSL 3.0 against mosquitto 2.0.11 (require_certificate) and
 * Node TLS servers.
 */
const ROWS: readonly [string, RawFailure, string, string, string][] = [
  [
    'broker cert from another CA',
    { phase: 'tls', event: 'error', errorCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
    'UPLINK_TLS',
    'wrong-ca',
    "the broker's certificate is not issued by the configured CA /etc/ztgw/ca.pem [UNABLE_TO_VERIFY_LEAF_SIGNATURE]",
  ],
  [
    'self-signed broker cert',
    { phase: 'tls', event: 'error', errorCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    'UPLINK_TLS',
    'wrong-ca',
    "the broker's certificate is not issued by the configured CA /etc/ztgw/ca.pem [DEPTH_ZERO_SELF_SIGNED_CERT]",
  ],
  [
    'name not in SAN',
    { phase: 'tls', event: 'error', errorCode: 'ERR_TLS_CERT_ALTNAME_INVALID' },
    'UPLINK_TLS',
    'host-mismatch',
    "the broker's certificate does not name broker.example.net [ERR_TLS_CERT_ALTNAME_INVALID]",
  ],
  [
    'expired broker cert',
    { phase: 'tls', event: 'error', errorCode: 'CERT_HAS_EXPIRED' },
    'UPLINK_TLS',
    'server-cert-expired',
    "the broker's certificate has expired (or the clock is ahead) [CERT_HAS_EXPIRED]",
  ],
  [
    'clock behind',
    { phase: 'tls', event: 'error', errorCode: 'CERT_NOT_YET_VALID' },
    'UPLINK_TLS',
    'server-cert-not-yet-valid',
    "the broker's certificate is not valid yet (is the clock behind?) [CERT_NOT_YET_VALID]",
  ],
  [
    'TLS 1.1-only broker',
    { phase: 'tls', event: 'error', errorCode: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' },
    'UPLINK_TLS',
    'protocol-version',
    'no TLS version in common with the broker (ztgw offers TLSv1.2 and later) [ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION]',
  ],
  [
    'broker below our minimum',
    { phase: 'tls', event: 'error', errorCode: 'ERR_SSL_UNSUPPORTED_PROTOCOL' },
    'UPLINK_TLS',
    'protocol-version',
    'no TLS version in common with the broker (ztgw offers TLSv1.2 and later) [ERR_SSL_UNSUPPORTED_PROTOCOL]',
  ],
  [
    'plaintext listener',
    { phase: 'tls', event: 'error', errorCode: 'ERR_SSL_WRONG_VERSION_NUMBER' },
    'UPLINK_TLS',
    'not-tls',
    'the broker port does not speak TLS (a plaintext listener?) [ERR_SSL_WRONG_VERSION_NUMBER]',
  ],
  [
    'expired client cert, TLS 1.3 (alert after secureConnect)',
    { phase: 'mqtt', event: 'error', errorCode: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED' },
    'UPLINK_TLS',
    'client-cert-expired',
    'the broker says the device certificate has expired [ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED]',
  ],
  [
    'expired client cert, TLS 1.2',
    { phase: 'tls', event: 'error', errorCode: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED' },
    'UPLINK_TLS',
    'client-cert-expired',
    'the broker says the device certificate has expired [ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED]',
  ],
  [
    'client cert from another CA',
    { phase: 'mqtt', event: 'error', errorCode: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' },
    'UPLINK_TLS',
    'client-cert-unknown-ca',
    "the broker does not trust the device certificate's CA [ERR_SSL_TLSV1_ALERT_UNKNOWN_CA]",
  ],
  [
    'no client cert',
    { phase: 'mqtt', event: 'error', errorCode: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' },
    'UPLINK_TLS',
    'client-cert-required',
    'the broker requires a device certificate [ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED]',
  ],
  [
    'unreadable key PEM',
    { phase: 'setup', event: 'error', errorCode: 'ERR_OSSL_UNSUPPORTED' },
    'UPLINK_TLS',
    'local-credentials',
    'the CA, device certificate or key cannot be used [ERR_OSSL_UNSUPPORTED]',
  ],
  [
    'key does not match cert',
    { phase: 'setup', event: 'error', errorCode: 'ERR_OSSL_X509_KEY_VALUES_MISMATCH' },
    'UPLINK_TLS',
    'local-credentials',
    'the device key does not match the device certificate [ERR_OSSL_X509_KEY_VALUES_MISMATCH]',
  ],
  [
    'unknown SSL error',
    { phase: 'tls', event: 'error', errorCode: 'ERR_SSL_SOMETHING_NEW' },
    'UPLINK_TLS',
    'tls-other',
    'the TLS handshake failed [ERR_SSL_SOMETHING_NEW]',
  ],
  [
    'handshake failure seen by a pending write (TLS 1.1-only mosquitto, CONNECT written early)',
    { phase: 'tls', event: 'error', errorCode: 'EPROTO' },
    'UPLINK_TLS',
    'tls-other',
    'the TLS handshake failed [EPROTO]',
  ],
  [
    'reset during handshake',
    { phase: 'tls', event: 'error', errorCode: 'ECONNRESET' },
    'UPLINK_TLS',
    'handshake-reset',
    'the broker reset the connection during the TLS handshake [ECONNRESET]',
  ],
  [
    'nothing listening',
    { phase: 'tcp', event: 'error', errorCode: 'ECONNREFUSED' },
    'UPLINK_CONNECT',
    'connection-refused',
    'cannot connect to the broker [ECONNREFUSED]',
  ],
  [
    'no route',
    { phase: 'tcp', event: 'error', errorCode: 'EHOSTUNREACH' },
    'UPLINK_CONNECT',
    'host-unreachable',
    'cannot connect to the broker [EHOSTUNREACH]',
  ],
  [
    'DNS',
    { phase: 'tcp', event: 'error', errorCode: 'ENOTFOUND' },
    'UPLINK_CONNECT',
    'dns-not-found',
    'cannot connect to the broker [ENOTFOUND]',
  ],
  [
    'other errno',
    { phase: 'tcp', event: 'error', errorCode: 'EPROTO' },
    'UPLINK_CONNECT',
    'eproto',
    'cannot connect to the broker [EPROTO]',
  ],
  [
    'SYN unanswered',
    { phase: 'tcp', event: 'timeout' },
    'UPLINK_CONNECT',
    'tcp-timeout',
    'the TCP connection was not established in time',
  ],
  [
    'handshake stalls',
    { phase: 'tls', event: 'timeout' },
    'UPLINK_TLS',
    'handshake-timeout',
    'the TLS handshake did not finish in time',
  ],
  [
    'no CONNACK',
    { phase: 'mqtt', event: 'timeout' },
    'UPLINK_CONNECT',
    'connack-timeout',
    'no CONNACK from the broker in time',
  ],
  [
    'closed in handshake',
    { phase: 'tls', event: 'close' },
    'UPLINK_TLS',
    'handshake-closed',
    'the broker closed the connection during the TLS handshake',
  ],
  [
    'closed before CONNACK',
    { phase: 'mqtt', event: 'close' },
    'UPLINK_CLOSED',
    'closed-before-connack',
    'the broker closed the connection before CONNACK',
  ],
  [
    'broker went away',
    { phase: 'session', event: 'close' },
    'UPLINK_CLOSED',
    'closed-by-broker',
    'the connection was closed',
  ],
  [
    'reset in session',
    { phase: 'session', event: 'error', errorCode: 'ECONNRESET' },
    'UPLINK_CLOSED',
    'reset',
    'the connection was reset [ECONNRESET]',
  ],
  [
    'mqtt protocol error',
    { phase: 'session', event: 'error', message: 'Protocol error' },
    'UPLINK_CLOSED',
    'protocol-error',
    'the session failed',
  ],
  [
    'no PINGRESP',
    { phase: 'session', event: 'keepalive-timeout' },
    'UPLINK_CLOSED',
    'keepalive-timeout',
    'no PINGRESP from the broker within the keep-alive period',
  ],
  [
    'no PUBACK',
    { phase: 'session', event: 'ack-timeout' },
    'UPLINK_CLOSED',
    'ack-timeout',
    'the broker did not acknowledge a publish or subscribe in time',
  ],
  [
    'CONNACK 5',
    { phase: 'mqtt', event: 'refused', returnCode: 5 },
    'UPLINK_REFUSED',
    'refused-not-authorized',
    'the broker refused the connection: CONNACK 5 (not-authorized)',
  ],
  [
    'CONNACK 2',
    { phase: 'mqtt', event: 'refused', returnCode: 2 },
    'UPLINK_REFUSED',
    'refused-identifier-rejected',
    'the broker refused the connection: CONNACK 2 (identifier-rejected)',
  ],
  [
    'CONNACK 1',
    { phase: 'mqtt', event: 'refused', returnCode: 1 },
    'UPLINK_REFUSED',
    'refused-unacceptable-protocol-version',
    'the broker refused the connection: CONNACK 1 (unacceptable-protocol-version)',
  ],
  [
    'CONNACK 3',
    { phase: 'mqtt', event: 'refused', returnCode: 3 },
    'UPLINK_REFUSED',
    'refused-server-unavailable',
    'the broker refused the connection: CONNACK 3 (server-unavailable)',
  ],
  [
    'CONNACK 4',
    { phase: 'mqtt', event: 'refused', returnCode: 4 },
    'UPLINK_REFUSED',
    'refused-bad-username-or-password',
    'the broker refused the connection: CONNACK 4 (bad-username-or-password)',
  ],
  [
    'CONNACK 135 (v5 code)',
    { phase: 'mqtt', event: 'refused', returnCode: 135 },
    'UPLINK_REFUSED',
    'refused-return-code-135',
    'the broker refused the connection: CONNACK 135 (return-code-135)',
  ],
];

for (const [what, raw, code, reason, message] of ROWS) {
  test(`${what} → ${code} ${reason}`, () => {
    const f = classifyFailure(raw, CTX);
    assert.is(f.code, code);
    assert.is(f.reason, reason);
    assert.is(f.message, message);
    assert.is(f.phase, raw.phase);
  });
}

test('the failure as an error names the broker and keeps the facts in details', () => {
  const f = classifyFailure({ phase: 'mqtt', event: 'refused', returnCode: 5 }, CTX);
  const e = failureError(f, 'mqtts://b:8883');
  assert.is(e.code, 'UPLINK_REFUSED');
  assert.is(e.message, 'mqtts://b:8883: the broker refused the connection: CONNACK 5 (not-authorized)');
  assert.equal(e.details, {
    broker: 'mqtts://b:8883',
    reason: 'refused-not-authorized',
    phase: 'mqtt',
    returnCode: 5,
  });
  const t = failureError(
    classifyFailure({ phase: 'tls', event: 'error', errorCode: 'CERT_HAS_EXPIRED' }, CTX),
    'b',
  );
  assert.equal(t.details, {
    broker: 'b',
    reason: 'server-cert-expired',
    phase: 'tls',
    errorCode: 'CERT_HAS_EXPIRED',
  });
});

test.run();
