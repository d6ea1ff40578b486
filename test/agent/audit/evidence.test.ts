import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { auditSigner, readAuditKey } from '../../../agent/audit/audit-key.js';
import { decodeCanonical, encodeCanonical, isCborMap } from '../../../agent/audit/canonical-cbor.js';
import { readAuditEntries } from '../../../agent/audit/dir-reader.js';
import { buildEvidence, type DeviceIdentity, verifyEvidence } from '../../../agent/audit/evidence.js';
import { EARLY_WARNING_MS, NOTIFICATION_MS } from '../../../agent/audit/evidence-summary.js';
import { exportEvidence } from '../../../agent/audit/export.js';
import { encodeRecord, sealRecord } from '../../../agent/audit/record.js';
import { openAuditLog } from '../../../agent/audit/store.js';
import type { AuditEvent, AuditLog } from '../../../agent/audit/store-types.js';
import { silentLogger } from '../../../modem/log.js';
import { buildChain, flip, hex, KEY, OTHER_KEY, T0, withTempDir } from './audit-kit.js';

const DEVICE: DeviceIdentity = {
  deviceId: 'gw-0042',
  iccid: '89490200001234567895',
  imei: '867962041234567',
  certFingerprint: 'ab'.repeat(32),
  certSubject: 'CN=gw-0042',
};
const MIN = 60_000;

/** A log whose clock the test sets before each append. */
async function withLog(
  dir: string,
  fn: (log: AuditLog, at: (ms: number, e: AuditEvent) => Promise<void>) => Promise<void>,
) {
  let now = T0;
  const log = await openAuditLog({
    dir: join(dir, 'audit'),
    keysDir: join(dir, 'keys'),
    log: silentLogger(),
    clock: { nowMs: () => now },
    groupCommitMs: 0,
    checkpointEveryRecords: 5,
  });
  try {
    await fn(log, async (ms, e) => {
      now = T0 + ms;
      await log.append(e);
    });
  } finally {
    await log.close();
  }
}

const up: AuditEvent = { ev: 'uplink.up', actor: 'agent', subject: 'uplink:b', outcome: 'ok' };
const down: AuditEvent = {
  ev: 'uplink.down',
  actor: 'agent',
  subject: 'uplink:b',
  outcome: 'failed',
  reason: 'network lost',
};
const swap: AuditEvent = {
  ev: 'sim.swapped',
  actor: 'agent',
  subject: 'sim',
  outcome: 'denied',
  reason: 'bound 7895, found 1111',
};
const authFail: AuditEvent = {
  ev: 'sensor.auth-failed',
  actor: 'peer:10.0.0.9',
  subject: 'listener:mqtt',
  outcome: 'denied',
  reason: 'unknown identity',
};

async function incident(at: (ms: number, e: AuditEvent) => Promise<void>): Promise<void> {
  await at(0, up);
  await at(10 * MIN, down); // before the range
  await at(20 * MIN, up);
  await at(30 * MIN, down); // range starts at 25 min
  await at(31 * MIN, swap);
  await at(32 * MIN, authFail);
  await at(33 * MIN, authFail);
  await at(40 * MIN, up);
  await at(50 * MIN, down); // range ends at 45 min
}

test('export → verify round trip, with the NIS2 summary and the chain context', async () => {
  await withTempDir(async (dir) => {
    await withLog(dir, async (log, at) => {
      await incident(at);
      const bundle = await exportEvidence(log, {
        sinceMs: T0 + 25 * MIN,
        untilMs: T0 + 45 * MIN,
        device: DEVICE,
        nowMs: T0 + 60 * MIN,
      });
      const r = verifyEvidence(bundle, log.publicKey);
      assert.is(r.ok, true, r.problem?.message);
      assert.is(r.isSealed, true);
      const body = r.body;
      if (body === null) throw new Error('no body');
      const { auditKey, ...identity } = body.device;
      assert.equal(identity, DEVICE);
      assert.is(hex(auditKey), hex(log.publicKey));
      assert.equal(
        body.timeline.map((e) => e.ev),
        ['uplink.down', 'sim.swapped', 'sensor.auth-failed', 'sensor.auth-failed', 'uplink.up'],
      );
      // The first carried record is the first in range; its prev is the hash before it.
      assert.is(body.chain?.firstSeq, body.timeline[0]?.seq);
      assert.ok((body.chain?.sealedThroughSeq ?? 0) >= (body.chain?.lastSeq ?? 1));
      const s = body.summary;
      assert.is(s.events, 5);
      assert.is(s.firstSeenMs, T0 + 31 * MIN);
      assert.is(s.earlyWarningDueMs, T0 + 31 * MIN + EARLY_WARNING_MS);
      assert.is(s.notificationDueMs, T0 + 31 * MIN + NOTIFICATION_MS);
      assert.is(s.indicators, 3);
      assert.equal(s.bySeverity, { critical: 1, high: 2, medium: 1, low: 0, info: 1 });
      assert.equal(s.byCategory, { uplink: 2, identity: 1, sensor: 2 });
      assert.equal(s.affectedSubjects, ['listener:mqtt', 'sim']);
      assert.is(s.suspectedCause, 'sim.swapped on sim: bound 7895, found 1111');
      assert.is(s.suspectedCauseSource, 'heuristic');
      assert.is(s.isSuspectedMalicious, true);
      assert.is(s.uplinkDowns, 1);
      assert.is(s.uplinkDownMs, 10 * MIN);
    });
  });
});

test('the operator may name the cause; an empty range still gives a signed, verifiable bundle', async () => {
  await withTempDir(async (dir) => {
    await withLog(dir, async (log, at) => {
      await incident(at);
      const named = await exportEvidence(log, {
        sinceMs: T0 + 25 * MIN,
        untilMs: T0 + 45 * MIN,
        device: DEVICE,
        nowMs: T0,
        suspectedCause: 'SIM stolen from cabinet 4',
      });
      const r = verifyEvidence(named, log.publicKey);
      assert.is(r.ok, true, r.problem?.message);
      assert.is(r.body?.summary.suspectedCause, 'SIM stolen from cabinet 4');
      assert.is(r.body?.summary.suspectedCauseSource, 'operator');
      const empty = verifyEvidence(
        await exportEvidence(log, {
          sinceMs: T0 - 100 * MIN,
          untilMs: T0 - 90 * MIN,
          device: DEVICE,
          nowMs: T0,
        }),
        log.publicKey,
      );
      assert.is(empty.ok, true, empty.problem?.message);
      assert.is(empty.body?.chain, null);
      assert.is(empty.body?.summary.events, 0);
      assert.is(empty.body?.summary.firstSeenMs, null);
    });
  });
});

test('a read-only export (no checkpoint can be forced) verifies but says it is not sealed', async () => {
  await withTempDir(async (dir) => {
    await withLog(dir, async (_log, at) => {
      for (let i = 0; i < 8; i++) await at(i * MIN, down);
    });
    // Checkpoints at 6 and (on close) 10; the view stops at 9, as a copy taken before close would.
    const entries = async function* () {
      for await (const e of readAuditEntries(join(dir, 'audit'))) if (e.record.seq <= 9) yield e;
    };
    const key = await readAuditKey(join(dir, 'keys'));
    const bundle = await exportEvidence(
      { entries, signer: auditSigner(key) },
      { sinceMs: T0 + 5 * MIN, untilMs: T0 + 10 * MIN, device: DEVICE, nowMs: T0 },
    );
    const r = verifyEvidence(bundle, key.publicKey);
    assert.is(r.ok, true, r.problem?.message);
    assert.is(r.isSealed, false);
    assert.is(r.body?.chain?.sealedThroughSeq, null);
    assert.equal(
      r.body?.timeline.map((e) => e.seq),
      [7, 8, 9],
    );
    assert.is(verifyEvidence(bundle, KEY.publicKey).problem?.kind, 'signature');
  });
});

test('any change to the bundle is rejected: a flipped byte, another key, edited records or summary', () => {
  const chain = buildChain(25, 10);
  const stored = chain.records.map((record, i) => ({ record, bytes: chain.bytes[i] ?? new Uint8Array() }));
  const range = { sinceMs: T0 + 3000, untilMs: T0 + 12_000 };
  const records = stored.slice(2, 22); // seq 3 .. checkpoint 22
  const input = { ...range, createdMs: T0, device: DEVICE, records };
  const good = buildEvidence(input, auditSigner(KEY));
  assert.is(verifyEvidence(good, KEY.publicKey).ok, true);
  const flipped = new Uint8Array(good);
  flip(flipped, Math.floor(flipped.length / 2));
  assert.ok(['signature', 'bad-bundle'].includes(verifyEvidence(flipped, KEY.publicKey).problem?.kind ?? ''));
  assert.is(verifyEvidence(good, OTHER_KEY.publicKey).problem?.kind, 'signature');
  // Re-signed by someone else's key: names another key than the device's.
  const other = buildEvidence(input, auditSigner(OTHER_KEY));
  assert.is(verifyEvidence(other, KEY.publicKey).problem?.kind, 'signature');
  // Even signed with the right key, an edited record or summary does not pass.
  const edited = [...records];
  const forged = sealRecord(new Uint8Array(32), 7, T0 + 7000, {
    ev: 'uplink.up',
    actor: 'agent',
    subject: 'uplink:b',
    outcome: 'ok',
  });
  edited[4] = { record: forged, bytes: encodeRecord(forged) };
  const badChain = verifyEvidence(
    buildEvidence({ ...input, records: edited }, auditSigner(KEY)),
    KEY.publicKey,
  );
  assert.is(badChain.problem?.kind, 'chain');
  assert.is(badChain.chain?.problem?.kind, 'prev-mismatch');
  assert.is(badChain.chain?.problem?.seq, 7);
  assert.is(
    verifyEvidence(resignedWithSummary(good, { events: 1 }), KEY.publicKey).problem?.kind,
    'summary-mismatch',
  );
  assert.is(verifyEvidence(Uint8Array.of(1, 2, 3), KEY.publicKey).problem?.kind, 'bad-bundle');
});

/** A device-signed bundle whose summary was changed (as a buggy or lying exporter would). */
function resignedWithSummary(bundle: Uint8Array, patch: Record<string, number>): Uint8Array {
  const env = decodeCanonical(bundle);
  if (!env.ok || !isCborMap(env.value)) throw new Error('fixture');
  const bodyBytes = env.value['body'];
  if (!(bodyBytes instanceof Uint8Array)) throw new Error('fixture');
  const body = decodeCanonical(bodyBytes);
  if (!body.ok || !isCborMap(body.value) || !isCborMap(body.value['summary'])) throw new Error('fixture');
  const newBody = encodeCanonical({ ...body.value, summary: { ...body.value['summary'], ...patch } });
  const msg = Buffer.concat([
    Buffer.from('ztgw audit evidence v1\0'),
    createHash('sha256').update(newBody).digest(),
  ]);
  return encodeCanonical({ v: 1, body: newBody, sig: auditSigner(KEY).sign(msg) });
}

test.run();
