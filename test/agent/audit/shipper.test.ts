import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeRecord } from '../../../agent/audit/record.js';
import { auditTopic, createAuditShipper, decodeAuditBatch } from '../../../agent/audit/shipper.js';
import { openAuditLog } from '../../../agent/audit/store.js';
import type { AuditEvent, AuditLog } from '../../../agent/audit/store-types.js';
import { verifyRecordBytes } from '../../../agent/audit/verify.js';
import { silentLogger } from '../../../modem/log.js';
import { T0, within, withTempDir } from './audit-kit.js';
import { FakeAuditUplink } from './fake-audit-uplink.js';

const ev = (i: number): AuditEvent => ({
  ev: 'tunnel.closed',
  actor: 'technician:t-7',
  subject: 'sensor:plc-1:502',
  outcome: 'ok',
  reason: 'expired',
  data: { i },
});

async function withLog(fn: (log: AuditLog) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const log = await openAuditLog({
      dir: join(dir, 'audit'),
      keysDir: join(dir, 'keys'),
      log: silentLogger(),
      clock: { nowMs: () => T0 },
      groupCommitMs: 0,
      checkpointEveryRecords: 4,
      isCheckpointOnClose: false,
    });
    try {
      await fn(log);
    } finally {
      await log.close();
    }
  });
}

function seqsOf(payload: Uint8Array): number[] {
  const b = decodeAuditBatch(payload);
  if (!b.ok) throw new Error(b.reason);
  return b.value.records.map((r) => {
    const d = decodeRecord(r);
    if (!d.ok) throw new Error(d.reason);
    return d.value.seq;
  });
}

test('pull mode: nextBatch in order, size-bounded, acknowledge moves the store cursor, rewind resends', async () => {
  await withLog(async (log) => {
    for (let i = 0; i < 8; i++) await log.append(ev(i)); // + checkpoints at 5 and 10
    const shipper = createAuditShipper({
      source: log,
      log: silentLogger(),
      options: { deviceId: 'gw-1', maxBatchRecords: 4 },
    });
    assert.is(shipper.hasPending(), true);
    const a = await shipper.nextBatch();
    const b = await shipper.nextBatch();
    const c = await shipper.nextBatch();
    assert.is(a?.topic, 'ztgw/gw-1/up/audit');
    assert.equal(a && seqsOf(a.payload), [1, 2, 3, 4]);
    assert.equal(b && seqsOf(b.payload), [5, 6, 7, 8]);
    assert.equal(c && seqsOf(c.payload), [9, 10]);
    assert.is(await shipper.nextBatch(), null);
    assert.is(shipper.hasPending(), false);
    await shipper.acknowledge(4);
    assert.is(log.acknowledgedSeq(), 4);
    shipper.rewind();
    assert.equal(seqsOf((await shipper.nextBatch())?.payload ?? new Uint8Array()), [5, 6, 7, 8]);
    // What the cloud receives is the chain itself: it verifies with the device audit key.
    const all = [a, b, c].flatMap((x) => {
      const d = x === null ? null : decodeAuditBatch(x.payload);
      return d?.ok === true ? d.value.records : [];
    });
    const v = verifyRecordBytes(all, { publicKey: log.publicKey });
    assert.is(v.ok, true, v.problem?.message);
    assert.is(v.checkpoints, 2);
  });
});

test('push mode: ships as records become durable, acknowledges on PUBACK, retries after a failure', async () => {
  await withLog(async (log) => {
    const uplink = new FakeAuditUplink().plan(
      'puback',
      'fail',
      'puback',
      'puback',
      'puback',
      'puback',
      'puback',
    );
    // The store as the shipper sees it, telling the test when seq 5 is acknowledged.
    let onAcked5: () => void = () => undefined;
    const acked5 = new Promise<void>((resolve) => {
      onAcked5 = resolve;
    });
    const source = {
      entries: (from?: number) => log.entries(from),
      head: () => log.head(),
      acknowledgedSeq: () => log.acknowledgedSeq(),
      onDurable: (l: Parameters<AuditLog['onDurable']>[0]) => log.onDurable(l),
      markAcknowledged: async (seq: number) => {
        await log.markAcknowledged(seq);
        if (seq >= 5) onAcked5();
      },
    };
    const shipper = createAuditShipper({
      source,
      uplink,
      log: silentLogger(),
      options: { deviceId: 'gw-1', retryBaseMs: 1, retryMaxMs: 2 },
    });
    const ac = new AbortController();
    await shipper.start(ac.signal);
    const sentSeqs = (): number[][] => uplink.sent.map((s) => seqsOf(s.payload));
    try {
      await log.append(ev(0));
      await uplink.waitForSent(1);
      for (let i = 1; i < 4; i++) await log.append(ev(i)); // 4 records → checkpoint at 5
      await within(acked5, 5000, 'seq 5 acknowledged');
      assert.ok(uplink.sent.every((s) => s.topic === auditTopic('gw-1') && s.qos === 1));
      const [first, failed, retried] = sentSeqs();
      assert.equal(first, [1]);
      assert.ok(failed !== undefined && retried !== undefined);
      assert.equal(
        retried?.slice(0, failed?.length),
        failed,
        'the failed batch is sent again (with any newer)',
      );
      // Apart from the failed one, every record went up exactly once, in order.
      assert.equal(
        sentSeqs()
          .filter((_, i) => i !== 1)
          .flat(),
        [1, 2, 3, 4, 5],
      );
      assert.equal(uplink.unplanned, []);
    } finally {
      ac.abort();
      await shipper.stop();
    }
    assert.is(log.acknowledgedSeq(), 5);
  });
});

test('stop() returns while a publish waits for a PUBACK that never comes; nothing is acknowledged', async () => {
  await withLog(async (log) => {
    await log.append(ev(0));
    const uplink = new FakeAuditUplink().plan('hang');
    const shipper = createAuditShipper({
      source: log,
      uplink,
      log: silentLogger(),
      options: { deviceId: 'gw-1' },
    });
    await shipper.start(new AbortController().signal);
    await uplink.waitForSent(1);
    await shipper.stop();
    assert.is(log.acknowledgedSeq(), 0);
  });
});

test('a device id that would break the topic is refused', () => {
  const source = {
    entries: async function* () {},
    head: () => ({ seq: 0, h: new Uint8Array(32), t: 0 }),
    acknowledgedSeq: () => 0,
    markAcknowledged: async () => undefined,
    onDurable: () => () => undefined,
  };
  assert.throws(
    () => createAuditShipper({ source, log: silentLogger(), options: { deviceId: 'a/b' } }),
    /cannot be used in a topic/,
  );
  assert.throws(
    () => createAuditShipper({ source, log: silentLogger(), options: { deviceId: '' } }),
    /cannot be used/,
  );
});

test.run();
