/**
 * Nothing acknowledged is lost: the agent SIGKILLed 50 times under load, and the broker down under
 * load. A sensor publishes QoS 1 readings with its own seq; every seq the agent PUBACKed must reach
 * the cloud (de-duplicated by the bundle's journal seq), in the order the sensor sent them.
 */
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '../broker/index.js';
import { type AgentRun, at, labRig, startAgent, watchCloud } from './cloud-kit.js';
import {
  cloudReadings,
  type LabSensor,
  mqttSensor,
  sensorsConfig,
  waitForReadings,
} from './data-path-kit.js';
import { hilEnv, withSim, withTempDir } from './kit.js';

const env = hilEnv();
const SENSOR: LabSensor = { id: 's1', secret: 'crash-test-secret' };
const KILLS = Number(process.env['ZTGW_KILL_LOOPS'] ?? 50);

/** Publishes seq 1, 2, … with up to `window` in flight; `acked` gets every seq the agent PUBACKed. */
function load(client: MqttClient, next: { seq: number }, acked: Set<number>, window = 8): () => void {
  let isStopped = false;
  let inFlight = 0;
  const pump = (): void => {
    while (!isStopped && inFlight < window && client.connected) {
      const seq = next.seq++;
      inFlight++;
      client.publish('readings/env', JSON.stringify({ seq, temp: 21.5 }), { qos: 1 }, (err, packet) => {
        inFlight--;
        const rc = packet !== undefined && 'reasonCode' in packet ? packet.reasonCode : 0;
        if (!err && (rc ?? 0) === 0) acked.add(seq);
        // A failed publish means the agent is gone: stop, rather than spin until the close is seen.
        else isStopped = true;
        setImmediate(pump);
      });
    }
  };
  pump();
  return () => {
    isStopped = true;
  };
}

function bodySeqs(cloud: Parameters<typeof cloudReadings>[0]): number[] {
  return cloudReadings(cloud).map((r) =>
    r.body.kind === 'json' &&
    typeof r.body.value === 'object' &&
    r.body.value !== null &&
    !Array.isArray(r.body.value)
      ? Number(r.body.value['seq'])
      : -1,
  );
}

async function connectWhenUp(port: number, agent: AgentRun): Promise<MqttClient> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await mqttSensor(port, SENSOR);
    } catch (err) {
      if (Date.now() > deadline || agent.child.exitCode !== null) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

test(`kill -9 of the agent under load, ${KILLS} times: no acknowledged reading lost, order kept`, async () => {
  if (env.realModemPath !== null) return;
  await withTempDir(async (dir) => {
    const { pki, broker, device } = await labRig(dir);
    const cloud = await watchCloud(broker, pki, 'ztgw/gw-1/up/t');
    const port = await freePort();
    const config = {
      listeners: [{ kind: 'mqtt', address: '127.0.0.1', port }],
      sensors: await sensorsConfig([SENSOR], () => ({
        publish: ['readings/#'],
        rate: { ratePerS: 1000, burst: 2000 },
      })),
      telemetry: { bundleMaxWaitMs: 50 },
    };
    const acked = new Set<number>();
    const next = { seq: 1 };
    let agent: AgentRun | null = null;
    try {
      const now = { networkTime: { iso: new Date().toISOString().slice(0, 19), tzQuarterHours: 0 } };
      await withSim('quectel-ec25', now, async (sim) => {
        const start = () =>
          startAgent({ dir: join(dir, 'a'), pki, broker, device, modemPath: sim.agentPath, config });
        for (let i = 0; i < KILLS; i++) {
          const a = await start();
          agent = a;
          const client = await connectWhenUp(port, a);
          const stop = load(client, next, acked);
          // Kill at a moment that varies over the run: 50..650 ms into the load.
          await new Promise((r) => setTimeout(r, 50 + ((i * 137) % 600)));
          await a.stop('SIGKILL');
          stop();
          client.end(true);
        }
        const a = await start();
        agent = a;
        await a.waitForStatus((s) => at(s, 'uplink', 'state') === 'connected', 'connected', 30_000);
        const want = [...acked].sort((x, y) => x - y);
        assert.ok(
          want.length > KILLS * 5,
          `only ${want.length} readings were acknowledged: the load did not run`,
        );
        const seqs = await waitForReadings(
          cloud,
          () => {
            const have = new Set(bodySeqs(cloud));
            return want.every((s) => have.has(s));
          },
          `all ${want.length} acknowledged readings`,
          60_000,
        ).then(() => bodySeqs(cloud));
        // Order: in journal order the sensor's seqs only go up (a resend after a crash is de-duplicated).
        for (let k = 1; k < seqs.length; k++)
          assert.ok(
            (seqs[k] ?? 0) > (seqs[k - 1] ?? 0),
            `out of order at ${k}: ${seqs[k - 1]} then ${seqs[k]}`,
          );
        console.log(
          `   kill -9 x${KILLS}: ${want.length} acknowledged, ${seqs.length} at the cloud (unacknowledged ones may arrive too), 0 lost`,
        );
      });
    } finally {
      await (agent as AgentRun | null)?.stop();
      await cloud.close();
      await broker.stop();
    }
  });
});

test('the broker down for 20 s under load: nothing lost, journal bounded, order kept, catch-up measured', async () => {
  if (env.realModemPath !== null) return;
  await withTempDir(async (dir) => {
    const { pki, broker, device } = await labRig(dir);
    const cloud = await watchCloud(broker, pki, 'ztgw/gw-1/up/t');
    const port = await freePort();
    const acked = new Set<number>();
    const next = { seq: 1 };
    let agent: AgentRun | null = null;
    try {
      const now = { networkTime: { iso: new Date().toISOString().slice(0, 19), tzQuarterHours: 0 } };
      await withSim('quectel-ec25', now, async (sim) => {
        const a = await startAgent({
          dir: join(dir, 'a'),
          pki,
          broker,
          device,
          modemPath: sim.agentPath,
          config: {
            listeners: [{ kind: 'mqtt', address: '127.0.0.1', port }],
            sensors: await sensorsConfig([SENSOR], () => ({
              publish: ['readings/#'],
              rate: { ratePerS: 1000, burst: 2000 },
            })),
          },
        });
        agent = a;
        await a.waitForStatus((s) => at(s, 'uplink', 'state') === 'connected', 'connected', 30_000);
        const client = await connectWhenUp(port, a);
        // Paced at about 500 readings/s: a window of 1 keeps the rate bounded by the round trip.
        const stop = load(client, next, acked, 4);
        await broker.restart({ downMs: 20_000 });
        const upAt = Date.now();
        const before = acked.size;
        stop();
        const want = [...acked].sort((x, y) => x - y);
        await waitForReadings(
          cloud,
          () => {
            const have = new Set(bodySeqs(cloud));
            return want.every((s) => have.has(s));
          },
          `all ${want.length} acknowledged readings after the outage`,
          60_000,
        );
        const catchUpS = (Date.now() - upAt) / 1000;
        const seqs = bodySeqs(cloud);
        for (let k = 1; k < seqs.length; k++)
          assert.ok((seqs[k] ?? 0) > (seqs[k - 1] ?? 0), `out of order at ${k}`);
        const st = await a.status();
        assert.is(at(st, 'dataPath', 'journal', 'lanes', 'telemetry', 'evicted'), 0);
        client.end(true);
        console.log(
          `   broker down 20 s: ${before} readings acknowledged meanwhile, all ${want.length} delivered; ` +
            `caught up ${catchUpS.toFixed(1)} s after the broker was back`,
        );
      });
    } finally {
      await (agent as AgentRun | null)?.stop();
      await cloud.close();
      await broker.stop();
    }
  });
});

test.run();
