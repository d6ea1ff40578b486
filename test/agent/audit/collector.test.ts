import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createAuditCollector, formatAnchor } from '../../../agent/audit/collector.js';
import { openCollectorStore } from '../../../agent/audit/collector-store.js';
import { encodeAuditBatch } from '../../../agent/audit/shipper.js';
import { verifyRecordBytes } from '../../../agent/audit/verify.js';
import { buildChain, hex, KEY, OTHER_KEY, withTempDir } from './audit-kit.js';

const DEV = 'gw-1';
const batch = (bytes: readonly Uint8Array[]) => encodeAuditBatch(DEV, bytes);

test('batches in order: all held, the newest checkpoint is the anchor', () => {
  const { records, bytes } = buildChain(35, 10); // checkpoints at seq 11, 22, 33
  const c = createAuditCollector({ publicKey: KEY.publicKey, deviceId: DEV });
  const a = c.push(batch(bytes.slice(0, 20)));
  assert.is(a.held.length, 20);
  assert.is(a.problem, null);
  assert.is(a.anchor?.seq, 11);
  const b = c.push(batch(bytes.slice(20)));
  assert.is(b.held.length, 15);
  assert.is(b.anchor?.seq, 33);
  assert.is(hex(b.anchor?.h ?? new Uint8Array()), hex(records[32]?.h ?? new Uint8Array()));
  assert.is(
    formatAnchor(b.anchor ?? { seq: 0, h: new Uint8Array() }),
    `33:${hex(records[32]?.h ?? new Uint8Array())}`,
  );
  assert.equal(c.stats().records, 35);
});

test('a resend after a reconnect is dropped as duplicates', () => {
  const { bytes } = buildChain(30, 10);
  const c = createAuditCollector({ publicKey: KEY.publicKey, deviceId: DEV });
  c.push(batch(bytes.slice(0, 20)));
  const r = c.push(batch(bytes.slice(15, 30)));
  assert.is(r.duplicates, 5);
  assert.is(r.held.length, 10);
  assert.is(r.problem, null);
});

test('a resend with other content (history rewritten and re-signed) is refused', () => {
  const honest = buildChain(25, 10);
  const c = createAuditCollector({ publicKey: KEY.publicKey, deviceId: DEV });
  c.push(batch(honest.bytes));
  // The same device key signs a different history: valid on its own, not the one the operator holds.
  const forged = buildChain(30, 5);
  assert.ok(verifyRecordBytes(forged.bytes, { publicKey: KEY.publicKey }).ok);
  const r = c.push(batch(forged.bytes));
  // Records 1..5 are the same in both histories; the rewrite starts at 6 (a checkpoint there).
  assert.is(r.duplicates, 5);
  assert.is(r.held.length, 0);
  assert.is(r.problem?.seq, 6);
  assert.match(r.problem?.message ?? '', /received before with another content/);
  // Sticky: nothing more is held, not even honest continuations.
  assert.is(c.push(batch(buildChain(26, 10).bytes.slice(25))).held.length, 0);
});

test('a gap, a forged checkpoint and a wrong device are each named', () => {
  const { bytes } = buildChain(30, 10);
  // A gap (records 11 and 12 never delivered) is reported, and the chain is held on after it.
  const gap = createAuditCollector({ publicKey: KEY.publicKey, deviceId: DEV });
  gap.push(batch(bytes.slice(0, 10)));
  const g = gap.push(batch(bytes.slice(12)));
  assert.equal(g.gaps, [{ fromSeq: 11, toSeq: 12 }]);
  assert.is(g.problem, null);
  assert.is(g.held.length, 18);
  assert.is(g.anchor?.seq, 22);
  assert.equal(gap.stats().gaps, [{ fromSeq: 11, toSeq: 12 }]);

  const forged = createAuditCollector({ publicKey: OTHER_KEY.publicKey, deviceId: DEV });
  const f = forged.push(batch(bytes));
  assert.is(f.problem?.kind, 'checkpoint-signature');
  assert.is(f.held.length, 10, 'held up to the record before the bad checkpoint');

  const other = createAuditCollector({ publicKey: KEY.publicKey, deviceId: DEV });
  const w = other.push(encodeAuditBatch('gw-2', bytes));
  assert.is(w.problem?.kind, 'bad-frame');
  assert.is(w.held.length, 0);
  // Not sticky: a stray message does not break the chain held.
  assert.is(other.push(batch(bytes)).held.length, 30);
  assert.is(other.push(new Uint8Array([1, 2, 3])).problem?.kind, 'bad-frame');
  assert.is(other.stats().problem, null);
});

test('store: records and anchor survive a reopen; a torn last frame is cut', async () => {
  await withTempDir(async (dir) => {
    const { bytes } = buildChain(22, 10);
    const s = await openCollectorStore(dir);
    await s.append(bytes.slice(0, 12));
    await s.writeAnchor({ seq: 11, h: new Uint8Array(32).fill(0xab) });
    await s.close();
    assert.is(await readFile(join(dir, 'anchor'), 'utf8'), `11:${'ab'.repeat(32)}\n`);
    // A torn append: half of a frame at the end.
    const file = join(dir, 'records.bin');
    const whole = await readFile(file);
    const extra = Buffer.alloc(10);
    extra.writeUInt32BE(500);
    await writeFile(file, Buffer.concat([whole, extra]));
    const again = await openCollectorStore(dir);
    assert.is(again.cutBytes, 10);
    assert.is(again.records.length, 12);
    const c = createAuditCollector({ publicKey: KEY.publicKey, deviceId: DEV });
    for (const r of again.records) assert.is(c.resume(r), null);
    assert.is(c.push(batch(bytes.slice(10))).held.length, 10);
    await again.close();
  });
});

test.run();
