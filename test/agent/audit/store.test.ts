import { appendFile, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readAuditSegments } from '../../../agent/audit/dir-reader.js';
import { type OpenAuditLogOptions, openAuditLog } from '../../../agent/audit/store.js';
import type { AuditEvent, AuditLog } from '../../../agent/audit/store-types.js';
import { verifySegments } from '../../../agent/audit/verify-segments.js';
import { hasCode } from '../../../modem/errors.js';
import { silentLogger } from '../../../modem/log.js';
import { flip, rejection, T0, within, withTempDir } from './audit-kit.js';

const ev = (i: number): AuditEvent => ({
  ev: 'uplink.down',
  actor: 'agent',
  subject: 'uplink:broker-a',
  outcome: 'failed',
  reason: 'UPLINK_TLS',
  data: { attempt: i },
});

function options(dir: string, more: Partial<OpenAuditLogOptions> = {}): OpenAuditLogOptions {
  let t = T0;
  return {
    dir: join(dir, 'audit'),
    keysDir: join(dir, 'keys'),
    log: silentLogger(),
    clock: { nowMs: () => (t += 10) },
    groupCommitMs: 1,
    ...more,
  };
}

async function all(log: AuditLog, fromSeq?: number) {
  const out = [];
  for await (const r of log.records(fromSeq)) out.push(r);
  return out;
}

async function verifyDir(dir: string, publicKey: Uint8Array) {
  return verifySegments(await readAuditSegments(join(dir, 'audit')), { publicKey });
}

test('appends resolve when durable, survive a reopen, read back from any seq', async () => {
  await withTempDir(async (dir) => {
    const log = await openAuditLog(options(dir, { checkpointEveryRecords: 1000 }));
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(ev(i))));
    assert.equal(
      results.map((r) => r.seq),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    assert.is(log.head().seq, 50);
    assert.equal(
      (await all(log, 48)).map((r) => r.seq),
      [48, 49, 50],
    );
    await log.close();
    const again = await openAuditLog(options(dir));
    // close() sealed the head: 50 events and one checkpoint.
    assert.is(again.head().seq, 51);
    const recs = await all(again);
    assert.is(recs.length, 51);
    assert.is(recs[50]?.ev, 'audit.checkpoint');
    assert.equal(recs[49]?.data, { attempt: 49 });
    assert.equal(again.tailCut, null);
    const publicKey = again.publicKey;
    await again.close();
    const v = await verifyDir(dir, publicKey);
    assert.is(v.ok, true);
    assert.is(v.sealedThroughSeq, 50);
  });
});

test('the audit key is made once, 0600 in a 0700 dir, and reused', async () => {
  await withTempDir(async (dir) => {
    const a = await openAuditLog(options(dir));
    const pk = Buffer.from(a.publicKey).toString('hex');
    await a.close();
    const st = await stat(join(dir, 'keys', 'audit-ed25519.seed'));
    assert.is(st.mode & 0o777, 0o600);
    assert.is((await stat(join(dir, 'keys'))).mode & 0o777, 0o700);
    const b = await openAuditLog(options(dir));
    assert.is(Buffer.from(b.publicKey).toString('hex'), pk);
    await b.close();
  });
});

test('one writer per directory: a second open names the holder', async () => {
  await withTempDir(async (dir) => {
    const a = await openAuditLog(options(dir));
    try {
      await openAuditLog(options(dir));
      assert.unreachable('second open must fail');
    } catch (e) {
      assert.ok(hasCode(e, 'AUDIT_IO'), String(e));
      assert.match(String(e), /in use by this process/);
    } finally {
      await a.close();
    }
    // A stale lock from a dead process is taken over.
    await writeFile(
      join(dir, 'audit', 'lock'),
      JSON.stringify({ pid: 999_999_99, bootId: 'x', startTicks: '1' }),
    );
    const b = await openAuditLog(options(dir));
    await b.close();
  });
});

test('checkpoints every N records, signed with the audit key', async () => {
  await withTempDir(async (dir) => {
    const log = await openAuditLog(options(dir, { checkpointEveryRecords: 5, isCheckpointOnClose: false }));
    for (let i = 0; i < 12; i++) await log.append(ev(i));
    await log.close();
    const again = await openAuditLog(options(dir, { isCheckpointOnClose: false }));
    const evs = (await all(again)).map((r) => r.ev === 'audit.checkpoint');
    assert.equal(
      evs.flatMap((isCp, i) => (isCp ? [i + 1] : [])),
      [6, 12],
    );
    assert.is(again.head().seq, 14);
    const pk = again.publicKey;
    await again.close();
    const v = await verifyDir(dir, pk);
    assert.is(v.checkpoints, 2);
    assert.is(v.unsealed, 2);
  });
});

test('a checkpoint follows checkpointEveryMs after the first unsealed record', async () => {
  await withTempDir(async (dir) => {
    const log = await openAuditLog(options(dir, { checkpointEveryMs: 30, isCheckpointOnClose: false }));
    try {
      const sealed = new Promise<number>((resolve) => {
        log.onDurable((h) => {
          if (h.seq === 3) resolve(h.seq);
        });
      });
      await log.append(ev(1));
      await log.append(ev(2));
      assert.is(await within(sealed, 5000, 'timed checkpoint'), 3);
      const cp = (await all(log, 3))[0];
      assert.is(cp?.ev, 'audit.checkpoint');
      assert.is(cp?.data?.['seq'], 2);
      assert.is(await log.checkpoint(), null, 'nothing new to seal');
    } finally {
      await log.close();
    }
  });
});

test('segments rotate by size and every record stays readable', async () => {
  await withTempDir(async (dir) => {
    const log = await openAuditLog(
      options(dir, { segmentBytes: 4096, maxRecordBytes: 1024, quotaBytes: 1 << 20, reserveBytes: 1024 }),
    );
    for (let i = 0; i < 200; i++) await log.append(ev(i));
    assert.ok(log.usage().segments > 5, `segments: ${log.usage().segments}`);
    assert.equal(
      (await all(log, 1)).map((r) => r.seq),
      Array.from({ length: log.head().seq }, (_, i) => i + 1),
    );
    await log.close();
    const names = (await readdir(join(dir, 'audit'))).filter((n) => n.endsWith('.seg'));
    for (const n of names) assert.ok((await stat(join(dir, 'audit', n))).size <= 4096, n);
  });
});

test('a torn tail is cut at open and reported, in the return value and an audit.tail-cut record', async () => {
  await withTempDir(async (dir) => {
    const log = await openAuditLog(options(dir, { isCheckpointOnClose: false }));
    for (let i = 0; i < 5; i++) await log.append(ev(i));
    await log.close();
    const seg = join(dir, 'audit', '000001.seg');
    const good = (await stat(seg)).size;
    // A frame header promising 100 bytes, and only 30 of them: what a crash mid-write leaves.
    await appendFile(seg, Buffer.concat([Buffer.from('0000006412345678', 'hex'), Buffer.alloc(30, 0xee)]));
    const again = await openAuditLog(options(dir));
    assert.equal(again.tailCut, {
      segment: 1,
      offset: good,
      lostBytes: 38,
      lostRecords: 1,
      lastSeq: 5,
      recordSeq: 6,
      why: `partial frame at offset ${good}`,
    });
    const recs = await all(again);
    assert.is(recs[5]?.ev, 'audit.tail-cut');
    assert.equal(recs[5]?.data, { segment: 1, offset: good, lostBytes: 38, lostRecords: 1, lastSeq: 5 });
    const pk = again.publicKey;
    await again.close();
    assert.is((await verifyDir(dir, pk)).ok, true);
  });
});

test('damage in the middle is corruption, not a tail: open refuses with AUDIT_CORRUPT', async () => {
  await withTempDir(async (dir) => {
    const log = await openAuditLog(options(dir, { isCheckpointOnClose: false }));
    for (let i = 0; i < 5; i++) await log.append(ev(i));
    await log.close();
    const seg = join(dir, 'audit', '000001.seg');
    const bytes = await readFile(seg);
    flip(bytes, 30, 0xff);
    await writeFile(seg, bytes);
    try {
      await openAuditLog(options(dir));
      assert.unreachable();
    } catch (e) {
      assert.ok(hasCode(e, 'AUDIT_CORRUPT'), String(e));
      assert.match(String(e), /CRC mismatch at offset 8 \(frame 0\)/);
    }
    // The failed open released the lock.
    await truncate(seg, 8);
    const ok = await openAuditLog(options(dir));
    await ok.close();
  });
});

test('catalogue rules: unknown events, wrong outcomes and missing reasons are caller mistakes', async () => {
  await withTempDir(async (dir) => {
    const log = await openAuditLog(options(dir));
    try {
      // A name outside the catalogue, as a module built against another version could send.
      const bad = { ...ev(1), ev: 'uplink.sideways' } as unknown as AuditEvent;
      await rejection(log.append(bad), /not in the catalogue/);
      await rejection(log.append({ ...ev(1), outcome: 'ok' }), /outcome must be one of failed, info/);
      const { reason: _r, ...noReason } = ev(1);
      await rejection(log.append(noReason), /reason is required/);
      assert.is(log.head().seq, 0);
    } finally {
      await log.close();
    }
  });
});

test('acknowledged cursor: persisted, clamped to the durable head, monotonic', async () => {
  await withTempDir(async (dir) => {
    const log = await openAuditLog(options(dir));
    for (let i = 0; i < 3; i++) await log.append(ev(i));
    await log.markAcknowledged(2);
    await log.markAcknowledged(1);
    assert.is(log.acknowledgedSeq(), 2);
    await log.markAcknowledged(99);
    assert.is(log.acknowledgedSeq(), 3);
    await log.close();
    assert.equal(JSON.parse(await readFile(join(dir, 'audit', 'acked'), 'utf8')), { v: 1, seq: 3 });
    const again = await openAuditLog(options(dir));
    assert.is(again.acknowledgedSeq(), 3);
    await again.close();
  });
});

test('many concurrent appends share fsyncs and keep chain order', async () => {
  await withTempDir(async (dir) => {
    const log = await openAuditLog(options(dir, { groupCommitMs: 5, groupCommitMaxRecords: 64 }));
    let batches = 0;
    log.onDurable(() => batches++);
    await Promise.all(Array.from({ length: 300 }, (_, i) => log.append(ev(i))));
    assert.ok(batches < 300 / 8, `batches ${batches}`);
    const pk = log.publicKey;
    await log.close();
    assert.is((await verifyDir(dir, pk)).ok, true);
  });
});

test.run();
