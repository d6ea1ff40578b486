/**
 * A broker that stalls instead of closing (the process stopped with SIGSTOP: the kernel keeps the
 * TCP connection and even accepts new ones, but nothing answers). The uplink notices through its
 * own bounds, each a classified reason: the missed PINGRESP (`keepalive-timeout`), the missed PUBACK
 * (`ack-timeout`), the handshake that never finishes (`handshake-timeout`); and it reconnects once
 * the broker runs again (SIGCONT). Keep-alive and timeouts are set far below the config's minimums
 * so that the scenario takes seconds.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { UplinkConfig } from '../../agent/config/types.js';
import { createUplink } from '../../agent/uplink/uplink-client.js';
import { hasCode, isZtgwError } from '../../modem/errors.js';
import { silentLogger } from '../../modem/log.js';
import { uplinkConfig, waitRecords } from '../../test/agent/uplink/uplink-rig.js';
import { MOSQUITTO_PATH, type MosquittoBroker, startMosquitto } from '../broker/index.js';
import { type LabPki, makeLabPki } from '../pki/index.js';

/** Bound on every wait for uplink records, in ms. */
const DEADLINE_MS = 10_000;
const DEVICE = 'gw-0001';
const canRun = existsSync(MOSQUITTO_PATH);
const t = canRun ? test : test.skip;
if (!canRun) console.log('uplink-stall: skipped: needs mosquitto (apt-get install mosquitto)');

let tmp = '';
let pki: LabPki | null = null;
let broker: MosquittoBroker | null = null;

test.before(async () => {
  if (!canRun) return;
  tmp = await mkdtemp(join(tmpdir(), 'ztgw-stall-'));
  pki = await makeLabPki(join(tmp, 'pki'), { deviceIds: [DEVICE] });
  broker = await startMosquitto({ dir: join(tmp, 'broker'), pki });
});

test.after(async () => {
  resume();
  await broker?.stop();
  if (tmp !== '') await rm(tmp, { recursive: true, force: true });
});

function rig(): { pki: LabPki; broker: MosquittoBroker } {
  if (pki === null || broker === null) throw new Error('rig not started');
  return { pki, broker };
}

function freeze(): void {
  const pid = rig().broker.pid;
  if (pid === null) throw new Error('broker not running');
  process.kill(pid, 'SIGSTOP');
}

function resume(): void {
  const pid = broker?.pid ?? null;
  if (pid !== null) process.kill(pid, 'SIGCONT');
}

function config(over: Partial<UplinkConfig>): UplinkConfig {
  const { pki: p, broker: b } = rig();
  const dev = p.devices[DEVICE];
  if (dev === undefined) throw new Error('no lab device');
  return { ...uplinkConfig(dev, p.caFile, [b.url]), ...over };
}

t(
  'a stalled broker: keepalive-timeout, then handshake-timeout while it stays stalled, then back',
  async () => {
    const up = createUplink({
      deviceId: DEVICE,
      config: config({ keepaliveS: 1, connectTimeoutMs: 400, publishTimeoutMs: 60_000 }),
      log: silentLogger(),
    });
    await up.start(new AbortController().signal);
    try {
      await waitRecords(up, 'connected', (rs) => rs.some((r) => r.outcome === 'connected'), DEADLINE_MS);
      freeze();
      const rs = await waitRecords(
        up,
        'two handshake timeouts',
        (r) => r.filter((x) => x.reason === 'handshake-timeout').length >= 2,
        DEADLINE_MS,
      );
      const closed = rs.find((r) => r.outcome === 'closed');
      assert.equal([closed?.code, closed?.reason], ['UPLINK_CLOSED', 'keepalive-timeout']);
      const timeouts = rs.filter((r) => r.outcome === 'failed');
      assert.ok(
        timeouts.every((r) => r.code === 'UPLINK_TLS' && r.reason === 'handshake-timeout'),
        JSON.stringify(timeouts),
      );
      resume();
      await waitRecords(
        up,
        'reconnected',
        (r) => r.filter((x) => x.outcome === 'connected').length >= 2,
        DEADLINE_MS,
      );
      assert.is(up.status().state, 'connected');
    } finally {
      resume();
      await up.stop();
    }
  },
);

t('a missed PUBACK drops the session (ack-timeout) and the publish says so', async () => {
  const up = createUplink({
    deviceId: DEVICE,
    config: config({ keepaliveS: 60, connectTimeoutMs: 400, publishTimeoutMs: 300 }),
    log: silentLogger(),
  });
  await up.start(new AbortController().signal);
  try {
    await waitRecords(up, 'connected', (rs) => rs.some((r) => r.outcome === 'connected'), DEADLINE_MS);
    // Wait for the session setup (online, state) to be acknowledged before freezing the broker.
    await up.publish(`ztgw/${DEVICE}/up/t`, 'before');
    freeze();
    const err = await up.publish(`ztgw/${DEVICE}/up/t`, 'lost?').catch((e: unknown) => e);
    assert.ok(hasCode(err, 'UPLINK_CLOSED'), String(err));
    if (isZtgwError(err)) assert.is(err.details['reason'], 'ack-timeout');
    const rs = await waitRecords(up, 'closed', (r) => r.some((x) => x.outcome === 'closed'), DEADLINE_MS);
    const closed = rs.find((r) => r.outcome === 'closed');
    assert.equal([closed?.code, closed?.reason], ['UPLINK_CLOSED', 'ack-timeout']);
    resume();
    await waitRecords(
      up,
      'reconnected',
      (r) => r.filter((x) => x.outcome === 'connected').length >= 2,
      DEADLINE_MS,
    );
  } finally {
    resume();
    await up.stop();
  }
});

test.run();
