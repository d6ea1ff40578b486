import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCsr, readCsr } from '../../../agent/identity/csr.js';
import { pemDecode, pemEncode } from '../../../agent/identity/pem.js';
import { hasCode } from '../../../modem/errors.js';
import { openssl, withTempDir } from './kit.js';

const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const SUBJECT = { deviceId: 'gw-a', iccid: '8949010000123456780', imei: '861677031234563' };

test('round trip: pkijs parses it, the signature verifies, subject and SAN are ours', () => {
  const pem = createCsr(SUBJECT, key);
  assert.ok(pem.startsWith('-----BEGIN CERTIFICATE REQUEST-----\n'));
  const der = pemDecode(pem, 'CERTIFICATE REQUEST');
  if (!der.ok) throw new Error(der.reason);
  const csr = new pkijs.CertificationRequest({ schema: asn1js.fromBER(der.value).result });
  assert.is(csr.version, 0);
  assert.is(csr.subject.typesAndValues.length, 1);
  assert.is(csr.subject.typesAndValues[0]?.type, '2.5.4.3');
  assert.is(csr.signatureAlgorithm.algorithmId, '1.2.840.10045.4.3.2');
  const r = readCsr(pem);
  if (!r.ok) throw new Error(r.reason);
  assert.is(r.value.commonName, 'gw-a');
  assert.equal(r.value.san, {
    uris: ['urn:ztgw:iccid:8949010000123456780', 'urn:ztgw:imei:861677031234563'],
    dnsNames: [],
    ipAddresses: [],
    otherCount: 0,
  });
  assert.equal(r.value.otherExtensions, []);
});

test('openssl req -verify accepts it and shows the SAN URIs', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'gw-a.csr');
    await writeFile(path, createCsr(SUBJECT, key));
    const r = openssl(['req', '-in', path, '-verify', '-noout', '-text']);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /verify OK/);
    assert.match(r.stdout, /Subject: CN = gw-a/);
    assert.match(r.stdout, /URI:urn:ztgw:iccid:8949010000123456780, URI:urn:ztgw:imei:861677031234563/);
  }));

test('a CSR made by openssl with our SAN reads the same', () =>
  withTempDir(async (dir) => {
    const keyPath = join(dir, 'k.pem');
    await writeFile(keyPath, key.export({ type: 'pkcs8', format: 'pem' }));
    const r = openssl([
      'req',
      '-new',
      '-key',
      keyPath,
      '-subj',
      '/CN=gw-a',
      '-addext',
      'subjectAltName=URI:urn:ztgw:iccid:8949010000123456780,URI:urn:ztgw:imei:861677031234563',
    ]);
    assert.is(r.status, 0, r.stderr);
    const c = readCsr(r.stdout);
    if (!c.ok) throw new Error(c.reason);
    assert.is(c.value.commonName, 'gw-a');
    assert.equal(c.value.san.uris, ['urn:ztgw:iccid:8949010000123456780', 'urn:ztgw:imei:861677031234563']);
  }));

test('a tampered request does not verify', () => {
  const der = pemDecode(createCsr(SUBJECT, key), 'CERTIFICATE REQUEST');
  if (!der.ok) throw new Error(der.reason);
  const bytes = Buffer.from(der.value);
  const at = bytes.indexOf(Buffer.from('gw-a'));
  bytes[at + 3] = 'b'.charCodeAt(0);
  assert.equal(readCsr(pemEncode('CERTIFICATE REQUEST', bytes)), {
    ok: false,
    reason: 'the request signature does not verify with its own public key',
  });
  assert.equal(readCsr('garbage'), {
    ok: false,
    reason: 'not a PEM certificate request: no "-----BEGIN CERTIFICATE REQUEST-----" line',
  });
  const r = readCsr(pemEncode('CERTIFICATE REQUEST', new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])));
  assert.is(r.ok, false);
});

test('bad subject fields are refused with IDENTITY_CSR naming the field', () => {
  const reasons = [
    { ...SUBJECT, deviceId: 'gw/a' },
    { ...SUBJECT, deviceId: 'ops-cloud' },
    { ...SUBJECT, iccid: '1234' },
    { ...SUBJECT, imei: '86167703123456x' },
  ].map((s) => {
    try {
      createCsr(s, key);
      return 'ok';
    } catch (err) {
      return hasCode(err, 'IDENTITY_CSR') ? `${String(err.details['field'])}: ${err.message}` : String(err);
    }
  });
  assert.equal(reasons, [
    'deviceId: device id "gw/a" must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    'deviceId: device id "ops-cloud" starts with "ops-", which is kept for operator identities',
    'san: ICCID "1234" must be 18-22 digits',
    'san: IMEI "86167703123456x" must be 14-16 digits',
  ]);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
  assert.throws(
    () => createCsr(SUBJECT, rsa),
    (e: unknown) => hasCode(e, 'IDENTITY_CSR'),
  );
});

test.run();
