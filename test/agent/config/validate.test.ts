import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateConfig } from '../../../agent/config/validate.js';
import { type Json, KEY_A, KEY_B, minimal, problemLines, withField } from './sample.js';

const PLAIN = 'expected mqtts:// (plaintext and WebSocket URLs are refused)';

test('a minimal config is valid and gets every default', () => {
  const r = validateConfig(minimal());
  assert.ok(r.ok, problemLines(r).join('\n'));
  if (!r.ok) return;
  const c = r.config;
  assert.equal(c.uplink, {
    brokers: [{ url: 'mqtts://broker.example.net:8883' }],
    caFile: '/etc/ztgw/ca.pem',
    certFile: '/var/lib/ztgw/keys/device.crt',
    keyFile: '/var/lib/ztgw/keys/device.key',
    keepaliveS: 45,
    connectTimeoutMs: 30_000,
    backoffBaseMs: 1000,
    backoffMaxMs: 300_000,
    publishTimeoutMs: 20_000,
    stableAfterMs: 60_000,
    tlsMinVersion: 'TLSv1.2',
    useSystemCa: false,
  });
  assert.equal(c.modem, { port: '/dev/ttyUSB2', baudRate: 115_200 });
  assert.equal(c.identity, { keysDir: '/var/lib/ztgw/keys', onSimMismatch: 'refuse' });
  assert.equal(c.clock, { mayStepClock: false, maxNetworkTimeAgeMs: 86_400_000 });
  assert.equal(c.paths, { stateDir: '/var/lib/ztgw', controlSocket: '/run/ztgw/control.sock' });
  assert.equal(c.exposure, { wanInterfaces: ['wwan*', 'ppp*', 'rmnet*'], lanInterfaces: [] });
  assert.equal(c.listeners, []);
  assert.equal(c.log, { level: 'info' });
});

test('the config is deeply frozen and shares nothing with the input', () => {
  const raw = minimal();
  const r = validateConfig(raw);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.ok(Object.isFrozen(r.config));
  assert.ok(Object.isFrozen(r.config.uplink.brokers));
  assert.ok(Object.isFrozen(r.config.uplink.brokers[0]));
  assert.ok(Object.isFrozen(r.config.exposure.wanInterfaces));
  assert.is(Reflect.set(r.config.uplink, 'keepaliveS', 1), false, 'a frozen field cannot be set');
  assert.is(r.config.uplink.keepaliveS, 45);
  const second = validateConfig(minimal());
  assert.ok(second.ok && !Object.isFrozen(raw));
});

/** [path, value, the one expected problem line]. */
const FIELD_ERRORS: readonly [string, Json | undefined, string][] = [
  ['deviceId', undefined, 'deviceId: required'],
  [
    'deviceId',
    'gw/1',
    'deviceId: device id "gw/1" must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  ],
  [
    'deviceId',
    'a'.repeat(65),
    `deviceId: device id "${'a'.repeat(65)}" must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
  ],
  ['deviceId', 7, 'deviceId: expected a string, got a number (7)'],
  [
    'deviceId',
    'ops-cloud',
    'deviceId: device id "ops-cloud" starts with "ops-", which is kept for operator identities',
  ],
  ['uplink', undefined, 'uplink: required section is missing'],
  ['uplink', [], 'uplink: expected an object, got an array'],
  ['uplink.brokers', undefined, 'uplink.brokers: required'],
  ['uplink.brokers', [], 'uplink.brokers: expected 1..8 items, got 0'],
  ['uplink.brokers', 'mqtts://a', 'uplink.brokers: expected an array, got a string ("mqtts://a")'],
  ['uplink.brokers', [{ url: 'mqtt://broker:1883' }], `uplink.brokers[0].url: ${PLAIN}`],
  ['uplink.brokers', [{ url: 'ws://broker/mqtt' }], `uplink.brokers[0].url: ${PLAIN}`],
  ['uplink.brokers', [{ url: 'wss://broker/mqtt' }], `uplink.brokers[0].url: ${PLAIN}`],
  ['uplink.brokers', [{ url: 'tcp://broker:1883' }], `uplink.brokers[0].url: ${PLAIN}`],
  ['uplink.brokers', [{ url: 'ssl://broker:8883' }], `uplink.brokers[0].url: ${PLAIN}`],
  ['uplink.brokers', [{ url: 'broker:8883' }], `uplink.brokers[0].url: ${PLAIN}`],
  ['uplink.brokers', [{ url: 'not a url' }], 'uplink.brokers[0].url: not a URL: "not a url"'],
  [
    'uplink.brokers',
    [{ url: 'mqtts://u:p@broker' }],
    'uplink.brokers[0].url: credentials in the URL are refused (the device certificate is the credential)',
  ],
  [
    'uplink.brokers',
    [{ url: 'mqtts://broker/ztgw' }],
    'uplink.brokers[0].url: a path is not allowed (/ztgw)',
  ],
  [
    'uplink.brokers',
    [{ url: 'mqtts://broker?x=1' }],
    'uplink.brokers[0].url: a query or fragment is not allowed',
  ],
  [
    'uplink.brokers',
    ['mqtts://broker'],
    'uplink.brokers[0]: expected an object { "url": "mqtts://…" }, got a string ("mqtts://broker")',
  ],
  ['uplink.brokers', [{ url: 'mqtts://a', port: 1 }], 'uplink.brokers[0].port: unknown key'],
  [
    'uplink.brokers',
    [{ url: 'mqtts://a' }, { url: 'mqtts://a' }],
    'uplink.brokers[1].url: duplicate of brokers[0]',
  ],
  ['uplink.caFile', undefined, 'uplink.caFile: required'],
  ['uplink.caFile', 'ca.pem', 'uplink.caFile: expected an absolute path, got "ca.pem"'],
  ['uplink.certFile', false, 'uplink.certFile: expected a string, got a boolean (false)'],
  ['uplink.keyFile', 'keys/device.key', 'uplink.keyFile: expected an absolute path, got "keys/device.key"'],
  ['uplink.keepaliveS', 5, 'uplink.keepaliveS: must be between 10 and 1200, got 5'],
  ['uplink.keepaliveS', 45.5, 'uplink.keepaliveS: expected a whole number, got a number (45.5)'],
  ['uplink.keepaliveS', '45', 'uplink.keepaliveS: expected a whole number, got a string ("45")'],
  ['uplink.connectTimeoutMs', 999, 'uplink.connectTimeoutMs: must be between 1000 and 120000, got 999'],
  ['uplink.backoffBaseMs', 0, 'uplink.backoffBaseMs: must be between 10 and 60000, got 0'],
  ['uplink.backoffMaxMs', 500, 'uplink.backoffMaxMs: must be >= backoffBaseMs (1000), got 500'],
  ['uplink.backoffMaxMs', 3_600_001, 'uplink.backoffMaxMs: must be between 10 and 3600000, got 3600001'],
  ['uplink.publishTimeoutMs', 50, 'uplink.publishTimeoutMs: must be between 100 and 600000, got 50'],
  ['uplink.stableAfterMs', -1, 'uplink.stableAfterMs: must be between 0 and 3600000, got -1'],
  [
    'uplink.tlsMinVersion',
    'TLSv1.1',
    'uplink.tlsMinVersion: expected one of "TLSv1.2", "TLSv1.3", got a string ("TLSv1.1")',
  ],
  ['uplink.useSystemCa', 'yes', 'uplink.useSystemCa: expected true or false, got a string ("yes")'],
  ['uplink.serverName', 'broker_1', 'uplink.serverName: expected a DNS name, got "broker_1"'],
  ['uplink.keepAliveS', 30, 'uplink.keepAliveS: unknown key (did you mean "keepaliveS"?)'],
  ['uplink.cafile', '/x', 'uplink.cafile: unknown key (did you mean "caFile"?)'],
  ['modem', undefined, 'modem: required section is missing'],
  ['modem.port', undefined, 'modem.port: required'],
  ['modem.port', 'ttyUSB2', 'modem.port: expected an absolute path, got "ttyUSB2"'],
  [
    'modem.baudRate',
    115_201,
    'modem.baudRate: expected one of 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, got 115201',
  ],
  ['modem.simPin', '12', 'modem.simPin: expected 4..8 digits (2 characters given)'],
  ['modem.simPin', 1234, 'modem.simPin: expected a string, got a number (1234)'],
  ['modem.powerCycleCommand', [], 'modem.powerCycleCommand: expected 1..32 items, got 0'],
  [
    'modem.powerCycleCommand',
    ['gpio', 'reset'],
    'modem.powerCycleCommand[0]: expected an absolute path, got "gpio" (no PATH lookup, no shell)',
  ],
  [
    'modem.powerCycleCommand',
    ['/bin/x', 3],
    'modem.powerCycleCommand[1]: expected a string, got a number (3)',
  ],
  [
    'modem.apn',
    'my apn',
    'modem.apn: expected 1..100 printable ASCII characters without spaces, got "my apn"',
  ],
  ['modem.apm', 'internet', 'modem.apm: unknown key (did you mean "apn"?)'],
  ['identity.keysDir', 'keys', 'identity.keysDir: expected an absolute path, got "keys"'],
  [
    'identity.onSimMismatch',
    'ignore',
    'identity.onSimMismatch: expected one of "refuse", "restricted", got a string ("ignore")',
  ],
  ['identity', 'x', 'identity: expected an object, got a string ("x")'],
  ['clock.mayStepClock', 1, 'clock.mayStepClock: expected true or false, got a number (1)'],
  [
    'clock.maxNetworkTimeAgeMs',
    1000,
    'clock.maxNetworkTimeAgeMs: must be between 60000 and 2592000000, got 1000',
  ],
  ['paths.stateDir', 'var/lib', 'paths.stateDir: expected an absolute path, got "var/lib"'],
  [
    'paths.controlSocket',
    `/run/${'s'.repeat(110)}`,
    'paths.controlSocket: socket path is 115 bytes, longer than the 107 a Unix socket allows',
  ],
  ['exposure.wanInterfaces', [], 'exposure.wanInterfaces: expected 1..32 items, got 0'],
  [
    'exposure.wanInterfaces',
    ['wwan0 '],
    'exposure.wanInterfaces[0]: expected an interface name or glob (15 characters at most, * and ? allowed), got "wwan0 "',
  ],
  [
    'exposure.lanInterfaces',
    ['a-very-long-interface-name'],
    'exposure.lanInterfaces[0]: expected an interface name or glob (15 characters at most, * and ? allowed), got "a-very-long-interface-name"',
  ],
  ['listeners', {}, 'listeners: expected an array, got an object'],
  [
    'listeners',
    [{ kind: 'mqtt', address: '0.0.0.0', port: 1883 }],
    'listeners[0].address: 0.0.0.0 binds every interface, the WAN included: use a LAN or loopback address',
  ],
  [
    'listeners',
    [{ kind: 'http', address: '::', port: 8080 }],
    'listeners[0].address: :: binds every interface, the WAN included: use a LAN or loopback address',
  ],
  [
    'listeners',
    [{ kind: 'mqtt', address: '::ffff:0.0.0.0', port: 1883 }],
    'listeners[0].address: ::ffff:0.0.0.0 binds every interface, the WAN included: use a LAN or loopback address',
  ],
  [
    'listeners',
    [{ kind: 'mqtt', address: 'localhost', port: 1883 }],
    'listeners[0].address: expected an IP address literal, got "localhost"',
  ],
  [
    'listeners',
    [{ kind: 'mqtt', address: '127.0.0.1', port: 0 }],
    'listeners[0].port: must be between 1 and 65535, got 0',
  ],
  ['listeners', [{ kind: 'mqtt', address: '127.0.0.1' }], 'listeners[0].port: required'],
  [
    'listeners',
    [{ kind: 'http', address: '127.0.0.1', port: 1883, path: '/x' }],
    'listeners[0].path: unknown key',
  ],
  ['listeners', [{ kind: 'unix', path: 'sock' }], 'listeners[0].path: expected an absolute path, got "sock"'],
  ['listeners', [{ kind: 'unix', path: '/run/s', port: 1 }], 'listeners[0].port: unknown key'],
  [
    'listeners',
    [{ kind: 'coap', address: '127.0.0.1', port: 5683 }],
    'listeners[0].kind: expected one of "mqtt", "http", "unix", got a string ("coap")',
  ],
  [
    'listeners',
    [{ address: '127.0.0.1', port: 1 }],
    'listeners[0].kind: required (one of "mqtt", "http", "unix")',
  ],
  [
    'listeners',
    [
      { kind: 'mqtt', address: '::1', port: 1883 },
      { kind: 'http', address: '0:0:0:0:0:0:0:1', port: 1883 },
    ],
    'listeners[1]: binds the same address and port as listeners[0]',
  ],
  ['operatorKeys', undefined, 'operatorKeys: required'],
  ['operatorKeys', [], 'operatorKeys: expected 1..16 items, got 0'],
  [
    'operatorKeys',
    [Buffer.alloc(31).toString('base64')],
    'operatorKeys[0]: expected base64 of a 32-byte Ed25519 public key, got 31 bytes',
  ],
  [
    'operatorKeys',
    ['not base64!'],
    'operatorKeys[0]: expected base64 of a 32-byte Ed25519 public key, got characters outside the base64 alphabet',
  ],
  ['operatorKeys', [KEY_A, KEY_B, KEY_A], 'operatorKeys[2]: duplicate of operatorKeys[0]'],
  [
    'log.level',
    'verbose',
    'log.level: expected one of "trace", "debug", "info", "warn", "error", "silent", got a string ("verbose")',
  ],
  ['logging', {}, 'logging: unknown key'],
  ['operatorkeys', [], 'operatorkeys: unknown key (did you mean "operatorKeys"?)'],
];

for (const [path, value, expected] of FIELD_ERRORS) {
  test(`${path} = ${JSON.stringify(value)?.slice(0, 60) ?? 'absent'} → ${expected.slice(0, 70)}`, () => {
    const r = validateConfig(withField(minimal(), path, value));
    assert.equal(problemLines(r), [expected]);
  });
}

test('every problem is listed at once, each with its own path', () => {
  let raw = minimal();
  raw = withField(raw, 'deviceId', 'bad id');
  raw = withField(raw, 'uplink.brokers', [{ url: 'mqtt://a' }, { url: 'wss://b' }]);
  raw = withField(raw, 'uplink.keepaliveS', 3);
  raw = withField(raw, 'modem.port', undefined);
  raw = withField(raw, 'listeners', [{ kind: 'mqtt', address: '0.0.0.0', port: 1883 }]);
  raw = withField(raw, 'typo', 1);
  const lines = problemLines(validateConfig(raw));
  assert.equal(
    lines.map((l) => l.slice(0, l.indexOf(':'))),
    [
      'typo',
      'deviceId',
      'uplink.brokers[0].url',
      'uplink.brokers[1].url',
      'uplink.keepaliveS',
      'modem.port',
      'listeners[0].address',
    ],
  );
});

test('not an object at the top', () => {
  assert.equal(problemLines(validateConfig(null)), ['(config): expected an object, got null']);
  assert.equal(problemLines(validateConfig(undefined)), ['(config): required section is missing']);
  assert.equal(problemLines(validateConfig([1])), ['(config): expected an object, got an array']);
});

const WAN_BOX = {
  lo: [{ address: '127.0.0.1', internal: true }],
  eth0: [{ address: '192.168.10.1', internal: false }],
  wwan0: [
    { address: '10.64.12.7', internal: false },
    { address: '2a01:598:1:2::7', internal: false },
  ],
};

test('a listener on an address of a WAN interface is refused, one on the LAN is not', () => {
  const wan = withField(minimal(), 'listeners', [
    { kind: 'mqtt', address: '10.64.12.7', port: 1883 },
    { kind: 'http', address: '2a01:598:1:2:0:0:0:7', port: 8080 },
    { kind: 'mqtt', address: '192.168.10.1', port: 1883 },
    { kind: 'mqtt', address: '127.0.0.1', port: 1883 },
    { kind: 'unix', path: '/run/ztgw/sensors.sock' },
  ]);
  assert.equal(problemLines(validateConfig(wan, { interfaces: WAN_BOX })), [
    'listeners[0].address: 10.64.12.7 is an address of WAN interface wwan0',
    'listeners[1].address: 2a01:598:1:2:0:0:0:7 is an address of WAN interface wwan0',
  ]);
  // The WAN globs come from the config: call eth0 a WAN interface and its address is refused too.
  const ethWan = withField(
    withField(wan, 'listeners', [{ kind: 'mqtt', address: '192.168.10.1', port: 1 }]),
    'exposure',
    {
      wanInterfaces: ['eth*'],
    },
  );
  assert.equal(problemLines(validateConfig(ethWan, { interfaces: WAN_BOX })), [
    'listeners[0].address: 192.168.10.1 is an address of WAN interface eth0',
  ]);
});

test('valid optional fields are kept', () => {
  let raw = minimal();
  raw = withField(raw, 'uplink.serverName', 'broker.example.net');
  raw = withField(raw, 'uplink.brokers', [
    { url: 'mqtts://[2001:db8::1]:8883' },
    { url: 'mqtts://b.example.net' },
  ]);
  raw = withField(raw, 'modem.simPin', '0000');
  raw = withField(raw, 'modem.apn', 'iot.example');
  raw = withField(raw, 'modem.powerCycleCommand', ['/usr/bin/gpioset', 'gpiochip0', '17=0']);
  raw = withField(raw, 'identity.onSimMismatch', 'restricted');
  raw = withField(raw, 'log.level', 'debug');
  const r = validateConfig(raw);
  assert.ok(r.ok, problemLines(r).join('\n'));
  if (!r.ok) return;
  assert.is(r.config.uplink.serverName, 'broker.example.net');
  assert.is(r.config.uplink.brokers.length, 2);
  assert.equal(r.config.modem, {
    port: '/dev/ttyUSB2',
    baudRate: 115_200,
    simPin: '0000',
    powerCycleCommand: ['/usr/bin/gpioset', 'gpiochip0', '17=0'],
    apn: 'iot.example',
  });
  assert.is(r.config.identity.onSimMismatch, 'restricted');
});

test('a problem text never carries the SIM PIN', () => {
  const lines = problemLines(validateConfig(withField(minimal(), 'modem.simPin', '98765432109')));
  assert.equal(lines, ['modem.simPin: expected 4..8 digits (11 characters given)']);
});

test.run();
