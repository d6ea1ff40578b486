/**
 * Shared set-up for the MQTT listener tests: a listener on 127.0.0.1 port 0 over a FakeGate, real
 * mqtt.js clients, and teardown of everything even when a test fails.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { type Listener, type ListenerLimits, startListener } from '../../../agent/proxies/index.js';
import { silentLogger } from '../../../modem/log.js';
import { deadline, FakeGate, portOf } from './fake-gate.js';
import { RawMqtt } from './raw-mqtt.js';

export interface Rig {
  readonly gate: FakeGate;
  readonly listener: Listener;
  readonly port: number;
  client(opts?: IClientOptions): Promise<MqttClient>;
  raw(opts?: { localAddress?: string; protocolVersion?: 4 | 5 }): RawMqtt;
}

/** Runs `fn` against a fresh listener; closes clients and the listener afterwards, pass or fail. */
export async function withMqtt(
  limits: Partial<ListenerLimits>,
  fn: (rig: Rig) => Promise<void>,
  gate: FakeGate = new FakeGate(),
): Promise<void> {
  const listener = await startListener(
    { kind: 'mqtt', address: '127.0.0.1', port: 0 },
    limits,
    gate,
    silentLogger(),
  );
  const port = portOf(listener.address());
  const clients: MqttClient[] = [];
  const raws: RawMqtt[] = [];
  const rig: Rig = {
    gate,
    listener,
    port,
    async client(opts = {}) {
      const c = mqtt.connect({
        host: '127.0.0.1',
        port,
        protocolVersion: 4,
        username: 's1',
        password: 'secret-1',
        reconnectPeriod: 0,
        connectTimeout: 5000,
        ...opts,
      });
      clients.push(c);
      c.on('error', () => undefined); // tests that expect a refusal look at the connack or the close
      await deadline(
        new Promise<void>((resolve, reject) => {
          c.once('connect', () => resolve());
          c.once('error', reject);
        }),
        'mqtt.js connect',
      );
      return c;
    },
    raw(opts = {}) {
      const r = new RawMqtt(port, opts);
      raws.push(r);
      return r;
    },
  };
  try {
    await fn(rig);
  } finally {
    for (const c of clients) c.end(true);
    for (const r of raws) r.destroy();
    await deadline(listener.close(), 'listener close');
  }
}

/** Publishes at QoS 1 and resolves with the error (or null) mqtt.js reports for it. */
export function publish1(c: MqttClient, topic: string, payload: string | Buffer): Promise<Error | null> {
  return new Promise((resolve) => {
    c.publish(topic, payload, { qos: 1 }, (err) => resolve(err ?? null));
  });
}

/**
 * Publishes `n` readings at QoS 1 with at most `window` unacknowledged, and resolves with how many
 * were acknowledged without error.
 */
export async function publishMany(
  c: MqttClient,
  n: number,
  window = 10,
  topic = 'readings/env',
): Promise<number> {
  let acked = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      const err = await publish1(c, topic, `reading-${i}`);
      if (err === null) acked++;
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  return acked;
}
