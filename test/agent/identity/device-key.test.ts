import { createPublicKey } from 'node:crypto';
import { chmod, chown, lstat, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initCa, signCsr } from '../../../agent/identity/ca.js';
import { createCsr } from '../../../agent/identity/csr.js';
import {
  checkKeyFiles,
  ensureDeviceKey,
  loadPrivateKey,
  promoteNext,
  stageNextKey,
  writeCertificate,
} from '../../../agent/identity/device-key.js';
import { hasCode } from '../../../modem/errors.js';
import { withTempDir } from './kit.js';

const mode = async (p: string): Promise<number> => (await lstat(p)).mode & 0o7777;
const spki = (k: Parameters<typeof createPublicKey>[0]): string =>
  createPublicKey(k).export({ type: 'spki', format: 'der' }).toString('hex');

async function rejectsWith(
  p: Promise<unknown>,
  code: Parameters<typeof hasCode>[1],
  message: string,
): Promise<void> {
  try {
    await p;
  } catch (err) {
    assert.ok(hasCode(err, code), `expected ${code}, got ${String(err)}`);
    assert.is(err instanceof Error ? err.message : '', message);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

test('the key is made on the device: dir 0700, key 0600, P-256, and never overwritten', () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, 'var/lib/ztgw/keys');
    const first = await ensureDeviceKey(dir);
    assert.is(first.isNew, true);
    assert.is(first.privateKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.is(await mode(dir), 0o700);
    assert.is(await mode(join(dir, 'device.key')), 0o600);
    const pem = await readFile(join(dir, 'device.key'), 'utf8');
    assert.ok(pem.startsWith('-----BEGIN PRIVATE KEY-----'));
    const again = await ensureDeviceKey(dir);
    assert.is(again.isNew, false);
    assert.is(await readFile(join(dir, 'device.key'), 'utf8'), pem);
    assert.is(spki(again.privateKey), spki(first.privateKey));
    assert.equal(await checkKeyFiles(dir), {
      dir,
      hasDeviceKey: true,
      hasDeviceCert: false,
      hasNextKey: false,
      hasNextCert: false,
    });
  }));

test('a 0644 key is refused, naming the path and both modes', () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, 'keys');
    await ensureDeviceKey(dir);
    const key = join(dir, 'device.key');
    await chmod(key, 0o644);
    await rejectsWith(checkKeyFiles(dir), 'IDENTITY_FILE_MODE', `${key} has mode 0644, expected 0600`);
    await rejectsWith(loadPrivateKey(dir), 'IDENTITY_FILE_MODE', `${key} has mode 0644, expected 0600`);
    await rejectsWith(ensureDeviceKey(dir), 'IDENTITY_FILE_MODE', `${key} has mode 0644, expected 0600`);
    try {
      await checkKeyFiles(dir);
    } catch (err) {
      assert.ok(hasCode(err, 'IDENTITY_FILE_MODE'));
      if (hasCode(err, 'IDENTITY_FILE_MODE')) assert.equal(err.details['modeFound'], '0644');
    }
  }));

test('a wrong directory mode, owner or a symlinked key is refused', () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, 'keys');
    await ensureDeviceKey(dir);
    await chmod(dir, 0o755);
    await rejectsWith(checkKeyFiles(dir), 'IDENTITY_FILE_MODE', `${dir} has mode 0755, expected 0700`);
    await chmod(dir, 0o700);
    const key = join(dir, 'device.key');
    await chown(key, 12345, 12345);
    const uid = process.getuid?.() ?? 0;
    await rejectsWith(
      checkKeyFiles(dir),
      'IDENTITY_FILE_MODE',
      `${key} is owned by uid 12345, expected uid ${uid} (the running user)`,
    );
    await chown(key, uid, uid);
    const next = join(dir, 'next.key');
    await symlink(key, next);
    await rejectsWith(
      checkKeyFiles(dir),
      'IDENTITY_FILE_MODE',
      `${next} is a symbolic link, expected a file of its own`,
    );
  }));

test('missing directory and unusable key file', () =>
  withTempDir(async (tmp) => {
    await rejectsWith(
      checkKeyFiles(join(tmp, 'nope')),
      'IDENTITY_KEY',
      `keys directory ${join(tmp, 'nope')} does not exist`,
    );
    const dir = join(tmp, 'keys');
    await ensureDeviceKey(dir);
    await writeFile(join(dir, 'device.key'), 'not a key', { mode: 0o600 });
    try {
      await loadPrivateKey(dir);
      assert.unreachable('expected IDENTITY_KEY');
    } catch (err) {
      assert.ok(hasCode(err, 'IDENTITY_KEY'));
      assert.match(
        err instanceof Error ? err.message : '',
        `${join(dir, 'device.key')} is not a usable private key`,
      );
    }
  }));

test('rotation: stage next.key, write next.crt, promote (and finish after a crash in between)', () =>
  withTempDir(async (tmp) => {
    const dir = join(tmp, 'keys');
    const ca = join(tmp, 'ca');
    const nowMs = Date.UTC(2026, 5, 1);
    await initCa(ca, { name: 'test CA', validityDays: 365, nowMs });
    const { privateKey } = await ensureDeviceKey(dir);
    const subject = { deviceId: 'gw-a', iccid: '8949010000123456780', imei: '861677031234563' };
    await writeCertificate(
      dir,
      'device.crt',
      await signCsr(ca, createCsr(subject, privateKey), { validityDays: 30, nowMs }),
    );
    const next = await stageNextKey(dir);
    await rejectsWith(
      promoteNext(dir),
      'IDENTITY_KEY',
      `${join(dir, 'next.key')} is staged without next.crt`,
    );
    // A certificate for the old key staged as next.crt must not be promoted with next.key.
    await writeCertificate(dir, 'next.crt', await readFile(join(dir, 'device.crt'), 'utf8'));
    await rejectsWith(
      promoteNext(dir),
      'IDENTITY_CERT',
      `${join(dir, 'next.crt')} is not the certificate of next.key`,
    );
    const nextCert = await signCsr(ca, createCsr(subject, next), { validityDays: 30, nowMs });
    await writeCertificate(dir, 'next.crt', nextCert);
    await promoteNext(dir);
    assert.is(spki(await loadPrivateKey(dir)), spki(next));
    assert.is(await readFile(join(dir, 'device.crt'), 'utf8'), nextCert);
    assert.equal(await checkKeyFiles(dir), {
      dir,
      hasDeviceKey: true,
      hasDeviceCert: true,
      hasNextKey: false,
      hasNextCert: false,
    });
    assert.is(await mode(join(dir, 'device.key')), 0o600);
    // Crash after the key rename: only next.crt is left; promoting again finishes.
    const third = await stageNextKey(dir);
    const thirdCert = await signCsr(ca, createCsr(subject, third), { validityDays: 30, nowMs });
    await writeCertificate(dir, 'next.crt', thirdCert);
    await rename(join(dir, 'next.key'), join(dir, 'device.key'));
    await promoteNext(dir);
    assert.is(await readFile(join(dir, 'device.crt'), 'utf8'), thirdCert);
    assert.is(spki(await loadPrivateKey(dir)), spki(third));
  }));

test.run();
