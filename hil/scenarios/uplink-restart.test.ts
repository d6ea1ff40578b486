/**
 * The uplink through 20 restarts of a real mosquitto (SIGTERM and SIGKILL in turn) and one longer
 * outage: it reconnects every time, it never holds two sockets (this process's sockets to the broker
 * port, read from /proc, and mosquitto's own log of the device's sessions), and the back-off between
 * failed attempts is jittered under caps that double. Everything is asserted on the attempt records,
 * never on how fast it went; small back-off settings keep the whole run in seconds.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createUplink } from '../../agent/uplink/uplink-client.js';
import type { AttemptRecord } from '../../agent/uplink/uplink-types.js';
import { silentLogger } from '../../modem/log.js';
import { seededRandom } from '../../test/agent/uplink/seeded-random.js';
import {
  ownSocketsTo,
  sessionsInLog,
  uplinkConfig,
  waitRecords,
} from '../../test/agent/uplink/uplink-rig.js';
import { MOSQUITTO_PATH, type MosquittoBroker, startMosquitto } from '../broker/index.js';
import { type LabPki, makeLabPki } from '../pki/index.js';

const RESTARTS = 20;
/** Consecutive failed attempts the outage lasts for. */
const OUTAGE_FAILURES = 6;
/** Bound on each wait for a reconnect or a failure, in ms. */
const DEADLINE_MS = 10_000;
/** How often this process's sockets to the broker are counted, in ms. */
const SAMPLE_EVERY_MS = 5;
const DEVICE = 'gw-0001';
const canRun = existsSync(MOSQUITTO_PATH);
const t = canRun ? test : test.skip;
if (!canRun) console.log('uplink-restart: skipped: needs mosquitto (apt-get install mosquitto)');

let tmp = '';
let pki: LabPki | null = null;
let broker: MosquittoBroker | null = null;

test.before(async () => {
  if (!canRun) return;
  tmp = await mkdtemp(join(tmpdir(), 'ztgw-restart-'));
  pki = await makeLabPki(join(tmp, 'pki'), { deviceIds: [DEVICE] });
  broker = await startMosquitto({ dir: join(tmp, 'broker'), pki });
});

test.after(async () => {
  await broker?.stop();
  if (tmp !== '') await rm(tmp, { recursive: true, force: true });
});

t(
  `${RESTARTS} broker restarts and an outage: reconnects each time, one socket at most, jittered doubling back-off`,
  async () => {
    if (pki === null || broker === null) throw new Error('rig not started');
    const b = broker;
    const dev = pki.devices[DEVICE];
    if (dev === undefined) throw new Error('no lab device');
    // stableAfterMs 0: every session counts as stable, so each outage starts the back-off from the base
    // and the outage below shows the whole doubling sequence 20, 40, … 640.
    const config = uplinkConfig(dev, pki.caFile, [b.url], {
      stableAfterMs: 0,
      backoffBaseMs: 20,
      backoffMaxMs: 640,
    });
    const all: AttemptRecord[] = [];
    const up = createUplink({ deviceId: DEVICE, config, log: silentLogger(), random01: seededRandom(2024) });
    up.onAttempt((r) => all.push(r));
    const records = (): readonly AttemptRecord[] => all;
    const count = (outcome: AttemptRecord['outcome']) => all.filter((r) => r.outcome === outcome).length;

    // The readiness probe of restart() is a socket of this process too: count only outside restarts.
    let isRestarting = false;
    let maxSockets = 0;
    let samples = 0;
    const sampler = setInterval(() => {
      if (isRestarting) return;
      maxSockets = Math.max(maxSockets, ownSocketsTo(b.port));
      samples++;
    }, SAMPLE_EVERY_MS);

    await up.start(new AbortController().signal);
    try {
      await waitRecords(up, 'first connect', () => count('connected') >= 1, DEADLINE_MS, records);
      for (let i = 1; i <= RESTARTS; i++) {
        const before = count('connected');
        isRestarting = true;
        await b.restart({ signal: i % 2 === 0 ? 'SIGKILL' : 'SIGTERM' });
        isRestarting = false;
        await waitRecords(
          up,
          `reconnect after restart ${i}`,
          () => count('connected') > before,
          DEADLINE_MS,
          records,
        );
        maxSockets = Math.max(maxSockets, ownSocketsTo(b.port));
      }
      assert.is(count('closed'), RESTARTS, 'every restart ended exactly one session');

      // The outage: the broker stays down until the uplink has failed OUTAGE_FAILURES times.
      const from = all.length;
      const connectedAtOutage = count('connected');
      await b.stop();
      await waitRecords(
        up,
        `${OUTAGE_FAILURES} failures`,
        () => all.slice(from).filter((r) => r.outcome === 'failed').length >= OUTAGE_FAILURES,
        DEADLINE_MS,
        records,
      );
      isRestarting = true;
      await b.restart();
      isRestarting = false;
      await waitRecords(
        up,
        'reconnect after the outage',
        () => count('connected') > connectedAtOutage,
        DEADLINE_MS,
        records,
      );

      const failed = all
        .slice(from)
        .filter((r) => r.outcome === 'failed')
        .slice(0, OUTAGE_FAILURES);
      assert.equal(new Set(failed.map((r) => r.reason)), new Set(['connection-refused']));
      // The caps double from the base (the outage starts after a stable session) up to backoffMaxMs…
      assert.equal(
        failed.map((r) => r.capMs),
        [20, 40, 80, 160, 320, 640],
      );
      // …each delay is drawn below its cap, and they are jittered, not a fixed fraction of it.
      for (const r of failed) assert.ok(r.delayBeforeMs >= 0 && r.delayBeforeMs < r.capMs, JSON.stringify(r));
      assert.ok(new Set(failed.map((r) => r.delayBeforeMs / r.capMs)).size > 1, 'jittered');
      // The waits really happened: an attempt starts no earlier than its delay after the previous one ended.
      const seq = all.slice(from);
      for (let j = 1; j < seq.length; j++) {
        const prev = seq[j - 1];
        const cur = seq[j];
        if (prev === undefined || cur === undefined || cur.outcome === 'closed' || prev.outcome === 'closed')
          continue;
        assert.ok(
          cur.atMs - (prev.atMs + prev.durationMs) >= cur.delayBeforeMs - 1,
          `${JSON.stringify(prev)} → ${JSON.stringify(cur)}`,
        );
      }
    } finally {
      clearInterval(sampler);
      await up.stop();
    }
    assert.is(up.status().state, 'stopped');
    assert.is(count('connected'), RESTARTS + 2, 'first connect, one per restart, one after the outage');
    assert.ok(samples > 0, 'the socket count was sampled');
    assert.is(maxSockets, 1, 'never two sockets to the broker at once');
    assert.is(ownSocketsTo(b.port), 0, 'none left after stop()');
    const log = sessionsInLog(await b.logText(), DEVICE);
    assert.equal(log.takeovers, [], 'the broker never had to close an older session of the device');
    assert.is(log.maxAtOnce, 1);
    assert.is(log.connects, RESTARTS + 2);
  },
);

test.run();
