import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openAuditLog } from '../../../agent/audit/index.js';
import { labClock } from '../../../agent/daemon/agent-clock.js';
import { openAuditTrail } from '../../../agent/daemon/audit-trail.js';
import type { UplinkClient } from '../../../agent/uplink/index.js';
import { ZtgwError } from '../../../modem/errors.js';
import { silentLogger } from '../../../modem/log.js';

/** An uplink that is never connected: the trail must not need one to record. */
const OFFLINE: UplinkClient = {
  start: async () => undefined,
  stop: async () => undefined,
  reconnect: async () => undefined,
  status: () => ({
    state: 'stopped',
    broker: null,
    since: 0,
    lastError: null,
    attempts: 0,
    consecutiveFailures: 0,
  }),
  attempts: () => [],
  onAttempt: () => () => undefined,
  onStatus: () => () => undefined,
  publish: async () => {
    throw new ZtgwError('UPLINK_CLOSED', 'not connected');
  },
  publishState: async () => undefined,
  subscribe: async () => () => undefined,
};

test('a log damaged past its tail is set aside intact, a new chain starts and says so', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'ztgw-trail-'));
  const keysDir = join(stateDir, 'keys');
  const clock = labClock(Date.UTC(2026, 11, 1));
  try {
    const first = await openAuditLog({ dir: join(stateDir, 'audit'), keysDir, log: silentLogger(), clock });
    for (let i = 0; i < 20; i++)
      await first.append({ ev: 'agent.start', actor: 'agent', subject: 'agent', outcome: 'ok' });
    await first.close();
    const seg = join(stateDir, 'audit', '000001.seg');
    const bytes = readFileSync(seg);
    const mid = Math.floor(bytes.length / 3);
    bytes[mid] = (bytes[mid] ?? 0) ^ 0xff;
    writeFileSync(seg, bytes);

    const trail = await openAuditTrail({
      stateDir,
      keysDir,
      deviceId: 'gw-1',
      uplink: OFFLINE,
      clock,
      log: silentLogger(),
    });
    try {
      const aside = readdirSync(stateDir).filter((n) => n.startsWith('audit.damaged-'));
      assert.is(aside.length, 1);
      assert.equal(readFileSync(join(stateDir, aside[0] ?? '', '000001.seg')), bytes); // kept as found
      const recs = [];
      for await (const r of trail.log.records()) recs.push(r);
      const setAside = recs.find((r) => r.ev === 'audit.set-aside');
      assert.ok(setAside, `records: ${recs.map((r) => r.ev).join(', ')}`);
      assert.match(String(setAside?.reason), /audit\.damaged-/);
    } finally {
      await trail.stop();
    }
    assert.ok(existsSync(join(stateDir, 'audit')));
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test.run();
