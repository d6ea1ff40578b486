import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { chmod, lstat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  deviceCertFromCsr,
  initCa,
  issueClientCert,
  issueServerCert,
  loadCa,
  signCsr,
} from '../../../agent/identity/ca.js';
import { readCertInfo } from '../../../agent/identity/cert-info.js';
import { createCsr } from '../../../agent/identity/csr.js';
import { hasCode } from '../../../modem/errors.js';
import { openssl, withTempDir } from './kit.js';

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const SUBJECT = { deviceId: 'gw-a', iccid: '8949010000123456780', imei: '861677031234563' };

async function caMessage(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    return hasCode(err, 'CA_INVALID') ? err.message : `not CA_INVALID: ${String(err)}`;
  }
}

test('init: CA key 0600 in a 0700 dir, self-signed CA:TRUE with keyCertSign/cRLSign; never overwritten', () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, 'ca');
    const ca = await initCa(dir, { name: 'ztgw test CA', validityDays: 3650, nowMs: NOW });
    assert.is((await lstat(dir)).mode & 0o777, 0o700);
    assert.is((await lstat(ca.keyPath)).mode & 0o777, 0o600);
    const x = new X509Certificate(ca.certPem);
    assert.is(x.ca, true);
    assert.is(x.subject, 'CN=ztgw test CA');
    assert.is(x.issuer, 'CN=ztgw test CA');
    const text = openssl(['x509', '-in', ca.certPath, '-noout', '-text']).stdout;
    assert.match(text, /Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    assert.match(text, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
    const self = openssl(['verify', '-x509_strict', '-CAfile', ca.certPath, ca.certPath]);
    assert.is(self.status, 0, self.stderr);
    const before = await readFile(ca.keyPath, 'utf8');
    assert.is(
      await caMessage(initCa(dir, { name: 'again', validityDays: 10, nowMs: NOW })),
      `${ca.keyPath} exists: ${dir} already holds a CA (it is never overwritten)`,
    );
    assert.is(await readFile(ca.keyPath, 'utf8'), before);
  }));

test('sign: openssl verify -CAfile accepts it for TLS clients; CN, SAN URIs, EKU clientAuth, validity', () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, 'ca');
    const ca = await initCa(dir, { name: 'ztgw test CA', validityDays: 3650, nowMs: NOW });
    const pem = await signCsr(dir, createCsr(SUBJECT, key), { validityDays: 90, nowMs: NOW });
    const certPath = join(tmp, 'gw-a.crt');
    await writeFile(certPath, pem);
    const at = ['-attime', String(NOW / 1000)];
    const v = openssl([
      'verify',
      '-x509_strict',
      ...at,
      '-purpose',
      'sslclient',
      '-CAfile',
      ca.certPath,
      certPath,
    ]);
    assert.is(v.status, 0, v.stderr);
    assert.is(v.stdout.trim(), `${certPath}: OK`);
    const asServer = openssl(['verify', ...at, '-purpose', 'sslserver', '-CAfile', ca.certPath, certPath]);
    assert.is.not(asServer.status, 0);
    assert.match(asServer.stdout + asServer.stderr, /unsuitable certificate purpose/);
    const text = openssl(['x509', '-in', certPath, '-noout', '-text']).stdout;
    assert.match(text, /Extended Key Usage: \s*TLS Web Client Authentication/);
    assert.match(text, /CA:FALSE/);
    const info = readCertInfo(pem);
    if (!info.ok) throw new Error(info.reason);
    assert.equal(
      [info.value.deviceId, info.value.iccid, info.value.imei, info.value.issuer, info.value.isCa],
      ['gw-a', SUBJECT.iccid, SUBJECT.imei, 'CN=ztgw test CA', false],
    );
    assert.is(info.value.notBeforeMs, NOW - 300_000);
    assert.is(info.value.notAfterMs, NOW + 90 * DAY_MS);
    const x = new X509Certificate(pem);
    assert.ok(x.checkPrivateKey(key));
    assert.ok(x.verify(new X509Certificate(ca.certPem).publicKey));
    const other = await signCsr(dir, createCsr(SUBJECT, key), { validityDays: 90, nowMs: NOW });
    assert.is.not(new X509Certificate(other).serialNumber, x.serialNumber);
  }));

test('sign with an explicit notBefore (an expired certificate); openssl says expired', () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, 'ca');
    const ca = await initCa(dir, { name: 'ztgw test CA', validityDays: 3650, nowMs: NOW - 100 * DAY_MS });
    const pem = await signCsr(dir, createCsr(SUBJECT, key), {
      validityDays: 1,
      notBeforeMs: NOW - 30 * DAY_MS,
      nowMs: NOW,
    });
    const info = readCertInfo(pem);
    if (!info.ok) throw new Error(info.reason);
    assert.equal([info.value.notBeforeMs, info.value.notAfterMs], [NOW - 30 * DAY_MS, NOW - 29 * DAY_MS]);
    const certPath = join(tmp, 'old.crt');
    await writeFile(certPath, pem);
    const v = openssl(['verify', '-attime', String(NOW / 1000), '-CAfile', ca.certPath, certPath]);
    assert.is.not(v.status, 0);
    assert.match(v.stdout + v.stderr, /certificate has expired/);
    const then = openssl([
      'verify',
      '-attime',
      String((NOW - 29.5 * DAY_MS) / 1000),
      '-CAfile',
      ca.certPath,
      certPath,
    ]);
    assert.is(then.status, 0, then.stderr);
  }));

test('bad CSRs are refused with CA_INVALID naming why', () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, 'ca');
    await initCa(dir, { name: 'ztgw test CA', validityDays: 3650, nowMs: NOW });
    const ca = await loadCa(dir);
    const window = { notBeforeMs: NOW, notAfterMs: NOW + DAY_MS };
    const serial = new Uint8Array([1, 2, 3]);
    const refuse = (csrPem: string): string => {
      try {
        deviceCertFromCsr(ca, csrPem, window, serial);
        return 'accepted';
      } catch (err) {
        return hasCode(err, 'CA_INVALID') ? err.message : String(err);
      }
    };
    const keyPath = join(tmp, 'k.pem');
    await writeFile(keyPath, key.export({ type: 'pkcs8', format: 'pem' }));
    const req = (subj: string, san?: string): string => {
      const r = openssl([
        'req',
        '-new',
        '-key',
        keyPath,
        '-subj',
        subj,
        ...(san ? ['-addext', `subjectAltName=${san}`] : []),
      ]);
      if (r.status !== 0) throw new Error(r.stderr);
      return r.stdout;
    };
    const good = createCsr(SUBJECT, key);
    const flipped = good.replace(
      /^(-----BEGIN CERTIFICATE REQUEST-----\n.{20})(.)/,
      (_, a: string, c: string) => a + (c === 'A' ? 'B' : 'A'),
    );
    assert.equal(
      [
        refuse('hello'),
        refuse(req('/O=acme')),
        refuse(req('/CN=ops-cloud')),
        refuse(req('/CN=gw\\+a')),
        refuse(req('/CN=gw-a', 'DNS:evil.example')),
        refuse(req('/CN=gw-a', 'URI:https://evil.example')),
        refuse(req('/CN=gw-a', 'URI:urn:ztgw:iccid:12')),
        refuse(req('/CN=gw-a', 'URI:urn:ztgw:imei:861677031234563,URI:urn:ztgw:imei:861677031234564')),
        refuse(flipped).startsWith('bad CSR:'),
        refuse(req('/CN=gw-a')),
      ],
      [
        'bad CSR: not a PEM certificate request: no "-----BEGIN CERTIFICATE REQUEST-----" line',
        'bad CSR: the subject has no CN (the device id)',
        'bad CSR: device id "ops-cloud" starts with "ops-", which is kept for operator identities',
        'bad CSR: device id "gw+a" must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
        'bad CSR: the SAN may carry only urn:ztgw:iccid: and urn:ztgw:imei: URIs',
        'bad CSR: SAN URI "https://evil.example" is neither urn:ztgw:iccid:… nor urn:ztgw:imei:…',
        'bad CSR: SAN URI "urn:ztgw:iccid:12": ICCID "12" must be 18-22 digits',
        'bad CSR: SAN carries more than one IMEI URI',
        true,
        'accepted',
      ],
    );
    assert.is(
      await caMessage(signCsr(dir, good, { validityDays: 36_000, nowMs: NOW })),
      `the certificate would outlive the CA (CA valid until ${new Date(NOW + 3650 * DAY_MS).toISOString()}); ask for fewer days`,
    );
  }));

test('the CA key is refused when its mode is wrong, naming the path', () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, 'ca');
    const ca = await initCa(dir, { name: 'ztgw test CA', validityDays: 3650, nowMs: NOW });
    await chmod(ca.keyPath, 0o644);
    try {
      await signCsr(dir, createCsr(SUBJECT, key), { validityDays: 1, nowMs: NOW });
      assert.unreachable('expected IDENTITY_FILE_MODE');
    } catch (err) {
      assert.ok(hasCode(err, 'IDENTITY_FILE_MODE'));
      assert.is(err instanceof Error ? err.message : '', `${ca.keyPath} has mode 0644, expected 0600`);
    }
    assert.is(
      await caMessage(signCsr(join(tmp, 'none'), createCsr(SUBJECT, key), { validityDays: 1 })),
      `CA directory ${join(tmp, 'none')} does not exist (run ztgw ops ca init)`,
    );
  }));

test('server and operator certificates: openssl verify with purpose, hostname and IPs', () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, 'ca');
    const ca = await initCa(dir, { name: 'ztgw test CA', validityDays: 3650, nowMs: NOW });
    const srv = await issueServerCert(dir, {
      commonName: 'localhost',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1', '::1'],
      validityDays: 30,
      nowMs: NOW,
    });
    const srvPath = join(tmp, 'srv.crt');
    await writeFile(srvPath, srv.certPem);
    const base = ['verify', '-x509_strict', '-attime', String(NOW / 1000), '-CAfile', ca.certPath];
    for (const extra of [
      ['-verify_hostname', 'localhost'],
      ['-verify_ip', '127.0.0.1'],
      ['-verify_ip', '::1'],
    ]) {
      const v = openssl([...base, '-purpose', 'sslserver', ...extra, srvPath]);
      assert.is(v.status, 0, `${extra.join(' ')}: ${v.stdout}${v.stderr}`);
    }
    const wrongHost = openssl([...base, '-purpose', 'sslserver', '-verify_hostname', 'example.com', srvPath]);
    assert.is.not(wrongHost.status, 0);
    const info = readCertInfo(srv.certPem);
    if (!info.ok) throw new Error(info.reason);
    assert.equal([info.value.sanDnsNames, info.value.sanIpAddresses], [['localhost'], ['127.0.0.1', '::1']]);
    assert.ok(new X509Certificate(srv.certPem).checkPrivateKey(createPrivateKey(srv.keyPem)));

    const ops = await issueClientCert(dir, { commonName: 'ops-cloud', validityDays: 30, nowMs: NOW });
    const opsPath = join(tmp, 'ops.crt');
    await writeFile(opsPath, ops.certPem);
    const v = openssl([...base, '-purpose', 'sslclient', opsPath]);
    assert.is(v.status, 0, v.stderr);
    assert.is(
      await caMessage(issueClientCert(dir, { commonName: 'gw-a', validityDays: 30, nowMs: NOW })),
      'operator CN "gw-a" must be "ops-" and 1-60 letters, digits, ".", "_", "-"',
    );
    assert.is(
      await caMessage(
        issueServerCert(dir, {
          commonName: 'x',
          dnsNames: [],
          ipAddresses: ['300.1.1.1'],
          validityDays: 1,
          nowMs: NOW,
        }),
      ),
      '"300.1.1.1" is not an IP address',
    );
  }));

test.run();
