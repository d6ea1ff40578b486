/**
 * Every way the real broker (or the TLS in front of it) can refuse the uplink, each classified from
 * the TLS error code: a broker certificate from another CA, a host name not in the certificate (by
 * serverName, and by connecting to 127.0.0.2 through a TCP relay), an expired device certificate and
 * one from another CA (the broker refuses, the uplink reports why), a TLS 1.1-only broker, and no
 * broker at all. In each case the process does not crash, the back-off goes on (its caps double), and
 * stop() ends it cleanly.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createUplink } from '../../agent/uplink/uplink-client.js';
import type { AttemptRecord } from '../../agent/uplink/uplink-types.js';
import { silentLogger } from '../../modem/log.js';
import { uplinkConfig, waitRecords } from '../../test/agent/uplink/uplink-rig.js';
import {
  freePort,
  MOSQUITTO_PATH,
  type MosquittoBroker,
  type MosquittoOptions,
  startMosquitto,
} from '../broker/index.js';
import { type LabPki, makeLabPki } from '../pki/index.js';

/** Bound on every wait for uplink records, in ms. */
const DEADLINE_MS = 10_000;
/** Failed attempts each case waits for: enough to see the back-off double twice. */
const FAILURES = 3;
const DEVICE = 'gw-0001';
const canRun = existsSync(MOSQUITTO_PATH);
const t = canRun ? test : test.skip;
if (!canRun) console.log('uplink-refusals: skipped: needs mosquitto (apt-get install mosquitto)');

let tmp = '';
let pki: LabPki | null = null;
const brokers: MosquittoBroker[] = [];

test.before(async () => {
  if (!canRun) return;
  tmp = await mkdtemp(join(tmpdir(), 'ztgw-refusals-'));
  pki = await makeLabPki(join(tmp, 'pki'), { deviceIds: [DEVICE] });
});

test.after(async () => {
  for (const b of brokers) await b.stop();
  if (tmp !== '') await rm(tmp, { recursive: true, force: true });
});

function lab(): LabPki {
  if (pki === null) throw new Error('rig not started');
  return pki;
}

async function broker(name: string, opts: Partial<MosquittoOptions> = {}): Promise<MosquittoBroker> {
  const b = await startMosquitto({ dir: join(tmp, name), pki: lab(), ...opts });
  brokers.push(b);
  return b;
}

interface Case {
  readonly device?: { deviceId: string; certFile: string; keyFile: string };
  readonly urls: readonly string[];
  readonly over?: Record<string, string | number | boolean>;
  /** Caps of the first three attempts; default [0, 20, 40] (one broker, backoffBaseMs 20). */
  readonly caps?: readonly number[];
}

/**
 * Runs the uplink until FAILURES attempts have failed and returns them; asserts the loop is alive
 * (backing off or connecting, never connected) and that stop() ends it.
 */
async function failures(c: Case): Promise<readonly AttemptRecord[]> {
  const p = lab();
  const dev = c.device ?? p.devices[DEVICE];
  if (dev === undefined) throw new Error('no lab device');
  const up = createUplink({
    deviceId: dev.deviceId,
    config: uplinkConfig(dev, p.caFile, c.urls, c.over),
    log: silentLogger(),
  });
  await up.start(new AbortController().signal);
  try {
    const rs = await waitRecords(
      up,
      `${FAILURES} failures`,
      (r) => r.filter((x) => x.outcome === 'failed').length >= FAILURES,
      DEADLINE_MS,
    );
    assert.not.ok(
      rs.some((r) => r.outcome === 'connected'),
      'never connected',
    );
    const st = up.status();
    assert.ok(['backoff', 'connecting'].includes(st.state), `still trying: ${st.state}`);
    assert.ok(st.attempts >= FAILURES);
    const failed = rs.filter((x) => x.outcome === 'failed');
    // The back-off goes on: first attempt at once, then the caps double (backoffBaseMs 20 in the rig).
    assert.equal(
      failed.slice(0, 3).map((x) => x.capMs),
      c.caps ?? [0, 20, 40],
    );
    for (const f of failed) assert.ok(f.delayBeforeMs <= f.capMs);
    assert.equal(st.lastError?.code, failed.at(-1)?.code);
    return failed;
  } finally {
    await up.stop();
    assert.is(up.status().state, 'stopped');
  }
}

const summary = (rs: readonly AttemptRecord[]) => [...new Set(rs.map((r) => `${r.code} ${r.reason}`))];

t('a broker certificate from another CA → UPLINK_TLS wrong-ca, naming the configured CA', async () => {
  const b = await broker('other-ca', { serverCert: 'other-ca' });
  const rs = await failures({ urls: [b.url] });
  assert.equal(summary(rs), ['UPLINK_TLS wrong-ca']);
  assert.is(
    rs[0]?.message,
    `${b.url}: the broker's certificate is not issued by the configured CA ${lab().caFile} [UNABLE_TO_VERIFY_LEAF_SIGNATURE]`,
  );
});

t('a name not in the broker certificate (serverName) → UPLINK_TLS host-mismatch', async () => {
  const b = await broker('good');
  const url = `mqtts://127.0.0.1:${b.port}`;
  const rs = await failures({ urls: [url], over: { serverName: 'broker.invalid' } });
  assert.equal(summary(rs), ['UPLINK_TLS host-mismatch']);
  assert.is(
    rs[0]?.message,
    `${url}: the broker's certificate does not name broker.invalid [ERR_TLS_CERT_ALTNAME_INVALID]`,
  );
});

/** A TCP relay from 127.0.0.2 to the broker: the certificate names 127.0.0.1, not 127.0.0.2. */
async function relay(toPort: number): Promise<{ server: Server; port: number }> {
  const port = await freePort('127.0.0.2');
  const server = createServer((c) => {
    const up = createConnection(toPort, '127.0.0.1');
    c.pipe(up).pipe(c);
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(port, '127.0.0.2', () => res());
  });
  return { server, port };
}

t('connecting to 127.0.0.2, an address not in the certificate → UPLINK_TLS host-mismatch', async () => {
  const b =
    brokers.find((x) => x.tlsVersion === null && x.servedCaFile === lab().caFile) ?? (await broker('good-2'));
  const r = await relay(b.port);
  try {
    const url = `mqtts://127.0.0.2:${r.port}`;
    const rs = await failures({ urls: [url] });
    assert.equal(summary(rs), ['UPLINK_TLS host-mismatch']);
    assert.is(
      rs[0]?.message,
      `${url}: the broker's certificate does not name 127.0.0.2 [ERR_TLS_CERT_ALTNAME_INVALID]`,
    );
  } finally {
    await new Promise<void>((res) => {
      r.server.close(() => res());
      r.server.unref();
    });
  }
});

t('an expired device certificate: the broker refuses it, the uplink says so', async () => {
  const b =
    brokers.find((x) => x.tlsVersion === null && x.servedCaFile === lab().caFile) ?? (await broker('good-3'));
  const rs = await failures({ device: lab().expiredDevice, urls: [b.url] });
  assert.equal(summary(rs), ['UPLINK_TLS client-cert-expired']);
  assert.is(
    rs[0]?.message,
    `${b.url}: the broker says the device certificate has expired [ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED]`,
  );
});

t('a device certificate from another CA: the broker refuses it, the uplink says so', async () => {
  const b =
    brokers.find((x) => x.tlsVersion === null && x.servedCaFile === lab().caFile) ?? (await broker('good-4'));
  const rs = await failures({ device: lab().rogueDevice, urls: [b.url] });
  assert.equal(summary(rs), ['UPLINK_TLS client-cert-unknown-ca']);
});

t('a TLS 1.1-only broker → UPLINK_TLS protocol-version', async () => {
  const b = await broker('tls11', { tlsVersion: 'tlsv1.1' });
  const rs = await failures({ urls: [b.url] });
  assert.equal(summary(rs), ['UPLINK_TLS protocol-version']);
  assert.is(
    rs[0]?.message,
    `${b.url}: no TLS version in common with the broker (ztgw offers TLSv1.2 and later) [ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION]`,
  );
});

t('nothing listening → UPLINK_CONNECT connection-refused; failover tries every broker in order', async () => {
  const [p1, p2] = [await freePort(), await freePort()];
  const urls = [`mqtts://127.0.0.1:${p1}`, `mqtts://127.0.0.1:${p2}`];
  // Two brokers: the cap doubles once per round over both.
  const rs = await failures({ urls, caps: [0, 20, 20] });
  assert.equal(summary(rs), ['UPLINK_CONNECT connection-refused']);
  assert.equal(
    rs.slice(0, 3).map((r) => r.broker),
    [urls[0], urls[1], urls[0]],
  );
});

test.run();
