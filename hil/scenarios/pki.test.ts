/**
 * The lab PKI (hil/pki), built with the project's identity code, checked by OpenSSL 3: the chain
 * and purpose of every certificate, host and IP names of the broker certificate, the SIM/modem
 * binding of the device certificates, the refusals (expired, other CA), and the file modes.
 */
import { spawnSync } from 'node:child_process';
import { lstat, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkBinding } from '../../agent/identity/binding.js';
import { readCertInfo } from '../../agent/identity/cert-info.js';
import { checkKeyFiles } from '../../agent/identity/device-key.js';
import { certLifetime } from '../../agent/identity/lifetime.js';
import { type LabPki, labBinding, makeLabPki } from '../pki/index.js';

/** Bound on one openssl run, in ms. */
const OPENSSL_TIMEOUT_MS = 10_000;

let tmp = '';
let pki: LabPki | null = null;
const nowMs = Date.now();

test.before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'ztgw-pki-'));
  pki = await makeLabPki(join(tmp, 'pki'), { deviceIds: ['gw-a', 'gw-b', 'gw-c'], nowMs });
});

test.after(async () => {
  if (tmp !== '') await rm(tmp, { recursive: true, force: true });
});

function lab(): LabPki {
  if (pki === null) throw new Error('lab PKI not built');
  return pki;
}

function openssl(args: readonly string[]): { status: number | null; text: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8', timeout: OPENSSL_TIMEOUT_MS });
  if (r.error) throw r.error;
  return { status: r.status, text: `${r.stdout}${r.stderr}` };
}

const verify = (caFile: string, cert: string, ...extra: string[]) =>
  openssl(['verify', '-x509_strict', '-CAfile', caFile, ...extra, cert]);

test('broker certificate: serverAuth for localhost, 127.0.0.1 and ::1; not for other names', () => {
  const p = lab();
  for (const name of [
    ['-verify_hostname', 'localhost'],
    ['-verify_ip', '127.0.0.1'],
    ['-verify_ip', '::1'],
  ]) {
    const r = verify(p.caFile, p.broker.certFile, '-purpose', 'sslserver', ...name);
    assert.is(r.status, 0, `${name.join(' ')}: ${r.text}`);
  }
  assert.is.not(verify(p.caFile, p.broker.certFile, '-verify_hostname', 'broker.example').status, 0);
  assert.is.not(verify(p.caFile, p.broker.certFile, '-purpose', 'sslclient').status, 0);
});

test('device certificates: clientAuth, CN = device id, SAN = its ICCID and IMEI, key matches', async () => {
  const p = lab();
  const ids = Object.keys(p.devices);
  assert.equal(ids, ['gw-a', 'gw-b', 'gw-c']);
  for (const [i, id] of ids.entries()) {
    const d = p.devices[id];
    if (d === undefined) throw new Error(id);
    const r = verify(p.caFile, d.certFile, '-purpose', 'sslclient');
    assert.is(r.status, 0, r.text);
    const text = openssl(['x509', '-in', d.certFile, '-noout', '-subject', '-ext', 'subjectAltName']).text;
    assert.match(text, `subject=CN = ${id}`);
    assert.match(text, `URI:urn:ztgw:iccid:${d.iccid}, URI:urn:ztgw:imei:${d.imei}`);
    assert.equal({ iccid: d.iccid, imei: d.imei }, labBinding(i + 1));
    const info = readCertInfo(await readFile(d.certFile, 'utf8'));
    if (!info.ok) throw new Error(info.reason);
    assert.equal([info.value.deviceId, info.value.iccid, info.value.imei], [id, d.iccid, d.imei]);
    assert.is(checkBinding(info.value, { iccid: d.iccid, imei: d.imei }).status, 'ok');
    assert.is(certLifetime(info.value.notBeforeMs, info.value.notAfterMs, nowMs).warning, '30d');
    const certKey = openssl(['x509', '-in', d.certFile, '-noout', '-pubkey']).text;
    const ownKey = openssl(['pkey', '-in', d.keyFile, '-pubout']).text;
    assert.is(certKey, ownKey);
    assert.equal(await checkKeyFiles(d.keysDir), {
      dir: d.keysDir,
      hasDeviceKey: true,
      hasDeviceCert: true,
      hasNextKey: false,
      hasNextCert: false,
    });
  }
  const others = new Set(ids.map((id) => p.devices[id]?.iccid));
  assert.is(others.size, ids.length);
});

test('the expired device certificate: openssl says expired; lifetime says expired', async () => {
  const p = lab();
  const r = verify(p.caFile, p.expiredDevice.certFile, '-purpose', 'sslclient');
  assert.is.not(r.status, 0);
  assert.match(r.text, /certificate has expired/);
  const info = readCertInfo(await readFile(p.expiredDevice.certFile, 'utf8'));
  if (!info.ok) throw new Error(info.reason);
  assert.is(certLifetime(info.value.notBeforeMs, info.value.notAfterMs, nowMs).warning, 'expired');
  assert.ok(info.value.notAfterMs < nowMs);
});

test('ops-cloud: clientAuth, CN ops-cloud, no binding', async () => {
  const p = lab();
  assert.is(verify(p.caFile, p.opsCloud.certFile, '-purpose', 'sslclient').status, 0);
  const info = readCertInfo(await readFile(p.opsCloud.certFile, 'utf8'));
  if (!info.ok) throw new Error(info.reason);
  assert.equal(
    [info.value.deviceId, info.value.iccid, info.value.imei, info.value.sanUris],
    ['ops-cloud', null, null, []],
  );
});

test('the other CA: its broker and rogue device verify only against it', () => {
  const p = lab();
  for (const cert of [p.otherBroker.certFile, p.rogueDevice.certFile]) {
    const wrong = verify(p.caFile, cert);
    assert.is.not(wrong.status, 0);
    assert.match(wrong.text, /unable to get local issuer certificate/);
    assert.is(verify(p.otherCaFile, cert).status, 0);
  }
  assert.is(p.rogueDevice.deviceId, 'gw-a');
});

test('key files are 0600 in 0700 directories', async () => {
  const p = lab();
  const mode = async (path: string): Promise<string> => ((await lstat(path)).mode & 0o777).toString(8);
  const keys = [
    join(p.caDir, 'ca.key'),
    join(p.otherCaDir, 'ca.key'),
    p.broker.keyFile,
    p.otherBroker.keyFile,
    p.opsCloud.keyFile,
    p.expiredDevice.keyFile,
    p.rogueDevice.keyFile,
    ...Object.values(p.devices).map((d) => d.keyFile),
  ];
  assert.equal(
    await Promise.all(keys.map(mode)),
    keys.map(() => '600'),
  );
  const dirs = [p.caDir, p.otherCaDir, ...Object.values(p.devices).map((d) => d.keysDir)];
  assert.equal(
    await Promise.all(dirs.map(mode)),
    dirs.map(() => '700'),
  );
});

test.run();
