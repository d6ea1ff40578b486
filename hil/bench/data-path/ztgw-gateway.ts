/**
 * ztgw as the gateway under test: the built agent (`node build/js/agent/main.js run --config …`)
 * with the simulated modem on a real PTY (its identity is the one the lab PKI bound the device
 * certificate to), one MQTT listener on 127.0.0.1 for the sensors, and the uplink pointed at the
 * harness's relay. Ready when the agent reports `uplink.state: connected` on its control socket and
 * the sensor port accepts connections.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import nacl from 'tweetnacl';
import { decodeBundle } from '../../../agent/bundle/bundle.js';
import { requestControl } from '../../../agent/control/control-server.js';
import { LAUNCH_ENV, LAUNCH_NODE_FLAGS } from '../../../agent/daemon/runtime-tuning.js';
import { hashSecret } from '../../../agent/proxies/credentials.js';
import { fail, ok, type Result } from '../../../modem/at/result.js';
import { freePort } from '../../broker/free-port.js';
import { at } from '../../scenarios/cloud-kit.js';
import { SimModem } from '../../sim-modem/sim-modem.js';
import { type BenchChild, spawnBenchChild } from './child.js';
import { waitForPort } from './peer.js';
import type { GatewayEnv, GatewayUnderTest, ReadingId, RunningGateway } from './types.js';

/** How much of the agent's output is kept for error messages, characters. */
const LOG_TAIL_CHARS = 20_000;
/** What `make build` writes: the agent with its memory settings. */
const LAUNCHER = resolve(__dirname, '..', '..', '..', 'build', 'ztgw');

/** The simulated modem profile; the lab PKI binds the device certificate to its ICCID/IMEI. */
export const ZTGW_SIM_PROFILE = 'quectel-ec25';

export interface ZtgwGatewayOptions {
  /**
   * What to start: the launcher `build/ztgw` of this tree by default (what `make build` ships, with
   * the gateway memory settings); a `.js`/`.cjs` entry runs under this node with {@link nodeArgs} and
   * node's own defaults; anything else is the packaged executable, started the way the README says
   * (agent/daemon/runtime-tuning.ts's environment, its node flags in NODE_OPTIONS).
   */
  readonly mainJs?: string;
  /** Bound on start until the uplink is connected and the listener accepts, in ms. Default 60000. */
  readonly startTimeoutMs?: number;
  /** Between status polls during start, in ms. Default 200. */
  readonly pollIntervalMs?: number;
  /** Bound on a graceful stop (SIGTERM) before SIGKILL, in ms. Default 10000. */
  readonly stopTimeoutMs?: number;
  /**
   * scrypt cost of the sensor credentials. Default 1024, the lowest the config accepts: credentials
   * are checked once per connection, before the measured part of a run.
   */
  readonly scryptN?: number;
  /**
   * Arguments for node before a `.js` entry script, e.g. `--cpu-prof` for a profile of the agent
   * under load. Default none. Refused with any other entry (the launcher sets its own).
   */
  readonly nodeArgs?: readonly string[];
  /**
   * The journal's `groupCommitMs`, for a sweep of flash writes against latency. Default: not set,
   * so the agent runs with its own default, as deployed.
   */
  readonly groupCommitMs?: number;
}

/** The readings of one `ztgw/<id>/up/t` bundle, identified by the sensor's own `sensor` and `seq` fields. */
export function decodeZtgwBundle(_topic: string, payload: Buffer): Result<readonly ReadingId[]> {
  const b = decodeBundle(payload);
  if (!b.ok) return b;
  const ids: ReadingId[] = [];
  for (const r of b.value.readings) {
    if (r.body.kind !== 'json') return fail(`journal seq ${r.seq}: body is not JSON`);
    const v = r.body.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      return fail(`journal seq ${r.seq}: body is not an object`);
    const sensor = v['sensor'];
    const seq = v['seq'];
    if (typeof sensor !== 'string' || typeof seq !== 'number')
      return fail(`journal seq ${r.seq}: body lacks "sensor" or "seq"`);
    // The bundle's sensor is the authenticated identity; a body naming another sensor is a wrong reading.
    if (sensor !== r.sensor) return fail(`journal seq ${r.seq}: body says ${sensor}, sent by ${r.sensor}`);
    ids.push({ sensor, seq });
  }
  return ok(ids);
}

/** The agent config for the benchmark: the rig's usual config plus the data path. */
export async function ztgwBenchConfig(
  env: GatewayEnv,
  p: {
    readonly modemPath: string;
    readonly sensorPort: number;
    readonly socket: string;
    readonly scryptN: number;
    readonly groupCommitMs?: number;
  },
): Promise<Record<string, unknown>> {
  const sensors: Record<string, unknown> = {};
  for (const s of env.sensors) {
    sensors[s.id] = {
      credential: await hashSecret(s.secret, { N: p.scryptN }),
      publish: ['readings/#'],
      rate: { ratePerS: 1000, burst: 2000 },
    };
  }
  return {
    deviceId: env.deviceId,
    uplink: {
      brokers: [{ url: `mqtts://${env.cloud.host}:${env.cloud.port}` }],
      caFile: env.caFile,
      certFile: env.certFile,
      keyFile: env.keyFile,
      backoffBaseMs: 200,
      backoffMaxMs: 1000,
    },
    modem: { port: p.modemPath },
    identity: { keysDir: env.keysDir },
    paths: { stateDir: join(env.stateDir, 'state'), controlSocket: p.socket },
    log: { level: 'info' },
    // Remote config is not exercised; the field is required.
    operatorKeys: [Buffer.from(nacl.sign.keyPair().publicKey).toString('base64')],
    listeners: [{ kind: 'mqtt', address: '127.0.0.1', port: p.sensorPort }],
    sensors,
    ...(p.groupCommitMs === undefined ? {} : { journal: { groupCommitMs: p.groupCommitMs } }),
    telemetry: { bundleMaxReadings: 2000, bundleMaxWaitMs: 1000 },
  };
}

export function ztgwGateway(o: ZtgwGatewayOptions = {}): GatewayUnderTest {
  return {
    name: 'ztgw',
    sensorTopic: () => 'readings/env',
    cloudFilter: (deviceId) => `ztgw/${deviceId}/up/t`,
    decode: decodeZtgwBundle,
    start: (env) => startZtgw(env, o),
  };
}

async function startZtgw(env: GatewayEnv, o: ZtgwGatewayOptions): Promise<RunningGateway> {
  const mainJs = o.mainJs ?? LAUNCHER;
  if (!existsSync(mainJs)) throw new Error(`ztgw agent not built: ${mainJs} is missing (run make build)`);
  // A script runs under this node; anything else is the launcher or the packaged single executable.
  const isScript = /\.(c?js)$/.test(mainJs);
  // The launcher sets its own memory settings (measured as shipped); the packaged executable gets
  // them as the README says to start it.
  const isPackaged = !isScript && resolve(mainJs) !== LAUNCHER;
  if (!isScript && (o.nodeArgs ?? []).length > 0) {
    throw new Error(`node arguments need a .js entry (e.g. build/js/agent/main.js), not ${mainJs}`);
  }
  const simDir = join(env.stateDir, 'sim');
  await mkdir(simDir, { recursive: true });
  await mkdir(join(env.stateDir, 'run'), { recursive: true });
  const sim = new SimModem({
    profile: ZTGW_SIM_PROFILE,
    dir: simDir,
    state: { networkTime: { iso: new Date().toISOString().slice(0, 19), tzQuarterHours: 0 } },
  });
  await sim.start();
  let agent: BenchChild | null = null;
  let out = '';
  const stop = async (): Promise<void> => {
    await agent?.stop();
    await sim.stop();
  };
  const logTail = async (): Promise<string> => out.split('\n').slice(-30).join('\n');
  try {
    const sensorPort = await freePort();
    const socket = join(env.stateDir, 'run', 'control.sock');
    const cfg = await ztgwBenchConfig(env, {
      modemPath: sim.agentPath,
      sensorPort,
      socket,
      scryptN: o.scryptN ?? 1024,
      ...(o.groupCommitMs === undefined ? {} : { groupCommitMs: o.groupCommitMs }),
    });
    const configPath = join(env.stateDir, 'agent.json');
    await writeFile(configPath, JSON.stringify(cfg, null, 2));
    const argv = isScript
      ? [process.execPath, ...(o.nodeArgs ?? []), mainJs, 'run', '--config', configPath]
      : [mainJs, 'run', '--config', configPath];
    const child = spawnBenchChild({
      name: 'ztgw agent',
      argv,
      ...(env.netns === undefined ? {} : { netns: env.netns }),
      ...(isPackaged ? { env: { ...LAUNCH_ENV, NODE_OPTIONS: LAUNCH_NODE_FLAGS.join(' ') } } : {}),
      stopTimeoutMs: o.stopTimeoutMs ?? 10_000,
    });
    agent = child;
    // Keep only the tail: at info level the agent logs state changes, not readings.
    const keep = (b: Buffer): void => {
      out = (out + b.toString('utf8')).slice(-LOG_TAIL_CHARS);
    };
    child.proc.stdout?.on('data', keep);
    child.proc.stderr?.on('data', keep);
    await waitReady(socket, sensorPort, o, child.exitNote);
    return { pid: child.proc.pid ?? 0, sensorPort, logTail, stop };
  } catch (err) {
    await stop();
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(
      `ztgw did not start with the benchmark config (listeners, sensors, journal, telemetry: the agent's data path must accept them): ${why}\n${await logTail()}`,
    );
  }
}

async function waitReady(
  socket: string,
  sensorPort: number,
  o: ZtgwGatewayOptions,
  isGone: () => string | null,
): Promise<void> {
  const timeoutMs = o.startTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let last = 'no status yet';
  for (;;) {
    const gone = isGone();
    if (gone !== null) throw new Error(gone);
    const st = await requestControl(socket, 'status').catch((e: unknown) => {
      last = e instanceof Error ? e.message : String(e);
      return null;
    });
    if (st !== null) {
      const state = at(st, 'uplink', 'state');
      last = `uplink.state ${JSON.stringify(state)}, uplink.lastError ${JSON.stringify(at(st, 'uplink', 'lastError') ?? null)}`;
      if (state === 'connected') break;
    }
    if (Date.now() > deadline) throw new Error(`uplink not connected after ${timeoutMs} ms (${last})`);
    await sleep(o.pollIntervalMs ?? 200);
  }
  await waitForPort(sensorPort, Math.max(0, deadline - Date.now()), isGone);
}
