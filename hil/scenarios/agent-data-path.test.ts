/**
 * The sensor data path end to end, against the real mosquitto (mTLS, ACL) and the simulated modem:
 * sensors on all three listeners reach the cloud in bundles; a sensor outside its policy, over its
 * rate or oversize is refused and counted; sensors cannot read each other's commands; a command
 * from the broker reaches only the sensor it names; garbage on the MQTT port disturbs no one.
 */

import { readFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '../broker/index.js';
import { type AuditTailLine, at, auditTail, labRig, startAgent, watchCloud } from './cloud-kit.js';
import {
  cloudReadings,
  httpPost,
  type LabSensor,
  labListeners,
  mqttSensor,
  publishQos1,
  sensorsConfig,
  unixSensor,
  waitForReadings,
} from './data-path-kit.js';
import { hilEnv, withSim, withTempDir } from './kit.js';

const env = hilEnv();
const S = (id: string): LabSensor => ({ id, secret: `secret-of-${id}` });
const [S1, S2, S3, S4] = [S('s1'), S('s2'), S('s3'), S('s4')];

async function rejectsWith(p: Promise<unknown>, re: RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  // mqtt.js rejects a negative MQTT 5 PUBACK with the reason code in `code`.
  const code =
    err instanceof Error && 'code' in err && typeof err.code === 'number'
      ? ` 0x${err.code.toString(16)}`
      : '';
  const text = err instanceof Error ? `${err.message}${code}` : String(err);
  assert.ok(re.test(text), `expected a rejection matching ${re}, got ${text}`);
}

test('three listeners to the cloud; denials counted and audited; segmentation; commands', async () => {
  if (env.realModemPath !== null) return;
  await withTempDir(async (dir) => {
    const { pki, broker, device } = await labRig(dir);
    const cloud = await watchCloud(broker, pki, 'ztgw/gw-1/up/#');
    const mqttPort = await freePort();
    const httpPort = await freePort();
    const sock = join(dir, 'a', 'run', 'sensors.sock');
    const sensors = await sensorsConfig([S1, S2, S3, S4], (id) =>
      id === 's4'
        ? { publish: ['readings/#'], maxPayloadBytes: 256, rate: { ratePerS: 0.5, burst: 2 } }
        : { publish: ['readings/#'] },
    );
    const closers: (() => unknown)[] = [];
    try {
      const now = { networkTime: { iso: new Date().toISOString().slice(0, 19), tzQuarterHours: 0 } };
      await withSim('quectel-ec25', now, async (sim) => {
        const agent = await startAgent({
          dir: `${dir}/a`,
          pki,
          broker,
          device,
          modemPath: sim.agentPath,
          extraArgs: ['--denial-window-ms', '300'],
          config: {
            listeners: labListeners(mqttPort, httpPort, sock),
            sensors,
            telemetry: { bundleMaxWaitMs: 200 },
          },
        });
        closers.push(() => agent.stop());
        await agent.waitForStatus((s) => at(s, 'uplink', 'state') === 'connected', 'connected');
        // Started by the launcher build/ztgw: the gateway memory settings are in effect.
        assert.match(
          agent.logs(),
          /"heapGrowingPercent":10,"maxSemiSpaceMiB":4,"mallocArenaMax":"1","msg":"runtime.memory"/,
          agent.logs().slice(0, 2000),
        );

        // 1. All three listeners deliver, and the record's sensor is the authenticated one.
        const s1 = await mqttSensor(mqttPort, S1);
        closers.push(() => s1.end(true));
        await publishQos1(s1, 'readings/env', JSON.stringify({ sensor: 'not-s1', temp: 21.5 }));
        const h = await httpPost(httpPort, S2, 'readings/power', JSON.stringify({ watts: 230 }));
        assert.is(h.status, 202, h.body);
        const u = await unixSensor(sock, S3);
        closers.push(() => u.close());
        assert.equal(u.auth, { ok: true });
        assert.equal(await u.send('readings/door', { open: true }), { id: 1, ok: true });
        const rs = await waitForReadings(cloud, (r) => r.length >= 3, 'three readings');
        assert.equal(
          rs.map((r) => [r.sensor, r.topic, r.body.kind === 'json' ? r.body.value : null]),
          [
            ['s1', 'readings/env', { sensor: 'not-s1', temp: 21.5 }],
            ['s2', 'readings/power', { watts: 230 }],
            ['s3', 'readings/door', { open: true }],
          ],
        );

        // 2. Outside the policy, oversize, over the rate: refused (MQTT 5 reason codes) and counted.
        const s4 = await mqttSensor(mqttPort, S4);
        closers.push(() => s4.end(true));
        await rejectsWith(publishQos1(s4, 'config/evil', '{}'), /0x87/);
        // 0x95 is not a PUBACK reason (MQTT 5 §3.4.2.1): oversize is 0x83, implementation specific.
        await rejectsWith(publishQos1(s4, 'readings/big', 'x'.repeat(300)), /0x83/);
        await publishQos1(s4, 'readings/a', '1');
        await publishQos1(s4, 'readings/a', '2');
        await rejectsWith(publishQos1(s4, 'readings/a', '3'), /0x97/);
        assert.is((await httpPost(httpPort, S2, 'other/x', '{}')).status, 403);
        assert.is((await httpPost(httpPort, { id: 's2', secret: 'wrong' }, 'readings/x', '{}')).status, 401);
        assert.equal((await u.send('$SYS/x', 1))['ok'], false);
        const st = await agent.waitForStatus(
          (s) => at(s, 'dataPath', 'sensors', 's4', 'denied', 'rate-limited') === 1,
          's4 rate denial counted',
        );
        assert.equal(at(st, 'dataPath', 'sensors', 's4', 'denied'), {
          'topic-not-allowed': 1,
          'payload-too-large': 1,
          'rate-limited': 1,
        });
        assert.is(at(st, 'dataPath', 'sensors', 's2', 'authFailures'), 1);

        // 3. Segmentation: s4 may not subscribe to s1's commands; a command for s1 reaches s1 only.
        // mqtt.js turns an MQTT 5 SUBACK of 0x87 (not authorized) into an error.
        const subErr = await new Promise<unknown>((resolve) =>
          s4.subscribe('cmd/s1', { qos: 1 }, (err) => resolve(err)),
        );
        assert.ok(subErr instanceof Error && /Not authorized/.test(subErr.message), String(subErr));
        await new Promise<void>((resolve, reject) =>
          s1.subscribe('cmd/s1', { qos: 1 }, (err) => (err ? reject(err) : resolve())),
        );
        const got: { who: string; topic: string; payload: string }[] = [];
        s1.on('message', (topic, p) => got.push({ who: 's1', topic, payload: p.toString() }));
        s4.on('message', (topic, p) => got.push({ who: 's4', topic, payload: p.toString() }));
        const ops = connect(broker.url, {
          ca: await readFile(pki.caFile),
          cert: await readFile(pki.opsCloud.certFile),
          key: await readFile(pki.opsCloud.keyFile),
          reconnectPeriod: 0,
        });
        closers.push(() => ops.end(true));
        await new Promise<void>((r) => ops.once('connect', () => r()));
        await ops.publishAsync('ztgw/gw-1/down/cmd/s1', 'reboot', { qos: 1 });
        await ops.publishAsync('ztgw/gw-1/down/cmd/ghost', 'x', { qos: 1 });
        const deadline = Date.now() + 10_000;
        while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.equal(got, [{ who: 's1', topic: 'cmd/s1', payload: 'reboot' }]);

        // 4. Garbage on the MQTT port: that socket is closed; s1 keeps publishing.
        const raw = netConnect(mqttPort, '127.0.0.1');
        await new Promise<void>((r) => raw.once('connect', () => r()));
        const closed = new Promise<void>((r) => raw.once('close', () => r()));
        raw.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3]));
        await closed;
        await publishQos1(s1, 'readings/env', JSON.stringify({ temp: 22 }));
        await waitForReadings(
          cloud,
          (r) => r.some((x) => x.body.kind === 'json' && JSON.stringify(x.body.value) === '{"temp":22}'),
          'the reading after the garbage',
        );

        // 5. The denials are in the audit trail (aggregated) and at the broker.
        const deadline2 = Date.now() + 10_000;
        let tail: AuditTailLine[] = [];
        const wanted = [
          'sensor:s4 rule:topic-not-allowed',
          'sensor:s4 rule:payload-too-large',
          'sensor:s4 rule:rate-limited',
        ];
        const deniedOf = () =>
          tail.filter((e) => e.ev === 'policy.denied').map((e) => `${e.actor} ${e.subject}`);
        while (Date.now() < deadline2) {
          tail = await auditTail(`${dir}/a`);
          // Each window's aggregate lands when it closes; wait for these three, not for any three.
          if (wanted.every((w) => deniedOf().includes(w))) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        const denied = deniedOf();
        for (const want of wanted) assert.ok(denied.includes(want), `${want} in ${JSON.stringify(denied)}`);
        assert.ok(tail.some((e) => e.ev === 'sensor.auth-failed' && e.subject === 'sensor:s2'));
        assert.ok(cloudReadings(cloud).every((r) => r.sensor !== 'not-s1'));
      });
    } finally {
      for (const c of closers.reverse()) await Promise.resolve(c()).catch(() => undefined);
      await cloud.close();
      await broker.stop();
    }
  });
});

test.run();
