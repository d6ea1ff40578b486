/**
 * The uplink against a real mosquitto with mTLS (hil/broker) and the lab PKI (hil/pki): it connects
 * with the device certificate, its retained `online` status and state document reach the cloud
 * subscriber (`mosquitto_sub` with the ops-cloud certificate, in its own process), a changed state
 * is republished, reconnect() replaces the session without the will, stop() leaves `offline`
 * retained, and when the agent process is SIGKILLed the broker delivers the last will `offline`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createUplink } from '../../agent/uplink/uplink-client.js';
import { silentLogger } from '../../modem/log.js';
import {
  CloudSubscriber,
  hasMosquittoSub,
  ownSocketsTo,
  uplinkConfig,
  waitRecords,
} from '../../test/agent/uplink/uplink-rig.js';
import { MOSQUITTO_PATH, type MosquittoBroker, startMosquitto } from '../broker/index.js';
import { type LabPki, makeLabPki } from '../pki/index.js';

/** Bound on every wait for a broker or uplink event, in ms. */
const DEADLINE_MS = 10_000;
const DEVICE = 'gw-0001';
const STATUS = `ztgw/${DEVICE}/up/status`;
const STATE = `ztgw/${DEVICE}/up/state`;
const canRun = existsSync(MOSQUITTO_PATH) && hasMosquittoSub;
const t = canRun ? test : test.skip;
if (!canRun)
  console.log(
    'uplink-connect: skipped: needs mosquitto and mosquitto_sub (apt-get install mosquitto mosquitto-clients)',
  );

let tmp = '';
let pki: LabPki | null = null;
let broker: MosquittoBroker | null = null;

test.before(async () => {
  if (!canRun) return;
  tmp = await mkdtemp(join(tmpdir(), 'ztgw-uplink-'));
  pki = await makeLabPki(join(tmp, 'pki'), { deviceIds: [DEVICE] });
  broker = await startMosquitto({ dir: join(tmp, 'broker'), pki });
});

test.after(async () => {
  await broker?.stop();
  if (tmp !== '') await rm(tmp, { recursive: true, force: true });
});

function rig(): { pki: LabPki; broker: MosquittoBroker } {
  if (pki === null || broker === null) throw new Error('rig not started');
  return { pki, broker };
}

function subscriber(): CloudSubscriber {
  const { pki: p, broker: b } = rig();
  return new CloudSubscriber({ port: b.port, caFile: p.caFile, ...p.opsCloud, topic: `ztgw/${DEVICE}/up/#` });
}

function device() {
  const d = rig().pki.devices[DEVICE];
  if (d === undefined) throw new Error('no lab device');
  return d;
}

t('connects with mTLS; online and the state document are retained for the cloud subscriber', async () => {
  const { pki: p, broker: b } = rig();
  const up = createUplink({
    deviceId: DEVICE,
    config: uplinkConfig(device(), p.caFile, [b.url]),
    log: silentLogger(),
  });
  await up.publishState({ v: 1, agent: 'ztgw', exposure: { isExposed: false } });
  await up.start(new AbortController().signal);
  let sub: CloudSubscriber | null = null;
  try {
    const [first] = await waitRecords(
      up,
      'connected attempt',
      (rs) => rs.some((r) => r.outcome === 'connected'),
      DEADLINE_MS,
    );
    assert.is(first?.outcome, 'connected');
    assert.is(first?.broker, b.url);
    assert.is(up.status().state, 'connected');
    assert.is(ownSocketsTo(b.port), 1, 'one socket to the broker');
    // Subscribing after the fact: what arrives is what the broker retained.
    sub = subscriber();
    const online = await sub.waitFor('retained online', (m) => m.topic === STATUS, DEADLINE_MS);
    assert.equal(online, { isRetained: true, topic: STATUS, payload: 'online' });
    const state = await sub.waitFor('retained state', (m) => m.topic === STATE, DEADLINE_MS);
    assert.is(state.isRetained, true);
    assert.equal(JSON.parse(state.payload), { v: 1, agent: 'ztgw', exposure: { isExposed: false } });

    await up.publishState({ v: 1, agent: 'ztgw', exposure: { isExposed: true } });
    const changed = await sub.waitFor(
      'changed state',
      (m) => m.topic === STATE && !m.isRetained,
      DEADLINE_MS,
    );
    assert.equal(JSON.parse(changed.payload), { v: 1, agent: 'ztgw', exposure: { isExposed: true } });

    // reconnect(): a clean DISCONNECT, so no will; the next thing the subscriber sees is `online`.
    const beforeReconnect = sub.messages.length;
    await up.reconnect('test: replace the session');
    const again = await sub.waitFor(
      'online after reconnect',
      (m) => m.topic === STATUS,
      DEADLINE_MS,
      beforeReconnect,
    );
    assert.equal(again, { isRetained: false, topic: STATUS, payload: 'online' }, 'no offline came first');
    assert.equal(
      up.attempts().map((r) => [r.outcome, r.reason]),
      [
        ['connected', 'ok'],
        ['closed', 'reconnect'],
        ['connected', 'ok'],
      ],
    );

    await up.publish(`ztgw/${DEVICE}/up/t`, 'reading-1');
    const reading = await sub.waitFor('telemetry', (m) => m.topic === `ztgw/${DEVICE}/up/t`, DEADLINE_MS);
    assert.is(reading.payload, 'reading-1');

    await up.stop();
    const offline = await sub.waitFor(
      'offline on stop',
      (m) => m.topic === STATUS && m.payload === 'offline',
      DEADLINE_MS,
    );
    assert.is(offline.isRetained, false, 'a live subscriber gets it as a live message');
    assert.is(up.status().state, 'stopped');
    assert.is(ownSocketsTo(b.port), 0, 'the uplink socket is closed (the subscriber is another process)');
  } finally {
    await up.stop();
    await sub?.stop();
  }
});

/** The uplink in a child process, so that SIGKILL tears its socket down the way a crash does. */
function spawnAgent(config: unknown): {
  child: ChildProcess;
  lines: string[];
  waitLine: (re: RegExp) => Promise<string>;
} {
  const root = resolve(__dirname, '..', '..');
  const code = `
    const { createUplink } = require(${JSON.stringify(join(root, 'agent/uplink/uplink-client.ts'))});
    const { silentLogger } = require(${JSON.stringify(join(root, 'modem/log.ts'))});
    const cfg = JSON.parse(process.env.ZTGW_TEST_UPLINK);
    const up = createUplink({ deviceId: cfg.deviceId, config: cfg.uplink, log: silentLogger() });
    up.onStatus((s) => process.stdout.write(JSON.stringify({ state: s.state }) + '\\n'));
    up.publishState({ v: 1, agent: 'child' }).then(() => up.start(new AbortController().signal));
  `;
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', code], {
    cwd: root,
    env: { ...process.env, ZTGW_TEST_UPLINK: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const watchers = new Set<() => void>();
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => {
    lines.push(
      ...b
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== ''),
    );
    for (const w of [...watchers]) w();
  });
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString('utf8');
  });
  const waitLine = (re: RegExp): Promise<string> =>
    new Promise((res, rej) => {
      const check = (): void => {
        const hit = lines.find((l) => re.test(l));
        if (hit === undefined) return;
        clearTimeout(timer);
        watchers.delete(check);
        res(hit);
      };
      const timer = setTimeout(() => {
        watchers.delete(check);
        rej(new Error(`agent printed no ${re} within ${DEADLINE_MS} ms: ${lines.join(' | ')} ${stderr}`));
      }, DEADLINE_MS);
      watchers.add(check);
      check();
    });
  return { child, lines, waitLine };
}

t('the last will: SIGKILL the agent process and the broker publishes offline, retained', async () => {
  const { pki: p, broker: b } = rig();
  const agent = spawnAgent({ deviceId: DEVICE, uplink: uplinkConfig(device(), p.caFile, [b.url]) });
  const sub = subscriber();
  let late: CloudSubscriber | null = null;
  try {
    await agent.waitLine(/"state":"connected"/);
    // Wait for the agent's own `online` (live, as the subscriber was there first), then kill it.
    await sub.waitFor(
      'online from the agent',
      (m) => m.topic === STATUS && m.payload === 'online' && !m.isRetained,
      DEADLINE_MS,
    );
    const exited = new Promise<NodeJS.Signals | null>((res) =>
      agent.child.once('exit', (_c, sig) => res(sig)),
    );
    const beforeKill = sub.messages.length;
    agent.child.kill('SIGKILL');
    assert.is(await exited, 'SIGKILL');
    const isOffline = (m: { topic: string; payload: string }) =>
      m.topic === STATUS && m.payload === 'offline';
    const will = await sub.waitFor('the will', isOffline, DEADLINE_MS, beforeKill);
    assert.equal(will, { isRetained: false, topic: STATUS, payload: 'offline' });
    // A subscriber that comes later finds it retained.
    late = subscriber();
    const retained = await late.waitFor('retained offline', (m) => m.topic === STATUS, DEADLINE_MS);
    assert.equal(retained, { isRetained: true, topic: STATUS, payload: 'offline' });
    const log = await b.logText();
    assert.match(
      log,
      new RegExp(`New client connected from \\S+ as ${DEVICE} \\(p2, c1, k45, u'${DEVICE}'\\)`),
    );
  } finally {
    if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
    await sub.stop();
    await late?.stop();
  }
});

test.run();
