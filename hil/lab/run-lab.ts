/**
 * `make run`: the full lab on this machine. The simulated modem on a real pseudo-terminal, a local
 * mosquitto with mTLS and the per-device ACL standing in for the cloud broker, the agent, five demo
 * sensors on the three listeners (two MQTT, one misbehaving MQTT, HTTP, Unix socket) and a live view
 * of `ztgw status`: per-sensor rates, journal depth, bundles and bytes sent. It ends after LAB_SECONDS
 * (default 20) with what the cloud received per sensor, and exits 1 if a sensor's readings never
 * arrived.
 */
import { join } from 'node:path';
import type { JsonValue } from '../../modem/errors.js';
import { freePort, startMosquitto } from '../broker/index.js';
import { makeLabPki } from '../pki/index.js';
import { type AgentRun, at, startAgent, watchCloud } from '../scenarios/cloud-kit.js';
import {
  cloudReadings,
  httpPost,
  type LabSensor,
  labListeners,
  mqttSensor,
  publishQos1,
  sensorsConfig,
  unixSensor,
} from '../scenarios/data-path-kit.js';
import { withSim, withTempDir } from '../scenarios/kit.js';
import { PROFILES } from '../sim-modem/profiles/index.js';

const SECONDS = Number(process.env['LAB_SECONDS'] ?? 20);
const ID = PROFILES['quectel-ec25']?.initialState.identity ?? { iccid: '', imei: '' };
const TEMP = { id: 'temp-1', secret: 'lab-temp-1', via: 'mqtt v5', everyMs: 100 };
const HUM = { id: 'hum-1', secret: 'lab-hum-1', via: 'mqtt v3.1.1', everyMs: 250 };
const POWER = { id: 'power-1', secret: 'lab-power-1', via: 'http', everyMs: 500 };
const DOOR = { id: 'door-1', secret: 'lab-door-1', via: 'unix', everyMs: 1000 };
const ROGUE = {
  id: 'rogue-1',
  secret: 'lab-rogue-1',
  via: 'mqtt v5 (tries topics outside its policy)',
  everyMs: 700,
};
const SENSORS: readonly (LabSensor & { via: string; everyMs: number })[] = [TEMP, HUM, POWER, DOOR, ROGUE];

function num(v: JsonValue | undefined): number {
  return typeof v === 'number' ? v : 0;
}

function row(cells: readonly (string | number)[], widths: readonly number[]): string {
  return cells.map((c, i) => String(c).padEnd(widths[i] ?? 10)).join(' ');
}

async function main(): Promise<void> {
  await withTempDir(async (dir) => {
    const pki = await makeLabPki(join(dir, 'pki'), {
      deviceIds: ['gw-lab'],
      bindings: { 'gw-lab': { iccid: ID.iccid, imei: ID.imei } },
    });
    const broker = await startMosquitto({ dir: join(dir, 'broker'), pki });
    const device = pki.devices['gw-lab'];
    if (device === undefined) throw new Error('lab PKI has no gw-lab');
    const cloud = await watchCloud(broker, pki, 'ztgw/gw-lab/up/#');
    const [mqttPort, httpPort] = [await freePort(), await freePort()];
    const sock = join(dir, 'agent', 'run', 'sensors.sock');
    const sensors = await sensorsConfig(SENSORS, () => ({
      publish: ['readings/#'],
      rate: { ratePerS: 20, burst: 40 },
    }));
    const stops: (() => unknown)[] = [];
    let agent: AgentRun | null = null;
    try {
      const now = { networkTime: { iso: new Date().toISOString().slice(0, 19), tzQuarterHours: 0 } };
      await withSim('quectel-ec25', now, async (sim) => {
        console.log(`== simulated modem (quectel-ec25) on ${sim.agentPath}`);
        console.log(`== cloud broker (mosquitto, mTLS, ACL ztgw/%u/#) at ${broker.url}`);
        agent = await startAgent({
          dir: join(dir, 'agent'),
          pki,
          broker,
          device,
          modemPath: sim.agentPath,
          extraArgs: ['--denial-window-ms', '5000'],
          config: {
            listeners: labListeners(mqttPort, httpPort, sock),
            sensors,
            telemetry: { bundleMaxWaitMs: 500 },
            log: { level: 'warn' },
          },
        });
        const a = agent;
        await a.waitForStatus((s) => at(s, 'uplink', 'state') === 'connected', 'uplink connected', 30_000);
        console.log(
          `== agent gw-lab connected; listeners mqtt 127.0.0.1:${mqttPort}, http 127.0.0.1:${httpPort}, unix ${sock}`,
        );
        console.log('== demo sensors:');
        for (const s of SENSORS) console.log(`   ${s.id.padEnd(8)} via ${s.via}, every ${s.everyMs} ms`);

        const [temp, hum, rogue] = await Promise.all([
          mqttSensor(mqttPort, TEMP),
          mqttSensor(mqttPort, HUM, { protocolVersion: 4 }),
          mqttSensor(mqttPort, ROGUE),
        ]);
        const door = await unixSensor(sock, DOOR);
        stops.push(() => door.close());
        for (const c of [temp, hum, rogue]) stops.push(() => c.end(true));
        let seq = 0;
        const every = (ms: number, fn: () => Promise<unknown>) => {
          const t = setInterval(() => void fn().catch(() => undefined), ms);
          stops.push(() => clearInterval(t));
        };
        every(100, () =>
          publishQos1(
            temp,
            'readings/env',
            JSON.stringify({ t: Date.now(), temp: 21 + Math.random(), seq: seq++ }),
          ),
        );
        every(250, () =>
          publishQos1(hum, 'readings/env', JSON.stringify({ t: Date.now(), hum: 40 + Math.random() * 5 })),
        );
        every(500, () =>
          httpPost(httpPort, POWER, 'readings/power', JSON.stringify({ watts: 220 + Math.random() * 20 })),
        );
        every(1000, () => door.send('readings/door', { open: Math.random() < 0.5 }));
        let flip = false;
        every(700, () => {
          flip = !flip;
          return publishQos1(rogue, flip ? 'readings/vib' : 'admin/firmware', JSON.stringify({ g: 0.2 }));
        });

        const widths = [9, 9, 8, 7, 8, 10];
        const last = new Map<string, number>();
        for (let s = 0; s < SECONDS; s += 2) {
          await new Promise((r) => setTimeout(r, 2000));
          const st = await a.status();
          const dp = st['dataPath'];
          console.log(`\n-- ${new Date().toISOString()}  uplink ${String(at(st, 'uplink', 'state'))}`);
          console.log(row(['sensor', 'via', 'accepted', 'per s', 'denied', 'auth fail'], widths));
          for (const sensor of SENSORS) {
            const c = at(dp, 'sensors', sensor.id);
            const acc = num(at(c, 'accepted'));
            const denied = Object.values((at(c, 'denied') ?? {}) as Record<string, JsonValue>).reduce<number>(
              (n, v) => n + num(v),
              0,
            );
            const rate = (acc - (last.get(sensor.id) ?? 0)) / 2;
            last.set(sensor.id, acc);
            console.log(
              row(
                [
                  sensor.id,
                  String(at(c, 'via') ?? '-'),
                  acc,
                  rate.toFixed(1),
                  denied,
                  num(at(c, 'authFailures')),
                ],
                widths,
              ),
            );
          }
          const tel = at(dp, 'telemetry');
          console.log(
            `journal: ${String(at(dp, 'journal', 'lanes', 'telemetry', 'depthRecords') ?? '?')} waiting   ` +
              `bundles acked ${num(at(tel, 'bundlesAcked'))}, readings ${num(at(tel, 'readingsAcked'))}, ` +
              `bundle bytes ${num(at(tel, 'bytesAcked'))}   budget today: telemetry ${num(at(dp, 'budget', 'bytes', 'telemetry'))} B, ` +
              `audit ${num(at(dp, 'budget', 'bytes', 'audit'))} B`,
          );
        }
        for (const stop of stops.splice(0)) await Promise.resolve(stop());
        await a.waitForStatus(
          (s) => num(at(s, 'dataPath', 'telemetry', 'inFlight')) === 0,
          'drained',
          10_000,
        );
        const rs = cloudReadings(cloud);
        console.log('\n== at the cloud broker (bundles on ztgw/gw-lab/up/t, decoded):');
        let isMissing = false;
        for (const sensor of SENSORS) {
          const n = rs.filter((r) => r.sensor === sensor.id).length;
          console.log(`   ${sensor.id.padEnd(8)} ${n} readings`);
          if (n === 0) isMissing = true;
        }
        const bundles = cloud.inbox.filter((m) => m.topic.endsWith('/up/t'));
        const bytes = bundles.reduce((n, m) => n + m.bytes.length, 0);
        console.log(
          `   ${bundles.length} bundles, ${bytes} bytes, ${(bytes / Math.max(1, rs.length)).toFixed(1)} bytes per reading`,
        );
        if (isMissing) {
          console.error('a sensor never reached the cloud');
          process.exitCode = 1;
        }
      });
    } finally {
      for (const stop of stops) await Promise.resolve(stop());
      await (agent as AgentRun | null)?.stop();
      await cloud.close();
      await broker.stop();
    }
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
