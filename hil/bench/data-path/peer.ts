/**
 * The peer: what a gateway runs without ztgw. A local mosquitto takes the sensors on 127.0.0.1
 * (username/password from a mosquitto_passwd file, each sensor may write only `sensors/<its id>`)
 * and bridges `sensors/#` to the cloud broker over mTLS at QoS 1:
 *
 *   sensors ─▶ mosquitto :port (passwd, ACL) ─▶ bridge (mqttv311, cleansession false) ─▶ gw/<id>/sensors/<s>
 *
 * Two configurations. As deployed (`peer`), queue and in-flight limits stay at mosquitto's defaults:
 * past `max_queued_messages` (1000 in 2.0.11) the bridge drops QoS 1 messages it already
 * acknowledged to the sensor, and the benchmark reports them as lost. Lossless (`peer-lossless`),
 * `max_queued_messages 0` and `max_queued_bytes 0` lift both queue limits (mosquitto.conf(5),
 * 2.0.11: 0 is "no maximum"), so the bridge keeps in RAM whatever it acknowledged until the cloud
 * takes it: every reading is delivered, and its CPU and memory per reading can be compared with
 * ztgw's. The in-flight window (`max_inflight_messages`, 20) stays: it paces, it does not drop.
 * Persistence is on, in the state directory, as in Debian's packaged configuration.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fail, ok, type Result } from '../../../modem/at/result.js';
import { freePort } from '../../broker/free-port.js';
import { MOSQUITTO_PATH } from '../../broker/mosquitto.js';
import { spawnBenchChild } from './child.js';
import type { GatewayEnv, GatewayUnderTest, ReadingId, RunningGateway } from './types.js';

export interface PeerOptions {
  readonly mosquittoPath?: string;
  /** Default /usr/bin/mosquitto_passwd. */
  readonly passwdToolPath?: string;
  /** Bound on start until the sensor port accepts TCP, in ms. Default 10000. */
  readonly startTimeoutMs?: number;
  /** Bound on a graceful stop before SIGKILL, in ms. Default 5000. */
  readonly stopTimeoutMs?: number;
  /** Lift the bridge's queue limits (the `peer-lossless` configuration). Default false. */
  readonly isQueueUnlimited?: boolean;
}

/** Bound on mosquitto_passwd hashing the sensors' passwords, ms. */
const PASSWD_TOOL_TIMEOUT_MS = 30_000;
/** Between two connect attempts while waiting for a port, ms. */
const PORT_POLL_INTERVAL_MS = 50;

/** mosquitto.conf and its word-level inputs; a line break in any of them would inject a directive. */
export function peerConfig(c: {
  readonly port: number;
  readonly dir: string;
  readonly cloudHost: string;
  readonly cloudPort: number;
  readonly deviceId: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly isRoot: boolean;
  /** `max_queued_messages 0` and `max_queued_bytes 0`: no message is dropped after its PUBACK. */
  readonly isQueueUnlimited?: boolean;
}): string {
  for (const v of [c.dir, c.cloudHost, c.deviceId, c.caFile, c.certFile, c.keyFile])
    if (/[\s]/.test(v)) throw new TypeError(`peer config value ${JSON.stringify(v)} contains white space`);
  return [
    '# the peer gateway: local broker for the sensors, bridged to the cloud over mTLS',
    ...(c.isRoot ? ['user root'] : []),
    'persistence true',
    `persistence_location ${c.dir}/`,
    `log_dest file ${join(c.dir, 'mosquitto.log')}`,
    'allow_anonymous false',
    `password_file ${join(c.dir, 'passwd')}`,
    `acl_file ${join(c.dir, 'acl')}`,
    ...(c.isQueueUnlimited === true
      ? [
          '# keep every acknowledged message until the bridge delivers it',
          'max_queued_messages 0',
          'max_queued_bytes 0',
        ]
      : []),
    `listener ${c.port} 127.0.0.1`,
    '',
    'connection cloud',
    `address ${c.cloudHost}:${c.cloudPort}`,
    `remote_clientid ${c.deviceId}`,
    'bridge_protocol_version mqttv311',
    `bridge_cafile ${c.caFile}`,
    `bridge_certfile ${c.certFile}`,
    `bridge_keyfile ${c.keyFile}`,
    'cleansession false',
    `topic sensors/# out 1 "" gw/${c.deviceId}/`,
    '',
  ].join('\n');
}

/** Reads one bridged reading: topic `gw/<id>/sensors/<sensor>`, the sensor's JSON as the payload. */
export function decodePeerMessage(topic: string, payload: Buffer): Result<readonly ReadingId[]> {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return fail('payload is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return fail('payload is not a JSON object');
  const sensor: unknown = Reflect.get(body, 'sensor');
  const seq: unknown = Reflect.get(body, 'seq');
  if (typeof sensor !== 'string' || typeof seq !== 'number') return fail('payload lacks "sensor" or "seq"');
  if (!topic.endsWith(`/sensors/${sensor}`)) return fail(`reading of ${sensor} on another sensor's topic`);
  return ok([{ sensor, seq }]);
}

function runTool(cmd: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(cmd, [...args], { timeout: PASSWD_TOOL_TIMEOUT_MS }, (err, _out, stderr) =>
      err === null
        ? resolve()
        : reject(new Error(`${cmd} ${args.join(' ')}: ${String(stderr).trim() || err.message}`)),
    ),
  );
}

/** Resolves once `port` on 127.0.0.1 accepts a TCP connection, or rejects after `timeoutMs`. */
export async function waitForPort(
  port: number,
  timeoutMs: number,
  isGone: () => string | null,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const gone = isGone();
    if (gone !== null) throw new Error(gone);
    const isUp = await new Promise<boolean>((resolve) => {
      const s = tcpConnect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (isUp) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await sleep(PORT_POLL_INTERVAL_MS);
  }
}

export function peerGateway(o: PeerOptions = {}): GatewayUnderTest {
  return {
    name: o.isQueueUnlimited === true ? 'peer-lossless' : 'peer',
    sensorTopic: (id) => `sensors/${id}`,
    cloudFilter: (deviceId) => `gw/${deviceId}/sensors/+`,
    decode: decodePeerMessage,
    start: (env) => startPeer(env, o),
  };
}

async function startPeer(env: GatewayEnv, o: PeerOptions): Promise<RunningGateway> {
  const dir = env.stateDir;
  const passwd = join(dir, 'passwd');
  // mosquitto_passwd -U hashes a plain "user:password" file in place (PBKDF2-SHA512).
  await writeFile(passwd, env.sensors.map((s) => `${s.id}:${s.secret}\n`).join(''), { mode: 0o600 });
  await runTool(o.passwdToolPath ?? '/usr/bin/mosquitto_passwd', ['-U', passwd]);
  await writeFile(join(dir, 'acl'), '# each sensor writes only its own topic\npattern write sensors/%u\n');
  const port = await freePort();
  const configPath = join(dir, 'mosquitto.conf');
  await writeFile(
    configPath,
    peerConfig({
      port,
      dir,
      cloudHost: env.cloud.host,
      cloudPort: env.cloud.port,
      deviceId: env.deviceId,
      caFile: env.caFile,
      certFile: env.certFile,
      keyFile: env.keyFile,
      isRoot: process.getuid?.() === 0,
      isQueueUnlimited: o.isQueueUnlimited === true,
    }),
  );
  const outPath = join(dir, 'mosquitto.out');
  const child = spawnBenchChild({
    name: 'peer mosquitto',
    argv: [o.mosquittoPath ?? MOSQUITTO_PATH, '-c', configPath],
    ...(env.netns === undefined ? {} : { netns: env.netns }),
    outPath,
    stopTimeoutMs: o.stopTimeoutMs ?? 5000,
  });
  const logTail = async (): Promise<string> => {
    const tail = async (p: string) =>
      (await readFile(p, 'utf8').catch(() => '')).split('\n').slice(-30).join('\n');
    return `${await tail(join(dir, 'mosquitto.log'))}\n${await tail(outPath)}`;
  };
  try {
    await waitForPort(port, o.startTimeoutMs ?? 10_000, child.exitNote);
  } catch (err) {
    await child.stop();
    throw new Error(
      `peer did not start: ${err instanceof Error ? err.message : String(err)}\n${await logTail()}`,
    );
  }
  return { pid: child.proc.pid ?? 0, sensorPort: port, logTail, stop: child.stop };
}
