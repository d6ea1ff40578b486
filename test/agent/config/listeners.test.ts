/**
 * Listener entries of agent.json: limits (ranges, units, which kind reads which), TLS and `auth`.
 * Every problem names its field path.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RANGES } from '../../../agent/config/defaults.js';
import { validateConfig } from '../../../agent/config/validate.js';
import { LIMITS_BY_KIND, LISTENER_LIMIT_RANGES, resolveLimits } from '../../../agent/proxies/limits.js';
import { type Json, minimal, problemLines, withField } from './sample.js';

const MQTT = { kind: 'mqtt', address: '127.0.0.1', port: 1883 };
const TLS = { certFile: '/etc/ztgw/lan.crt', keyFile: '/etc/ztgw/lan.key' };

function listeners(...items: Json[]) {
  return validateConfig(withField(minimal(), 'listeners', items));
}

test('an entry without limits, tls or auth gets none, and auth "secret"', () => {
  const r = listeners(
    MQTT,
    { kind: 'http', address: '127.0.0.1', port: 8081 },
    { kind: 'unix', path: '/run/s' },
  );
  assert.ok(r.ok, problemLines(r).join('\n'));
  if (!r.ok) return;
  assert.equal(r.config.listeners, [
    { ...MQTT, limits: {}, auth: 'secret' },
    { kind: 'http', address: '127.0.0.1', port: 8081, limits: {} },
    { kind: 'unix', path: '/run/s', limits: {} },
  ]);
});

test('limits each kind reads are taken, and reach the listener as given', () => {
  const mqtt = { maxConnections: 16, perSourceConnectsPerMin: 6, connectTimeoutMs: 2000, maxInFlight: 8 };
  const http = { maxBodyBytes: 4096, headersTimeoutMs: 2000, requestTimeoutMs: 4000 };
  const unix = { maxLineBytes: 1024, idleTimeoutMs: 60_000 };
  const r = listeners(
    { ...MQTT, limits: mqtt },
    { kind: 'http', address: '127.0.0.1', port: 8081, limits: http },
    { kind: 'unix', path: '/run/s', limits: unix },
  );
  assert.ok(r.ok, problemLines(r).join('\n'));
  if (!r.ok) return;
  assert.equal(r.config.listeners[0]?.limits, mqtt);
  assert.equal(r.config.listeners[1]?.limits, http);
  assert.equal(r.config.listeners[2]?.limits, unix);
  // What validation lets through, the listener accepts (the same ranges, one source).
  for (const l of r.config.listeners) assert.not.throws(() => resolveLimits(l.limits));
});

test("config ranges are the listener code's own ranges", () => {
  // One object, not a copy; the loop checks that resolveLimits enforces exactly those ranges.
  assert.is(RANGES['listeners.limits'], LISTENER_LIMIT_RANGES);
  for (const [key, range] of Object.entries(RANGES['listeners.limits'])) {
    assert.is(range.min, 1, key);
    // headersTimeoutMs may not pass requestTimeoutMs: give it room.
    const room = key === 'headersTimeoutMs' ? { requestTimeoutMs: range.max } : {};
    assert.not.throws(() => resolveLimits({ ...room, [key]: range.max }), key);
    assert.throws(() => resolveLimits({ ...room, [key]: range.max + 1 }), /must be a whole number/, key);
  }
});

/** [listener entry, the one expected problem line]. */
const PROBLEMS: readonly [Json, string][] = [
  [
    { ...MQTT, limits: { maxConnections: 0 } },
    'listeners[0].limits.maxConnections: must be between 1 and 65535, got 0',
  ],
  [
    { ...MQTT, limits: { maxPacketBytes: 268_435_456 } },
    'listeners[0].limits.maxPacketBytes: must be between 1 and 268435455, got 268435456',
  ],
  [
    { ...MQTT, limits: { connectTimeoutMs: 2.5 } },
    'listeners[0].limits.connectTimeoutMs: expected a whole number, got a number (2.5)',
  ],
  [
    { ...MQTT, limits: { idleTimeoutMs: '5m' } },
    'listeners[0].limits.idleTimeoutMs: expected a whole number, got a string ("5m")',
  ],
  [
    { ...MQTT, limits: { maxConnection: 4 } },
    'listeners[0].limits.maxConnection: unknown key (did you mean "maxConnections"?)',
  ],
  [{ ...MQTT, limits: [] }, 'listeners[0].limits: expected an object, got an array'],
  [
    { ...MQTT, limits: { maxBodyBytes: 4096 } },
    `listeners[0].limits.maxBodyBytes: does not apply to a mqtt listener (it reads ${LIMITS_BY_KIND.mqtt.join(', ')})`,
  ],
  [
    { kind: 'unix', path: '/run/s', limits: { perSourceConnectsPerMin: 10 } },
    `listeners[0].limits.perSourceConnectsPerMin: does not apply to a unix listener (it reads ${LIMITS_BY_KIND.unix.join(', ')})`,
  ],
  [
    { kind: 'http', address: '127.0.0.1', port: 8081, limits: { headersTimeoutMs: 40_000 } },
    'listeners[0].limits.headersTimeoutMs: 40000 ms must not exceed requestTimeoutMs (30000 ms)',
  ],
  [{ ...MQTT, tls: { keyFile: TLS.keyFile } }, 'listeners[0].tls.certFile: required'],
  [
    { ...MQTT, tls: { ...TLS, keyFile: 'lan.key' } },
    'listeners[0].tls.keyFile: expected an absolute path, got "lan.key"',
  ],
  [
    { ...MQTT, tls: { ...TLS, requireClientCert: true } },
    'listeners[0].tls.caFile: required with requireClientCert: the CA that signs sensor certificates',
  ],
  [
    { ...MQTT, tls: { ...TLS, caFile: '/etc/ztgw/sensors-ca.crt' } },
    'listeners[0].tls.caFile: is only read with requireClientCert: true (set it, or drop caFile: no client certificate would be checked)',
  ],
  [
    { ...MQTT, tls: { ...TLS, requireClientCert: 'yes' } },
    'listeners[0].tls.requireClientCert: expected true or false, got a string ("yes")',
  ],
  [{ ...MQTT, tls: { ...TLS, ciphers: 'ALL' } }, 'listeners[0].tls.ciphers: unknown key'],
  [{ ...MQTT, tls: true }, 'listeners[0].tls: expected an object, got a boolean (true)'],
  [{ kind: 'http', address: '127.0.0.1', port: 8081, tls: TLS }, 'listeners[0].tls: unknown key'],
  [
    { ...MQTT, auth: 'cert' },
    'listeners[0].auth: "cert" needs tls.requireClientCert: true (the certificate is then the only credential)',
  ],
  [
    { ...MQTT, auth: 'cert', tls: TLS },
    'listeners[0].auth: "cert" needs tls.requireClientCert: true (the certificate is then the only credential)',
  ],
  [{ ...MQTT, auth: 'token' }, 'listeners[0].auth: expected one of "secret", "cert", got a string ("token")'],
];

for (const [entry, expected] of PROBLEMS) {
  test(`${JSON.stringify(entry).slice(0, 90)} → ${expected.slice(0, 60)}`, () => {
    assert.equal(problemLines(listeners(entry)), [expected]);
  });
}

test('TLS with a required client certificate, and auth "cert"', () => {
  const tls = { ...TLS, caFile: '/etc/ztgw/sensors-ca.crt', requireClientCert: true };
  const r = listeners({ ...MQTT, tls, auth: 'cert' }, { ...MQTT, port: 8883, tls: TLS });
  assert.ok(r.ok, problemLines(r).join('\n'));
  if (!r.ok) return;
  assert.equal(r.config.listeners[0], { ...MQTT, limits: {}, tls, auth: 'cert' });
  assert.equal(r.config.listeners[1], {
    ...MQTT,
    port: 8883,
    limits: {},
    tls: { ...TLS, requireClientCert: false },
    auth: 'secret',
  });
  assert.ok(Object.isFrozen(r.config.listeners[0]?.limits));
});

test('problems of two listeners are listed together, each under its own index', () => {
  const r = listeners(
    { ...MQTT, limits: { maxInFlight: 0 } },
    { kind: 'unix', path: '/run/s', limits: { maxLineBytes: -1 } },
  );
  assert.equal(problemLines(r), [
    'listeners[0].limits.maxInFlight: must be between 1 and 65535, got 0',
    'listeners[1].limits.maxLineBytes: must be between 1 and 268435455, got -1',
  ]);
});

test.run();
