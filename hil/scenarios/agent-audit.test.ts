/**
 * The audit trail of a running agent: a SIM swap, the SIM coming back, the uplink lost and back,
 * the agent's start and stop. Each event is in `ztgw audit tail` on the gateway and at the broker
 * on `ztgw/<id>/up/audit`, and the log verifies.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeAuditBatch } from '../../agent/audit/index.js';
import { decodeRecord } from '../../agent/audit/record.js';
import { startMosquitto } from '../broker/index.js';
import { makeLabPki } from '../pki/index.js';
import { PROFILES } from '../sim-modem/profiles/index.js';
import { type AgentRun, at, startAgent, watchCloud } from './cloud-kit.js';
import { hilEnv, runCli, withSim, withTempDir } from './kit.js';

const env = hilEnv();
const ID = PROFILES['quectel-ec25']?.initialState.identity ?? { iccid: '', imei: '' };
const FOREIGN_ICCID = '8944100000123456784';

interface TailLine {
  readonly ev: string;
  readonly outcome: string;
  readonly reason?: string;
}

async function tail(dir: string): Promise<TailLine[]> {
  const r = await runCli(['audit', 'tail', '--dir', `${dir}/state/audit`, '-n', '1000', '--json']);
  if (r.code !== 0) throw new Error(`audit tail exited ${r.code}: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as TailLine);
}

test('SIM swap, SIM back, uplink loss and return: in the audit log, at the broker, and it verifies', async () => {
  if (env.realModemPath !== null) return;
  await withTempDir(async (dir) => {
    const pki = await makeLabPki(`${dir}/pki`, {
      deviceIds: ['gw-1'],
      bindings: { 'gw-1': { iccid: ID.iccid, imei: ID.imei } },
    });
    const broker = await startMosquitto({ dir: `${dir}/broker`, pki });
    const device = pki.devices['gw-1'];
    if (device === undefined) throw new Error('no gw-1');
    const cloud = await watchCloud(broker, pki, 'ztgw/gw-1/up/audit');
    const running: { agent: AgentRun | null } = { agent: null };
    try {
      const now = { networkTime: { iso: new Date().toISOString().slice(0, 19), tzQuarterHours: 0 } };
      await withSim('quectel-ec25', { ...now, identity: { iccid: FOREIGN_ICCID } }, async (sim) => {
        const agent = await startAgent({ dir: `${dir}/a`, pki, broker, device, modemPath: sim.agentPath });
        running.agent = agent;
        await agent.waitForStatus((s) => at(s, 'identity', 'binding') === 'sim-mismatch', 'sim-mismatch');
        sim.setState({ identity: { iccid: ID.iccid } });
        await agent.waitForStatus((s) => at(s, 'uplink', 'state') === 'connected', 'connected');
        // At the broker: the shipped records, decoded, gathered over every message received.
        const seen = new Set<string>();
        const atBroker = (want: readonly string[]) =>
          cloud.waitFor(
            (m) => {
              const b = decodeAuditBatch(m.bytes);
              if (b.ok)
                for (const raw of b.value.records) {
                  const r = decodeRecord(raw);
                  if (r.ok) seen.add(r.value.ev);
                }
              return want.every((e) => seen.has(e));
            },
            `audit records ${want.join(', ')} at the broker`,
            30_000,
          );
        // What happened before the outage is shipped while the session is up.
        await atBroker(['agent.start', 'sim.swapped', 'identity.restored', 'uplink.up']);
        await broker.stop();
        await agent.waitForStatus((s) => at(s, 'uplink', 'state') !== 'connected', 'uplink lost');
        await broker.restart();
        await agent.waitForStatus((s) => at(s, 'uplink', 'state') === 'connected', 'connected again', 30_000);
        // The loss itself is recorded while the uplink is down and shipped once it is back.
        await atBroker(['uplink.down']);
      });
      await running.agent?.stop();
      running.agent = null;
      const lines = await tail(`${dir}/a`);
      const evs = lines.map((l) => l.ev);
      for (const e of [
        'agent.start',
        'sim.swapped',
        'identity.restored',
        'uplink.up',
        'uplink.down',
        'agent.stop',
      ]) {
        assert.ok(evs.includes(e), `${e} not in audit tail: ${evs.join(', ')}`);
      }
      const swap = lines.find((l) => l.ev === 'sim.swapped');
      assert.is(swap?.outcome, 'denied');
      assert.match(String(swap?.reason), /SIM/);
      const down = lines.find((l) => l.ev === 'uplink.down');
      assert.is(down?.outcome, 'failed');
      const v = await runCli(['audit', 'verify', '--dir', `${dir}/a/state/audit`, '--keys', device.keysDir]);
      assert.is(v.code, 0, `${v.stdout}${v.stderr}`);
      // The same log with one byte flipped in the middle: verify names the record.
      await cp(`${dir}/a/state/audit`, `${dir}/tampered`, { recursive: true });
      const seg = join(`${dir}/tampered`, '000001.seg');
      const bytes = await readFile(seg);
      const mid = Math.floor(bytes.length / 2);
      bytes[mid] = (bytes[mid] ?? 0) ^ 0x01;
      await writeFile(seg, bytes);
      const t = await runCli(['audit', 'verify', '--dir', `${dir}/tampered`, '--keys', device.keysDir]);
      assert.is(t.code, 1, `${t.stdout}${t.stderr}`);
      assert.match(`${t.stdout}${t.stderr}`, /seq \d+|record \d+/);
    } finally {
      await running.agent?.stop();
      await cloud.close();
      await broker.stop();
    }
  });
});

test.run();
