/**
 * After an outage the shipper's retry back-off is long; rewind() (called on reconnect) must make it
 * try again at once, so the outage's own records are not kept waiting (telemetry waits behind them).
 */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createAuditShipper } from '../../../agent/audit/shipper.js';
import { openAuditLog } from '../../../agent/audit/store.js';
import { silentLogger } from '../../../modem/log.js';
import { T0, withTempDir } from './audit-kit.js';
import { FakeAuditUplink } from './fake-audit-uplink.js';

async function rewindCase(rewindAfterMs: number): Promise<void> {
  await withTempDir(async (dir) => {
    const log = await openAuditLog({
      dir: join(dir, 'audit'),
      keysDir: join(dir, 'keys'),
      log: silentLogger(),
      clock: { nowMs: () => T0 },
      groupCommitMs: 0,
      isCheckpointOnClose: false,
    });
    // A retry wait of 10 minutes: without the cut the test would hit its deadline first.
    const uplink = new FakeAuditUplink().plan('fail', 'puback');
    const shipper = createAuditShipper({
      source: log,
      uplink,
      log: silentLogger(),
      options: { deviceId: 'gw-1', retryBaseMs: 600_000, retryMaxMs: 600_000 },
    });
    const ac = new AbortController();
    try {
      await shipper.start(ac.signal);
      await log.append({
        ev: 'uplink.down',
        actor: 'agent',
        subject: 'uplink:b',
        outcome: 'failed',
        reason: 'x',
      });
      await uplink.waitForSent(1);
      assert.is(log.acknowledgedSeq(), 0);
      // 0: at once, while the failure is still being handled; else once its pause is under way.
      if (rewindAfterMs > 0) await new Promise((r) => setTimeout(r, rewindAfterMs));
      shipper.rewind();
      await uplink.waitUntil(() => uplink.pubacked.length === 1, 'the resend', 2000);
      const deadline = Date.now() + 2000;
      while (log.acknowledgedSeq() !== 1) {
        if (Date.now() > deadline) throw new Error('the PUBACK never moved the cursor');
        await new Promise((r) => setTimeout(r, 5));
      }
      assert.equal(uplink.unmet(), []);
    } finally {
      ac.abort();
      await shipper.stop();
      await log.close();
    }
  });
}

test('rewind() cuts a retry wait short: the next publish goes at once', () => rewindCase(0));

test('rewind() during a retry wait already under way ends it', () => rewindCase(100));

test.run();
