import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initCa, signCsr } from '../../../agent/identity/ca.js';
import { readCertInfo } from '../../../agent/identity/cert-info.js';
import { createCsr } from '../../../agent/identity/csr.js';
import { pemDecode } from '../../../agent/identity/pem.js';
import { openssl, withTempDir } from './kit.js';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;

test('our device certificate: the fields match what openssl reads', () =>
  withTempDir(async (tmp) => {
    const ca = join(tmp, 'ca');
    await initCa(ca, { name: 'ztgw test CA', validityDays: 3650, nowMs: NOW });
    const pem = await signCsr(
      ca,
      createCsr({ deviceId: 'gw-7', iccid: '89014104321098765400', imei: '866425039876547' }, key),
      { validityDays: 30, notBeforeMs: NOW, nowMs: NOW },
    );
    const path = join(tmp, 'c.pem');
    await writeFile(path, pem);
    const fp = openssl(['x509', '-in', path, '-noout', '-fingerprint', '-sha256']).stdout.trim();
    const serial = openssl(['x509', '-in', path, '-noout', '-serial']).stdout.trim();
    const r = readCertInfo(pem);
    if (!r.ok) throw new Error(r.reason);
    assert.equal(r.value, {
      deviceId: 'gw-7',
      iccid: '89014104321098765400',
      imei: '866425039876547',
      sanUris: ['urn:ztgw:iccid:89014104321098765400', 'urn:ztgw:imei:866425039876547'],
      sanDnsNames: [],
      sanIpAddresses: [],
      notBeforeMs: NOW,
      notAfterMs: NOW + 30 * 86_400_000,
      issuer: 'CN=ztgw test CA',
      issuerCommonName: 'ztgw test CA',
      fingerprintSha256: fp.replace(/^sha256 Fingerprint=/i, ''),
      serialNumber: serial.replace(/^serial=/, ''),
      isCa: false,
    });
    const der = pemDecode(pem, 'CERTIFICATE');
    if (!der.ok) throw new Error(der.reason);
    assert.equal(readCertInfo(der.value), r);
  }));

test('a certificate made by openssl, GeneralizedTime after 2049, no binding', () =>
  withTempDir(async (tmp) => {
    const keyPath = join(tmp, 'k.pem');
    await writeFile(keyPath, key.export({ type: 'pkcs8', format: 'pem' }));
    const r = openssl([
      'req',
      '-x509',
      '-key',
      keyPath,
      '-subj',
      '/O=acme/CN=broker.example',
      '-days',
      '10000',
      '-addext',
      'subjectAltName=DNS:broker.example,IP:10.0.0.1,URI:https://acme.example/x',
    ]);
    assert.is(r.status, 0, r.stderr);
    const info = readCertInfo(r.stdout);
    if (!info.ok) throw new Error(info.reason);
    assert.equal(
      [
        info.value.deviceId,
        info.value.iccid,
        info.value.imei,
        info.value.sanUris,
        info.value.sanDnsNames,
        info.value.sanIpAddresses,
        info.value.isCa,
      ],
      ['broker.example', null, null, ['https://acme.example/x'], ['broker.example'], ['10.0.0.1'], true],
    );
    assert.ok(new Date(info.value.notAfterMs).getUTCFullYear() >= 2050);
  }));

test('bad input is a reason, never a throw', () =>
  withTempDir(async (tmp) => {
    const keyPath = join(tmp, 'k.pem');
    await writeFile(keyPath, key.export({ type: 'pkcs8', format: 'pem' }));
    const bad = openssl([
      'req',
      '-x509',
      '-key',
      keyPath,
      '-subj',
      '/CN=gw-a',
      '-days',
      '1',
      '-addext',
      'subjectAltName=URI:urn:ztgw:imei:12',
    ]);
    assert.equal(readCertInfo(bad.stdout), {
      ok: false,
      reason: 'SAN URI "urn:ztgw:imei:12": IMEI "12" must be 14-16 digits',
    });
    assert.equal(readCertInfo('nothing here'), {
      ok: false,
      reason: 'not a PEM certificate: no "-----BEGIN CERTIFICATE-----" line',
    });
    const junk = readCertInfo(new Uint8Array([0x30, 0x82, 0x01]));
    assert.is(junk.ok, false);
  }));

test.run();
