/**
 * Why the load generator is written on mqtt-packet: the same 100 sensors, QoS 1, 16 in flight each,
 * against a bare local mosquitto (plain TCP, anonymous, nothing bridged), driven once by
 * `LoadGenerator` and once by 100 mqtt.js clients in the same process. The figure is acknowledged
 * publishes per second; the broker is the same, so the difference is the client's cost.
 *
 *   npx tsx hil/bench/data-path/client-speed.ts [--readings N]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { intFlag, parseArgs } from '../../../agent/cli/args.js';
import { freePort } from '../../broker/free-port.js';
import { MOSQUITTO_PATH } from '../../broker/mosquitto.js';
import { ReadingLedger } from './ledger.js';
import { LoadGenerator, readingJson } from './load-gen.js';
import { waitForPort } from './peer.js';

export interface ClientSpeed {
  readonly readings: number;
  readonly sensors: number;
  readonly windowPerSensor: number;
  /** Acknowledged publishes per second. */
  readonly mqttPacketPerS: number;
  readonly mqttJsPerS: number;
}

/** Bound on the bare broker's start, ms. */
const BROKER_START_TIMEOUT_MS = 10_000;
/** Bounds on one client's run: the load, then the last PUBACKs, ms. */
const MAX_LOAD_MS = 300_000;
const ACK_TIMEOUT_MS = 30_000;

async function withBareBroker<T>(fn: (port: number) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ztgw-bench-cs-'));
  let child: ChildProcess | null = null;
  try {
    const port = await freePort();
    const conf = join(dir, 'mosquitto.conf');
    const root = process.getuid?.() === 0 ? 'user root\n' : '';
    await writeFile(
      conf,
      `${root}persistence false\nlog_dest none\nallow_anonymous true\nlistener ${port} 127.0.0.1\n`,
    );
    const proc = spawn(MOSQUITTO_PATH, ['-c', conf], { stdio: 'ignore' });
    child = proc;
    let note: string | null = null;
    proc.once('exit', (code) => {
      note = `mosquitto exited ${code}`;
    });
    await waitForPort(port, BROKER_START_TIMEOUT_MS, () => note);
    return await fn(port);
  } finally {
    const c = child;
    if (c !== null && c.exitCode === null) {
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await gone;
    }
    await rm(dir, { recursive: true, force: true });
  }
}

async function withMqttPacket(
  port: number,
  readings: number,
  sensors: number,
  window: number,
): Promise<number> {
  const ids = Array.from({ length: sensors }, (_, i) => ({ id: `s${i + 1}`, secret: 'x' }));
  const ledger = new ReadingLedger(
    ids.map((s) => s.id),
    ReadingLedger.evenQuotas(readings, sensors),
  );
  const gen = new LoadGenerator({
    host: '127.0.0.1',
    port,
    sensors: ids,
    topicFor: (id) => `sensors/${id}`,
    ledger,
    windowPerSensor: window,
  });
  try {
    await gen.connectAll();
    const stats = await gen.run(
      { kind: 'saturate' },
      { maxLoadMs: MAX_LOAD_MS, ackTimeoutMs: ACK_TIMEOUT_MS },
    );
    const s = ledger.summarize();
    const ms = (s.lastAckedMs ?? stats.firstSendMs) - stats.firstSendMs;
    return ms > 0 ? (s.acked * 1000) / ms : 0;
  } finally {
    gen.close();
  }
}

async function withMqttJs(port: number, readings: number, sensors: number, window: number): Promise<number> {
  const quotas = ReadingLedger.evenQuotas(readings, sensors);
  const clients: MqttClient[] = [];
  try {
    for (let i = 0; i < sensors; i++) {
      const c = connect(`mqtt://127.0.0.1:${port}`, {
        clientId: `s${i + 1}`,
        protocolVersion: 4,
        reconnectPeriod: 0,
        keepalive: 0,
      });
      clients.push(c);
    }
    await Promise.all(
      clients.map(
        (c) =>
          new Promise<void>((resolve, reject) => {
            c.once('connect', () => resolve());
            c.once('error', reject);
          }),
      ),
    );
    const started = performance.now();
    let acked = 0;
    await Promise.all(
      clients.map(
        (c, i) =>
          new Promise<void>((resolve, reject) => {
            const quota = quotas[i] ?? 0;
            let next = 1;
            let inflight = 0;
            const id = `s${i + 1}`;
            const pump = (): void => {
              while (inflight < window && next <= quota) {
                const seq = next++;
                inflight++;
                c.publish(`sensors/${id}`, readingJson(id, seq, Date.now(), i), { qos: 1 }, (err) => {
                  if (err) {
                    reject(err);
                    return;
                  }
                  inflight--;
                  acked++;
                  if (next > quota && inflight === 0) resolve();
                  else pump();
                });
              }
            };
            if (quota === 0) resolve();
            else pump();
          }),
      ),
    );
    return (acked * 1000) / (performance.now() - started);
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
  }
}

/** Both clients against the same bare broker, mqtt-packet first; a fresh broker each. */
export async function benchClientSpeed(readings = 200_000, sensors = 100, window = 16): Promise<ClientSpeed> {
  const mqttPacketPerS = await withBareBroker((port) => withMqttPacket(port, readings, sensors, window));
  const mqttJsPerS = await withBareBroker((port) => withMqttJs(port, readings, sensors, window));
  return { readings, sensors, windowPerSensor: window, mqttPacketPerS, mqttJsPerS };
}

if (require.main === module) {
  const args = parseArgs(process.argv.slice(2), { values: ['readings'], booleans: [] });
  benchClientSpeed(intFlag(args, 'readings', 200_000, 100, 10_000_000))
    .then((r) => console.log(JSON.stringify(r)))
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
