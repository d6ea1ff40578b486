/**
 * Certificate rotation end to end in the lab: the agent makes a new key, sends its CSR over the
 * MQTT session, `ztgw ops signer` answers, the new pair connects and replaces the old one. When the
 * operator answers with a certificate the broker will not accept, the old pair stays and the
 * session comes back on it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readCertInfo } from '../../agent/identity/index.js';
import { startMosquitto } from '../broker/index.js';
import { type LabPki, makeLabPki } from '../pki/index.js';
import { PROFILES } from '../sim-modem/profiles/index.js';
import { type AgentRun, at, startAgent } from './cloud-kit.js';
import { hilEnv, runCli, withSim, withTempDir, ZTGW } from './kit.js';

const env = hilEnv();
const ID = PROFILES['quectel-ec25']?.initialState.identity ?? { iccid: '', imei: '' };

async function fingerprint(path: string): Promise<string> {
  const r = readCertInfo(await readFile(path, 'utf8'));
  if (!r.ok) throw new Error(r.reason);
  return r.value.fingerprintSha256;
}

/** Starts `ztgw ops signer` with the CA in `caDir`; resolves once it is subscribed. */
async function startSigner(pki: LabPki, url: string, caDir: string): Promise<ChildProcess> {
  const child = spawn(ZTGW, [
    'ops',
    'signer',
    '--dir',
    caDir,
    '--broker',
    url,
    '--ca-file',
    pki.caFile,
    '--cert',
    pki.opsCloud.certFile,
    '--key',
    pki.opsCloud.keyFile,
    '--days',
    '30',
  ]);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('signer not ready')), 15_000);
    child.stdout?.on('data', (b: Buffer) => {
      if (b.toString().includes('signer.ready')) {
        clearTimeout(t);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`signer exited ${code}`)));
  });
  return child;
}

async function withRotationRig(
  signerCa: 'lab' | 'other',
  fn: (r: { agent: AgentRun; certFile: string }) => Promise<void>,
): Promise<void> {
  await withTempDir(async (dir) => {
    const pki = await makeLabPki(`${dir}/pki`, {
      deviceIds: ['gw-1'],
      bindings: { 'gw-1': { iccid: ID.iccid, imei: ID.imei } },
    });
    const broker = await startMosquitto({ dir: `${dir}/broker`, pki });
    const device = pki.devices['gw-1'];
    if (device === undefined) throw new Error('no gw-1');
    let signer: ChildProcess | null = null;
    const running: { agent: AgentRun | null } = { agent: null };
    try {
      signer = await startSigner(pki, broker.url, signerCa === 'lab' ? pki.caDir : pki.otherCaDir);
      await withSim(
        'quectel-ec25',
        { networkTime: { iso: new Date().toISOString().slice(0, 19), tzQuarterHours: 0 } },
        async (sim) => {
          const agent = await startAgent({ dir: `${dir}/a`, pki, broker, device, modemPath: sim.agentPath });
          running.agent = agent;
          await agent.waitForStatus((s) => at(s, 'uplink', 'state') === 'connected', 'connected');
          await fn({ agent, certFile: device.certFile });
        },
      );
    } finally {
      await running.agent?.stop();
      signer?.kill('SIGTERM');
      await broker.stop();
    }
  });
}

test('rotation: new key on the device, CSR over MQTT, signed, the new pair connects and replaces the old', async () => {
  if (env.realModemPath !== null) return;
  await withRotationRig('lab', async ({ agent, certFile }) => {
    const before = await fingerprint(certFile);
    const r = await runCli(['cert', 'rotate', '--socket', agent.socket], 120_000);
    assert.is(r.code, 0, `${r.stdout}${r.stderr}`);
    assert.is(JSON.parse(r.stdout).lastOutcome, 'rotated');
    const after = await fingerprint(certFile);
    assert.is.not(after, before);
    const st = await agent.waitForStatus(
      (s) => at(s, 'uplink', 'state') === 'connected',
      'connected on the new pair',
    );
    assert.is(at(st, 'rotation', 'lastOutcome'), 'rotated');
    assert.match(agent.logs(), /"msg":"cert.rotated"/);
  });
});

test('failed rotation: a certificate the broker refuses is tried, the old pair stays and reconnects', async () => {
  if (env.realModemPath !== null) return;
  await withRotationRig('other', async ({ agent, certFile }) => {
    const before = await fingerprint(certFile);
    const r = await runCli(['cert', 'rotate', '--socket', agent.socket], 120_000);
    assert.is(r.code, 1, `${r.stdout}${r.stderr}`);
    const out = JSON.parse(r.stdout);
    assert.is(out.lastOutcome, 'failed');
    assert.match(out.lastReason, /the new pair did not connect .*the old pair stays/);
    assert.is(await fingerprint(certFile), before);
    await agent.waitForStatus((s) => at(s, 'uplink', 'state') === 'connected', 'back on the old pair');
  });
});

test.run();
