/**
 * What the broker-outage scenarios measure with: a fleet of MQTT sensors publishing QoS 1 at a
 * steady rate (each reading numbered per sensor, each PUBACK numbered in the order it came), a cloud
 * subscriber on `ztgw/+/up/#` that keeps arrival order and time, and samplers of the agent's RSS
 * (/proc/<pid>/status VmRSS) and of its status over the control socket.
 */
import { readFile } from 'node:fs/promises';
import { connect, type MqttClient } from 'mqtt';
import { decodeAuditBatch } from '../../agent/audit/index.js';
import { decodeRecord } from '../../agent/audit/record.js';
import { decodeBundle } from '../../agent/bundle/bundle.js';
import { requestControl } from '../../agent/control/control-server.js';
import type { JsonValue } from '../../modem/errors.js';
import { parseStatusKiB } from '../bench/data-path/proc-stats.js';
import type { MosquittoBroker } from '../broker/index.js';
import type { LabPki } from '../pki/index.js';
import { at } from './cloud-kit.js';
import { type LabSensor, mqttSensor } from './data-path-kit.js';

/** One reading the agent acknowledged: `ackIdx` is its place among all PUBACKs, 1-based. */
export interface Acked {
  readonly sensor: string;
  readonly seq: number;
  readonly ackIdx: number;
  readonly ackAtMs: number;
}

/** Sensors publishing `{"seq":n,"pad":"…"}` every `1000 / ratePerS` ms each, QoS 1. */
export class SensorFleet {
  readonly acked = new Map<string, Acked>();
  failures = 0;
  private ackCount = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly clients: MqttClient[] = [];

  constructor(
    private readonly sensors: readonly LabSensor[],
    private readonly ratePerS: number,
    private readonly padBytes: number,
  ) {}

  async start(port: number): Promise<void> {
    for (const s of this.sensors) this.clients.push(await mqttSensor(port, s));
    const pad = 'x'.repeat(this.padBytes);
    this.clients.forEach((c, i) => {
      const sensor = this.sensors[i]?.id ?? '?';
      let seq = 0;
      this.timers.push(
        setInterval(() => {
          const n = ++seq;
          c.publish('readings/env', JSON.stringify({ seq: n, pad }), { qos: 1 }, (err, packet) => {
            const rc = packet !== undefined && 'reasonCode' in packet ? (packet.reasonCode ?? 0) : 0;
            if (err || rc !== 0) {
              this.failures++;
              return;
            }
            this.acked.set(`${sensor}/${n}`, {
              sensor,
              seq: n,
              ackIdx: ++this.ackCount,
              ackAtMs: Date.now(),
            });
          });
        }, 1000 / this.ratePerS),
      );
    });
  }

  /** PUBACKs received in [fromMs, toMs). */
  ackedBetween(fromMs: number, toMs: number): number {
    let n = 0;
    for (const a of this.acked.values()) if (a.ackAtMs >= fromMs && a.ackAtMs < toMs) n++;
    return n;
  }

  stop(): void {
    for (const t of this.timers.splice(0)) clearInterval(t);
  }

  close(): void {
    this.stop();
    for (const c of this.clients.splice(0)) c.end(true);
  }
}

export interface Arrival {
  readonly topic: string;
  readonly bytes: Buffer;
  readonly atMs: number;
}

/** A reading at the cloud, first arrival only (de-duplicated by device and journal seq). */
export interface CloudReading {
  readonly sensor: string;
  readonly seq: number;
  readonly journalSeq: number;
  readonly atMs: number;
}

/** The operator's subscriber on `ztgw/+/up/#`, every message kept in arrival order with its time. */
export async function recordCloud(broker: MosquittoBroker, pki: LabPki) {
  const arrivals: Arrival[] = [];
  const client = connect(broker.url, {
    protocolVersion: 5,
    // A persistent session (with a broker started isPersistent): nothing published while this
    // client reconnects is lost to it.
    clientId: `ops-cloud-outage-${process.pid}`,
    clean: false,
    properties: { sessionExpiryInterval: 3600 },
    reconnectPeriod: 50,
    connectTimeout: 5000,
    ca: await readFile(pki.caFile),
    cert: await readFile(pki.opsCloud.certFile),
    key: await readFile(pki.opsCloud.keyFile),
  });
  client.on('message', (topic, bytes) => arrivals.push({ topic, bytes, atMs: Date.now() }));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('ops-cloud could not connect')), 10_000);
    client.once('connect', () =>
      client.subscribe('ztgw/+/up/#', { qos: 1 }, (err) => {
        clearTimeout(t);
        if (err) reject(err);
        else resolve();
      }),
    );
  });
  const seen = new Map<string, CloudReading>();
  const ordered: CloudReading[] = [];
  let decoded = 0;
  /** Decodes what arrived since the last call; readings in first-arrival order. */
  const readings = (): readonly CloudReading[] => {
    for (; decoded < arrivals.length; decoded++) {
      const m = arrivals[decoded];
      if (m === undefined || !m.topic.endsWith('/up/t')) continue;
      const b = decodeBundle(m.bytes);
      if (!b.ok) throw new Error(`bad bundle at the broker: ${b.reason}`);
      for (const r of b.value.readings) {
        const key = `${b.value.deviceId}/${r.seq}`;
        if (seen.has(key)) continue;
        const body = r.body.kind === 'json' ? r.body.value : null;
        const seq =
          typeof body === 'object' && body !== null && !Array.isArray(body) ? Number(body['seq']) : -1;
        const c = { sensor: r.sensor, seq, journalSeq: r.seq, atMs: m.atMs };
        seen.set(key, c);
        ordered.push(c);
      }
    }
    return ordered;
  };
  return {
    arrivals,
    readings,
    close: () => new Promise<void>((resolve) => client.end(true, {}, () => resolve())),
  };
}

/** The audit events (`ev` names) in one `up/audit` message; [] for any other topic. */
export function auditEvents(m: Arrival): string[] {
  if (!m.topic.endsWith('/up/audit')) return [];
  const b = decodeAuditBatch(m.bytes);
  if (!b.ok) throw new Error(`bad audit batch: ${b.reason}`);
  return b.value.records.map((r) => {
    const d = decodeRecord(r);
    if (!d.ok) throw new Error(`bad audit record: ${d.reason}`);
    return d.value.ev;
  });
}

/** VmRSS of a process, in KiB. */
async function rssKiB(pid: number): Promise<number> {
  const r = parseStatusKiB(await readFile(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
  if (!r.ok) throw new Error(`/proc/${pid}/status: ${r.reason}`);
  return r.value;
}

export interface Sample {
  readonly atMs: number;
  readonly rssKiB: number;
  /** dataPath.journal of the status, or null when the control socket did not answer. */
  readonly journal: JsonValue | null;
}

/** Samples RSS and the journal every `everyMs` until stopped. */
export function sampleAgent(pid: number, socket: string, everyMs: number) {
  const samples: Sample[] = [];
  let isStopped = false;
  const loop = (async () => {
    while (!isStopped) {
      const atMs = Date.now();
      const rss = await rssKiB(pid);
      const st = await requestControl(socket, 'status').catch(() => null);
      const journal = at(st ?? undefined, 'dataPath', 'journal') ?? null;
      samples.push({ atMs, rssKiB: rss, journal });
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (Date.now() - atMs))));
    }
  })();
  return {
    samples,
    /** The sample nearest `atMs`. */
    near(atMs: number): Sample {
      let best = samples[0];
      for (const s of samples) if (Math.abs(s.atMs - atMs) < Math.abs((best?.atMs ?? 0) - atMs)) best = s;
      if (best === undefined) throw new Error('no samples');
      return best;
    },
    async stop(): Promise<void> {
      isStopped = true;
      await loop;
    },
  };
}
