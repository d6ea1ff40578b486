/**
 * The sensor side of the lab: sensors on the agent's three listeners (MQTT with mqtt.js, HTTP with
 * fetch, the Unix socket with JSON lines), credentials hashed as the config wants them, and a cloud
 * view that decodes the telemetry bundles the agent publishes.
 */
import { connect as netConnect } from 'node:net';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { decodeBundle } from '../../agent/bundle/bundle.js';
import type { DecodedReading } from '../../agent/bundle/bundle-types.js';
import { hashSecret } from '../../agent/proxies/credentials.js';
import type { CloudWatcher } from './cloud-kit.js';

export interface LabSensor {
  readonly id: string;
  readonly secret: string;
}

/** The three listeners the lab binds: MQTT and HTTP on loopback, and a Unix socket. */
export function labListeners(
  mqttPort: number,
  httpPort: number,
  socketPath: string,
): Record<string, unknown>[] {
  return [
    { kind: 'mqtt', address: '127.0.0.1', port: mqttPort },
    { kind: 'http', address: '127.0.0.1', port: httpPort },
    { kind: 'unix', path: socketPath },
  ];
}

/** `sensors` config entries for the given sensors, each with `policy` merged in. */
export async function sensorsConfig(
  sensors: readonly LabSensor[],
  policy: (id: string) => Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const s of sensors) {
    // N=1024: the lowest cost the config accepts; the lab has no attacker and many starts.
    out[s.id] = { credential: await hashSecret(s.secret, { N: 1024 }), ...policy(s.id) };
  }
  return out;
}

/** An MQTT sensor connected to the agent's listener; rejects when the CONNACK refuses it. */
export function mqttSensor(
  port: number,
  s: LabSensor,
  opts: Partial<IClientOptions> = {},
): Promise<MqttClient> {
  const client = connect(`mqtt://127.0.0.1:${port}`, {
    username: s.id,
    password: s.secret,
    clientId: `${s.id}-${Math.random().toString(16).slice(2, 8)}`,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    protocolVersion: 5,
    ...opts,
  });
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
  });
}

export function publishQos1(client: MqttClient, topic: string, payload: string): Promise<void> {
  return new Promise((resolve, reject) =>
    client.publish(topic, payload, { qos: 1 }, (err, packet) => {
      if (err) reject(err);
      else {
        const rc = packet !== undefined && 'reasonCode' in packet ? packet.reasonCode : 0;
        if (rc !== undefined && rc !== 0) reject(new Error(`PUBACK reason 0x${rc.toString(16)}`));
        else resolve();
      }
    }),
  );
}

/** One HTTP ingest request; resolves to the status and the body text. */
export async function httpPost(
  port: number,
  s: LabSensor,
  topic: string,
  body: string,
): Promise<{ status: number; body: string }> {
  const r = await fetch(`http://127.0.0.1:${port}/t/${topic}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${s.id}:${s.secret}`).toString('base64')}` },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: r.status, body: await r.text() };
}

/** A Unix socket sensor: authenticates, then sends readings and waits for each answer. */
export async function unixSensor(path: string, s: LabSensor) {
  const sock = netConnect(path);
  let buf = '';
  const answers: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  sock.setEncoding('utf8');
  sock.on('data', (d: string) => {
    buf += d;
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      answers.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
      buf = buf.slice(nl + 1);
      nl = buf.indexOf('\n');
    }
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  const next = async (n: number): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + 10_000;
    while (answers.length <= n) {
      if (Date.now() > deadline) throw new Error(`no answer ${n} on the Unix socket`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
    return answers[n] ?? {};
  };
  sock.write(`${JSON.stringify({ auth: { sensor: s.id, secret: s.secret } })}\n`);
  const auth = await next(0);
  let id = 0;
  return {
    auth,
    async send(topic: string, payload: unknown): Promise<Record<string, unknown>> {
      id++;
      sock.write(`${JSON.stringify({ id, topic, payload })}\n`);
      return next(id);
    },
    close: () => sock.destroy(),
  };
}

/** Every reading in the bundles received so far, de-duplicated by (dev, seq). */
export function cloudReadings(cloud: CloudWatcher): DecodedReading[] {
  const seen = new Map<number, DecodedReading>();
  for (const m of cloud.inbox) {
    if (!m.topic.endsWith('/up/t')) continue;
    const b = decodeBundle(m.bytes);
    if (!b.ok) throw new Error(`bad bundle at the broker: ${b.reason}`);
    for (const r of b.value.readings) seen.set(r.seq, r);
  }
  return [...seen.values()].sort((a, b) => a.seq - b.seq);
}

/** Waits until the cloud holds readings matching `ok`. */
export async function waitForReadings(
  cloud: CloudWatcher,
  ok: (rs: DecodedReading[]) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<DecodedReading[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rs = cloudReadings(cloud);
    if (ok(rs)) return rs;
    if (Date.now() > deadline) throw new Error(`cloud never saw ${what}; it has ${rs.length} readings`);
    await cloud.waitFor(() => true, 'any', 1).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
  }
}
