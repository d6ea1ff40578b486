import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readAuditSegments } from '../../../agent/audit/dir-reader.js';
import { openAuditLog } from '../../../agent/audit/store.js';
import type { AuditQuotaAlert } from '../../../agent/audit/store-quota.js';
import type { AuditEvent, AuditLog } from '../../../agent/audit/store-types.js';
import { verifySegments } from '../../../agent/audit/verify-segments.js';
import { hasCode } from '../../../modem/errors.js';
import { silentLogger } from '../../../modem/log.js';
import { T0, withTempDir } from './audit-kit.js';

const down = (i: number): AuditEvent => ({
  ev: 'uplink.down',
  actor: 'agent',
  subject: 'uplink:broker-a',
  outcome: 'failed',
  reason: 'UPLINK_TLS',
  data: { attempt: i },
});
const swapped: AuditEvent = {
  ev: 'sim.swapped',
  actor: 'agent',
  subject: 'sim',
  outcome: 'denied',
  reason: 'bound 1234, found 9876',
};

const QUOTA = 16_384;
const RESERVE = 1024;

async function small(dir: string, alerts: AuditQuotaAlert[]): Promise<AuditLog> {
  return openAuditLog({
    dir: join(dir, 'audit'),
    keysDir: join(dir, 'keys'),
    log: silentLogger(),
    clock: { nowMs: () => T0 },
    groupCommitMs: 0,
    segmentBytes: 4096,
    maxRecordBytes: 1024,
    quotaBytes: QUOTA,
    reserveBytes: RESERVE,
    checkpointEveryRecords: 10_000,
    isCheckpointOnClose: false,
    onAlert: (a) => alerts.push(a),
  });
}

/** Appends until the first refusal; returns the error. */
async function fill(log: AuditLog): Promise<unknown> {
  for (let i = 0; i < 1000; i++) {
    try {
      await log.append(down(i));
    } catch (e) {
      return e;
    }
  }
  throw new Error('the quota never filled');
}

async function segments(dir: string): Promise<string[]> {
  return (await readdir(join(dir, 'audit'))).filter((n) => n.endsWith('.seg')).sort();
}

async function all(log: AuditLog) {
  const out = [];
  for await (const r of log.records()) out.push(r);
  return out;
}

test('nothing acknowledged: non-critical events are refused with AUDIT_QUOTA naming what is kept', async () => {
  await withTempDir(async (dir) => {
    const alerts: AuditQuotaAlert[] = [];
    const log = await small(dir, alerts);
    try {
      const err = await fill(log);
      assert.ok(hasCode(err, 'AUDIT_QUOTA'), String(err));
      // What is kept includes the audit.quota record written when it filled.
      const head = log.usage().headSeq;
      assert.match(String(err), new RegExp(`keeping seq 1\\.\\.${head} `));
      assert.match(String(err), /acknowledged only up to seq 0/);
      if (!hasCode(err, 'AUDIT_QUOTA')) return;
      assert.is(err.details['keptFromSeq'], 1);
      assert.is(err.details['ackedSeq'], 0);
      // One alert and one audit.quota record when it filled, whatever follows.
      await fill(log);
      await fill(log);
      assert.is(alerts.length, 1);
      assert.is(alerts[0]?.ackedSeq, 0);
      assert.is(log.usage().isRefusing, true);
      assert.is(log.usage().refused, 3);
      // A critical event still goes in, into the reserve. Commits are ordered, so once it is durable
      // the quota record written (by group commit) before it is readable too.
      const r = await log.append(swapped);
      assert.is(r.seq, log.head().seq);
      const quota = (await all(log)).filter((x) => x.ev === 'audit.quota');
      assert.equal(
        quota.map((x) => [x.reason, x.outcome]),
        [['refusing', 'denied']],
      );
      assert.ok(
        log.usage().usedBytes > QUOTA && log.usage().usedBytes <= QUOTA + RESERVE,
        `${log.usage().usedBytes}`,
      );
      // Nothing was evicted.
      assert.is((await all(log))[0]?.seq, 1);
    } finally {
      await log.close();
    }
  });
});

test('after acknowledgement: the oldest acknowledged segments are evicted, writing resumes, the rest verifies', async () => {
  await withTempDir(async (dir) => {
    const alerts: AuditQuotaAlert[] = [];
    const log = await small(dir, alerts);
    try {
      await fill(log);
      const before = await segments(dir);
      // The uplink acknowledges a little more than the first segment.
      const acked = 40;
      await log.markAcknowledged(acked);
      await log.append(down(-1));
      const after = await segments(dir);
      assert.ok(!after.includes('000001.seg'), `${after}`);
      assert.ok(after.length >= before.length - 2, `before ${before}, after ${after}`);
      const recs = await all(log);
      const firstSeq = recs[0]?.seq ?? 0;
      assert.ok(firstSeq > 1 && firstSeq <= acked + 1, `first held ${firstSeq}`);
      assert.equal(
        recs.filter((r) => r.ev === 'audit.quota').map((r) => r.reason),
        ['refusing', 'evicted', 'resumed'],
      );
      const resumed = recs.find((r) => r.reason === 'resumed');
      assert.is(resumed?.data?.['refused'], 1);
      assert.is(log.usage().isRefusing, false);
      const v = verifySegments(await readAuditSegments(join(dir, 'audit')), { publicKey: log.publicKey });
      assert.is(v.ok, true, v.problem?.message);
      assert.is(v.firstSeq, firstSeq);
    } finally {
      await log.close();
    }
  });
});

test('acknowledged space is reused as a ring: far more records than the quota holds', async () => {
  await withTempDir(async (dir) => {
    const log = await small(dir, []);
    try {
      for (let i = 0; i < 600; i++) {
        const r = await log.append(down(i));
        await log.markAcknowledged(r.seq);
      }
      assert.ok(log.usage().usedBytes <= QUOTA, `${log.usage().usedBytes}`);
      assert.ok((await segments(dir)).length <= 5);
      assert.is(log.usage().isRefusing, false);
    } finally {
      await log.close();
    }
  });
});

test.run();
