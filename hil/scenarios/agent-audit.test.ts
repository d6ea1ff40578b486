/**
 * The audit trail of a running agent: a SIM swap, the SIM coming back, a policy denial, a config
 * reload refused (invalid content, over the control socket) and one accepted (a new sensor, on
 * SIGHUP), the uplink lost and back, the agent's start and stop. Each event is in `ztgw audit tail`
 * on the gateway and at the broker on `ztgw/<id>/up/audit`, and the log verifies.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeAuditBatch } from '../../agent/audit/index.js';
import { decodeRecord } from '../../agent/audit/record.js';
import { freePort } from '../broker/index.js';
import { type AgentRun, at, auditTail, LAB_IDENTITY, labRig, startAgent, watchCloud } from './cloud-kit.js';
import { type LabSensor, mqttSensor, publishQos1, sensorsConfig } from './data-path-kit.js';
import { hilEnv, runCli, withSim, withTempDir } from './kit.js';

const env = hilEnv();
const ID = LAB_IDENTITY;
const FOREIGN_ICCID = '8944100000123456784';
const S1: LabSensor = { id: 's1', secret: 'secret-of-s1' };
const S2: LabSensor = { id: 's2', secret: 'secret-of-s2' };

test('SIM swap, policy denial, config reject and reload, uplink loss: in the log, at the broker, verified', async () => {
  if (env.realModemPath !== null) return;
  await withTempDir(async (dir) => {
    const { pki, broker, device } = await labRig(dir);
    const cloud = await watchCloud(broker, pki, 'ztgw/gw-1/up/audit');
    const running: { agent: AgentRun | null } = { agent: null };
    const mqttPort = await freePort();
    const policy = () => ({ publish: ['readings/#'] });
    const listeners = [{ kind: 'mqtt', address: '127.0.0.1', port: mqttPort }];
    try {
      const now = { networkTime: { iso: new Date().toISOString().slice(0, 19), tzQuarterHours: 0 } };
      await withSim('quectel-ec25', { ...now, identity: { iccid: FOREIGN_ICCID } }, async (sim) => {
        const agent = await startAgent({
          dir: `${dir}/a`,
          pki,
          broker,
          device,
          modemPath: sim.agentPath,
          extraArgs: ['--denial-window-ms', '300'],
          config: { listeners, sensors: await sensorsConfig([S1], policy) },
        });
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

        // A policy denial: s1 may publish readings/#, not config/#.
        const s1 = await mqttSensor(mqttPort, S1);
        const denied = await publishQos1(s1, 'config/evil', '{}').then(
          () => 'acked',
          (e: unknown) => String(e instanceof Error && 'code' in e ? e.code : e),
        );
        assert.is(denied, String(0x87), 'PUBACK 0x87 (not authorized) for a topic outside the policy');
        s1.end(true);
        await atBroker(['policy.denied']);

        // A config reject: the file now holds an invalid sensor entry; the reload names the field and
        // the agent keeps running on what it had.
        const cfg = JSON.parse(await readFile(agent.configPath, 'utf8')) as Record<string, unknown>;
        const bad = {
          ...cfg,
          sensors: { s1: { ...((await sensorsConfig([S1], policy))['s1'] as object), maxPayloadBytes: -5 } },
        };
        await writeFile(agent.configPath, JSON.stringify(bad));
        const rej = await runCli(['config', 'reload', '--socket', agent.socket]);
        assert.is(rej.code, 1, `${rej.stdout}${rej.stderr}`);
        assert.match(rej.stdout, /rejected.*CONFIG_INVALID/);
        assert.match(rej.stdout, /sensors\.s1\.maxPayloadBytes/);
        await atBroker(['config.rejected']);
        // An accepted reload, on SIGHUP: sensor s2 is added live and can publish at once.
        await writeFile(
          agent.configPath,
          JSON.stringify({ ...cfg, sensors: await sensorsConfig([S1, S2], policy) }),
        );
        agent.child.kill('SIGHUP');
        await atBroker(['config.accepted']);
        const s2 = await mqttSensor(mqttPort, S2);
        await publishQos1(s2, 'readings/env', '{"temp":20}');
        s2.end(true);
        // Withdrawing s1 closes its live session (MQTT 5 DISCONNECT 0x87), and it cannot come back.
        const s1again = await mqttSensor(mqttPort, S1);
        const closed = new Promise<number | null>((resolve) => {
          s1again.once('disconnect', (p) => resolve(p.reasonCode ?? null));
          s1again.once('close', () => resolve(null));
        });
        await writeFile(
          agent.configPath,
          JSON.stringify({ ...cfg, sensors: await sensorsConfig([S2], policy) }),
        );
        const drop = await runCli(['config', 'reload', '--socket', agent.socket]);
        assert.is(drop.code, 0, `${drop.stdout}${drop.stderr}`);
        assert.is(await closed, 0x87, 'DISCONNECT 0x87 to the withdrawn sensor');
        s1again.end(true);
        const refused = await mqttSensor(mqttPort, S1).then(
          (c) => {
            c.end(true);
            return 'connected';
          },
          (e: unknown) => String(e),
        );
        assert.match(refused, /Connection refused: Not authorized/);
        await broker.stop();
        await agent.waitForStatus((s) => at(s, 'uplink', 'state') !== 'connected', 'uplink lost');
        await broker.restart();
        await agent.waitForStatus((s) => at(s, 'uplink', 'state') === 'connected', 'connected again', 30_000);
        // The loss itself is recorded while the uplink is down and shipped once it is back.
        await atBroker(['uplink.down']);
      });
      await running.agent?.stop();
      running.agent = null;
      const lines = await auditTail(`${dir}/a`);
      const evs = lines.map((l) => l.ev);
      for (const e of [
        'agent.start',
        'sim.swapped',
        'identity.restored',
        'uplink.up',
        'policy.denied',
        'config.rejected',
        'config.accepted',
        'uplink.down',
        'agent.stop',
      ]) {
        assert.ok(evs.includes(e), `${e} not in audit tail: ${evs.join(', ')}`);
      }
      const denial = lines.find((l) => l.ev === 'policy.denied');
      assert.is(denial?.actor, 'sensor:s1');
      assert.is(denial?.outcome, 'denied');
      const rejected = lines.find((l) => l.ev === 'config.rejected');
      assert.is(rejected?.actor, 'cli:control-socket');
      assert.match(String(rejected?.reason), /^CONFIG_INVALID: sensors\.s1\.maxPayloadBytes/);
      assert.match(String(rejected?.subject), /^config:sha256:[0-9a-f]{16}$/);
      const accepted = lines.find((l) => l.ev === 'config.accepted');
      assert.is(accepted?.actor, 'signal:SIGHUP');
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
