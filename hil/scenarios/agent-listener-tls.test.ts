/**
 * The MQTT listener over TLS with client certificates, in a running agent. The listener's
 * certificate and the sensors' ones are made by the project's own CA code (the lab CA of
 * makeLabPki; sensor certificates through a CSR and `signCsr`, what `ztgw ops ca sign` runs):
 *
 *   listener A: tls.requireClientCert, auth "secret"  → the certificate AND the password
 *   listener B: tls.requireClientCert, auth "cert"    → the certificate alone
 *
 * A right certificate connects and its reading reaches the cloud; no certificate, a certificate for
 * another sensor id and one from another CA are refused with CONNACK "not authorized", and each
 * refusal is a `sensor.auth-failed` audit record naming its cause. Limits from agent.json reach the
 * listener too (maxConnections 4 here).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCsr, ensureDeviceKey, issueServerCert, signCsr } from '../../agent/identity/index.js';
import { writeFileDurable } from '../../agent/store/durable-file.js';
import type { JsonValue } from '../../modem/errors.js';
import { freePort } from '../broker/index.js';
import { labBinding } from '../pki/index.js';
import {
  type AgentRun,
  type AuditTailLine,
  at,
  auditTail,
  labRig,
  startAgent,
  watchCloud,
} from './cloud-kit.js';
import {
  cloudReadings,
  type LabSensor,
  publishQos1,
  sensorsConfig,
  waitForReadings,
} from './data-path-kit.js';
import { hilEnv, withSim, withTempDir } from './kit.js';

const env = hilEnv();
const S1: LabSensor = { id: 's1', secret: 'secret-of-s1' };
const S2: LabSensor = { id: 's2', secret: 'secret-of-s2' };

interface Pair {
  readonly key: Buffer;
  readonly cert: Buffer;
}

/** A client certificate with subject CN `cn`, signed by the CA in `caDir` from a CSR. */
async function sensorCert(caDir: string, dir: string, cn: string, n: number): Promise<Pair> {
  const keysDir = join(dir, cn);
  const { privateKey } = await ensureDeviceKey(keysDir);
  const certPem = await signCsr(caDir, createCsr({ deviceId: cn, ...labBinding(n) }, privateKey), {
    validityDays: 2,
  });
  return {
    key: Buffer.from(String(privateKey.export({ type: 'pkcs8', format: 'pem' }))),
    cert: Buffer.from(certPem),
  };
}

/** Connects over TLS; resolves to the client, or to the CONNACK refusal / error message. */
function tlsSensor(
  port: number,
  ca: Buffer,
  pair: Pair | null,
  login: { username?: string; password?: string },
): Promise<{ ok: true; client: MqttClient } | { ok: false; why: string }> {
  const opts: IClientOptions = {
    ca,
    ...(pair === null ? {} : { key: pair.key, cert: pair.cert }),
    ...login,
    rejectUnauthorized: true,
    clientId: `t-${Math.random().toString(16).slice(2, 8)}`,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    protocolVersion: 5,
  };
  const client = connect(`mqtts://127.0.0.1:${port}`, opts);
  return new Promise((resolve) => {
    client.once('connect', () => resolve({ ok: true, client }));
    client.once('error', (err) => {
      client.end(true);
      resolve({ ok: false, why: err.message });
    });
    client.once('close', () => resolve({ ok: false, why: 'closed before CONNACK' }));
  });
}

/** `dataPath.listeners[i]` of a status. */
function listenerAt(st: Record<string, JsonValue>, i: number): JsonValue | undefined {
  const ls = at(st, 'dataPath', 'listeners');
  return Array.isArray(ls) ? ls[i] : undefined;
}

async function authFailures(dir: string): Promise<AuditTailLine[]> {
  return (await auditTail(dir)).filter((l) => l.ev === 'sensor.auth-failed');
}

test('TLS listener with client certificates: right cert in; none, another id, another CA refused and audited', async () => {
  if (env.realModemPath !== null) return;
  await withTempDir(async (dir) => {
    const { pki, broker, device } = await labRig(dir);
    const lanDir = join(dir, 'lan');
    await mkdir(lanDir, { recursive: true, mode: 0o700 });
    const server = await issueServerCert(pki.caDir, {
      commonName: 'gw-1 sensors',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      validityDays: 2,
    });
    const certFile = join(lanDir, 'listener.crt');
    const keyFile = join(lanDir, 'listener.key');
    await writeFileDurable(certFile, server.certPem, 0o644);
    await writeFileDurable(keyFile, server.keyPem, 0o600);
    const ca = await readFile(pki.caFile);
    const good = await sensorCert(pki.caDir, join(dir, 'sensors'), 's1', 1);
    const other = await sensorCert(pki.caDir, join(dir, 'sensors'), 's2', 2);
    const foreign = await sensorCert(pki.otherCaDir, join(dir, 'foreign'), 's1', 3);
    const cloud = await watchCloud(broker, pki, 'ztgw/gw-1/up/t');
    const portA = await freePort();
    const portB = await freePort();
    const tls = { certFile, keyFile, caFile: pki.caFile, requireClientCert: true };
    let agent: AgentRun | null = null;
    const clients: MqttClient[] = [];
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
            listeners: [
              { kind: 'mqtt', address: '127.0.0.1', port: portA, tls, limits: { maxConnections: 4 } },
              { kind: 'mqtt', address: '127.0.0.1', port: portB, tls, auth: 'cert' },
            ],
            sensors: await sensorsConfig([S1, S2], () => ({ publish: ['readings/#'] })),
            telemetry: { bundleMaxWaitMs: 50 },
          },
        });
        agent = a;
        await a.waitForStatus((s) => at(s, 'uplink', 'state') === 'connected', 'connected', 30_000);

        // Listener A: the right certificate and the password.
        const ok = await tlsSensor(portA, ca, good, { username: 's1', password: S1.secret });
        assert.ok(ok.ok, ok.ok ? '' : ok.why);
        if (!ok.ok) return;
        clients.push(ok.client);
        await publishQos1(ok.client, 'readings/env', '{"via":"tls-secret"}');
        // Listener B: the certificate alone, no username or password.
        const certOnly = await tlsSensor(portB, ca, good, {});
        assert.ok(certOnly.ok, certOnly.ok ? '' : certOnly.why);
        if (!certOnly.ok) return;
        clients.push(certOnly.client);
        await publishQos1(certOnly.client, 'readings/env', '{"via":"tls-cert"}');
        const rs = await waitForReadings(cloud, (r) => r.length >= 2, 'both TLS readings');
        assert.equal(
          rs.map((r) => [r.sensor, r.body.kind === 'json' ? JSON.stringify(r.body.value) : '']),
          [
            ['s1', '{"via":"tls-secret"}'],
            ['s1', '{"via":"tls-cert"}'],
          ],
        );

        // The refusals: CONNACK 0x87 (mqtt.js: "Connection refused: Not authorized").
        const refusals: [string, number, Pair | null, { username?: string; password?: string }][] = [
          ['no client certificate', portA, null, { username: 's1', password: S1.secret }],
          ['a certificate for s2 used as s1', portA, other, { username: 's1', password: S1.secret }],
          ['a certificate for s1 from another CA', portA, foreign, { username: 's1', password: S1.secret }],
          ['the right certificate, a wrong password', portA, good, { username: 's1', password: 'wrong' }],
          ['cert-only listener, no certificate', portB, null, { username: 's1' }],
          ['cert-only listener, another CA', portB, foreign, {}],
        ];
        for (const [what, port, pair, login] of refusals) {
          const r = await tlsSensor(port, ca, pair, login);
          if (r.ok) clients.push(r.client);
          assert.ok(!r.ok, `${what}: connected`);
          if (!r.ok) assert.match(r.why, /Not authorized/i, `${what}: ${r.why}`);
        }
        const failures = await authFailures(join(dir, 'a'));
        const reasons = failures.map((f) => `${f.subject} ${f.reason ?? ''}`);
        const expect = [
          /^sensor:s1 no client certificate on the mqtt listener$/,
          /^sensor:s1 client certificate is for "s2", not "s1" on the mqtt listener$/,
          /^sensor:s1 client certificate not issued by the listener's CA \([A-Z_]+\) on the mqtt listener$/,
          /^sensor:s1 bad credential on the mqtt listener$/,
          /^sensor:s1 no client certificate on the mqtt listener$/,
          /^sensor: client certificate not issued by the listener's CA \([A-Z_]+\) on the mqtt listener$/,
        ];
        assert.is(reasons.length, expect.length, reasons.join('\n'));
        expect.forEach((re, i) => {
          assert.match(reasons[i] ?? '', re);
        });
        const st = await a.status();
        assert.is(at(listenerAt(st, 0), 'authFailures'), 4);
        assert.is(at(listenerAt(st, 1), 'authFailures'), 2);
        assert.is(cloudReadings(cloud).length, 2, 'no refused sensor got a reading in');

        // maxConnections 4 from agent.json: with one session open on A, the fourth raw socket is
        // its fifth connection: refused at once.
        const { connect: tcp } = await import('node:net');
        const refusedBefore = Number(at(listenerAt(st, 0), 'refused') ?? 0);
        const socks = Array.from({ length: 4 }, () => tcp(portA, '127.0.0.1').on('error', () => undefined));
        await a.waitForStatus(
          (s) => Number(at(listenerAt(s, 0), 'refused') ?? 0) > refusedBefore,
          'a connection over maxConnections refused',
          10_000,
        );
        for (const s of socks) s.destroy();
      });
    } finally {
      for (const c of clients) c.end(true);
      await (agent as AgentRun | null)?.stop();
      await cloud.close();
      await broker.stop();
    }
  });
});

test.run();
