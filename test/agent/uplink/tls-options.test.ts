import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildTlsOptions, type TlsOptionsInput } from '../../../agent/uplink/tls-options.js';

const MATERIAL = { ca: 'CA-PEM', cert: 'CERT-PEM', key: 'KEY-PEM' };
const SYSTEM = ['ROOT-1', 'ROOT-2'];
const input = (over: Partial<TlsOptionsInput>): TlsOptionsInput => ({
  url: 'mqtts://broker.example.net:8884',
  tlsMinVersion: 'TLSv1.2',
  useSystemCa: false,
  material: MATERIAL,
  systemCa: SYSTEM,
  ...over,
});

test('a DNS host: mqtts, the configured CA only, SNI and host check on the URL host, verification on', () => {
  assert.equal(buildTlsOptions(input({})), {
    protocol: 'mqtts',
    host: 'broker.example.net',
    port: 8884,
    servername: 'broker.example.net',
    ca: ['CA-PEM'],
    cert: 'CERT-PEM',
    key: 'KEY-PEM',
    minVersion: 'TLSv1.2',
    rejectUnauthorized: true,
  });
});

test('port 8883 when the URL has none; TLS 1.3 minimum passed through', () => {
  const o = buildTlsOptions(input({ url: 'mqtts://broker.example.net', tlsMinVersion: 'TLSv1.3' }));
  assert.is(o.port, 8883);
  assert.is(o.minVersion, 'TLSv1.3');
});

test('an IP host sends no SNI (RFC 6066 §3) and is checked against the IP SANs', () => {
  const v4 = buildTlsOptions(input({ url: 'mqtts://127.0.0.1:8883' }));
  assert.is(v4.host, '127.0.0.1');
  assert.not.ok('servername' in v4);
  const v6 = buildTlsOptions(input({ url: 'mqtts://[::1]:8883' }));
  assert.is(v6.host, '::1');
  assert.not.ok('servername' in v6);
});

test('serverName overrides the name checked and sent, for any host', () => {
  const o = buildTlsOptions(input({ url: 'mqtts://10.0.0.5:8883', serverName: 'broker.example.net' }));
  assert.is(o.host, '10.0.0.5');
  assert.is(o.servername, 'broker.example.net');
});

test('the system store is added only with useSystemCa, after the configured CA', () => {
  assert.equal(buildTlsOptions(input({ useSystemCa: true })).ca, ['CA-PEM', 'ROOT-1', 'ROOT-2']);
  assert.equal(buildTlsOptions(input({ useSystemCa: false })).ca, ['CA-PEM']);
});

test('no ALPN is offered and verification cannot be switched off', () => {
  const o = buildTlsOptions(input({}));
  assert.not.ok('ALPNProtocols' in o);
  assert.is(o.rejectUnauthorized, true);
});

test('a URL validation should have refused is a TypeError', () => {
  assert.throws(() => buildTlsOptions(input({ url: 'mqtt://broker:1883' })), TypeError);
});

test.run();
