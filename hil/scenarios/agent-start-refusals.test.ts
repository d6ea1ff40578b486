/**
 * `ztgw run` refuses to start, before any connection, when its config or its key files are wrong,
 * and says exactly what is wrong.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeLabPki } from '../pki/index.js';
import { runCli, withTempDir } from './kit.js';

async function labConfig(dir: string, patch: (c: Record<string, unknown>) => void) {
  const pki = await makeLabPki(join(dir, 'pki'), { deviceIds: ['gw-1'] });
  const d = pki.devices['gw-1'];
  if (d === undefined) throw new Error('no gw-1');
  const cfg: Record<string, unknown> = {
    deviceId: 'gw-1',
    uplink: {
      brokers: [{ url: 'mqtts://localhost:8883' }],
      caFile: pki.caFile,
      certFile: d.certFile,
      keyFile: d.keyFile,
    },
    modem: { port: '/dev/ttyUSB2' },
    identity: { keysDir: d.keysDir },
    paths: { stateDir: join(dir, 'state'), controlSocket: join(dir, 'control.sock') },
    operatorKeys: [Buffer.alloc(32, 7).toString('base64')],
  };
  patch(cfg);
  const path = join(dir, 'agent.json');
  await writeFile(path, JSON.stringify(cfg));
  return { path, device: d };
}

test('a plaintext broker URL, a listener on 0.0.0.0 and a typo: every problem named by field, exit 1', async () => {
  await withTempDir(async (dir) => {
    const { path } = await labConfig(dir, (c) => {
      c['uplink'] = { ...(c['uplink'] as object), brokers: [{ url: 'mqtt://broker:1883' }] };
      c['listeners'] = [{ kind: 'mqtt', address: '0.0.0.0', port: 1883 }];
      c['modme'] = {};
    });
    const r = await runCli(['run', '--config', path], 20_000);
    assert.is(r.code, 1);
    assert.match(r.stderr, /uplink\.brokers\[0\]\.url: .*mqtts:\/\//);
    assert.match(r.stderr, /listeners\[0\]\.address: .*0\.0\.0\.0/);
    assert.match(r.stderr, /modme: unknown/);
    assert.match(r.stderr, /CONFIG_INVALID/);
  });
});

test('a device key readable by others: refused at start, naming the path and the modes', async () => {
  await withTempDir(async (dir) => {
    const { path, device } = await labConfig(dir, () => undefined);
    await chmod(device.keyFile, 0o644);
    const r = await runCli(['run', '--config', path], 20_000);
    assert.is(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`${device.keyFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} has mode 0644, expected 0600`),
    );
    assert.match(r.stderr, /IDENTITY_FILE_MODE/);
  });
});

test.run();
