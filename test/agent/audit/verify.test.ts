import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeFrame, SEGMENT_MAGIC } from '../../../agent/audit/frame.js';
import { checkpointEvent, encodeRecord, sealRecord } from '../../../agent/audit/record.js';
import { verifyRecordBytes } from '../../../agent/audit/verify.js';
import { verifySegments } from '../../../agent/audit/verify-segments.js';
import { buildChain, flip, KEY, OTHER_KEY, T0, uplinkDown } from './audit-kit.js';

// 35 records: checkpoints at seq 11, 22, 33 (each after 10 ordinary records).
const { records, bytes } = buildChain(35);
const opts = { publicKey: KEY.publicKey };

function segmentOf(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat([SEGMENT_MAGIC, ...parts.map(encodeFrame)]);
}

test('an honest chain verifies, in records and in segments split anywhere', () => {
  const r = verifyRecordBytes(bytes, opts);
  assert.equal(r, {
    ok: true,
    problem: null,
    records: 35,
    firstSeq: 1,
    lastSeq: 35,
    checkpoints: 3,
    sealedThroughSeq: 32,
    unsealed: 2,
    anchor: 'none',
  });
  const segs = [
    { num: 1, bytes: segmentOf(bytes.slice(0, 12)) },
    { num: 2, bytes: segmentOf(bytes.slice(12)) },
  ];
  assert.equal(verifySegments(segs, opts), r);
});

test('flipped byte: a hash mismatch names that record; in a segment the CRC names it first', () => {
  const tampered = bytes.map((b) => new Uint8Array(b));
  const victim = tampered[6];
  if (victim === undefined) throw new Error('fixture');
  // Flip a letter inside the subject text ("uplink:broker-a"): still valid CBOR, still canonical.
  const at = Buffer.from(victim).indexOf('broker-a');
  flip(victim, at);
  const r = verifyRecordBytes(tampered, opts);
  assert.is(r.problem?.kind, 'hash-mismatch');
  assert.is(r.problem?.seq, 7);
  assert.is(r.problem?.index, 6);
  const seg = new Uint8Array(segmentOf(bytes));
  const frame7 = SEGMENT_MAGIC.length + bytes.slice(0, 6).reduce((n, b) => n + 8 + b.length, 0);
  flip(seg, frame7 + 8 + at);
  const s = verifySegments([{ num: 1, bytes: seg }], opts);
  assert.is(s.problem?.kind, 'crc-mismatch');
  assert.is(s.problem?.seq, 7);
  assert.is(s.problem?.segment, 1);
  assert.is(s.problem?.offset, frame7);
});

test('deleted record: a seq gap at the missing seq', () => {
  const r = verifyRecordBytes([...bytes.slice(0, 6), ...bytes.slice(7)], opts);
  assert.is(r.problem?.kind, 'seq-gap');
  assert.is(r.problem?.seq, 7);
  assert.match(r.problem?.message ?? '', /record 7 is missing/);
  const two = verifyRecordBytes([...bytes.slice(0, 6), ...bytes.slice(8)], opts);
  assert.match(two.problem?.message ?? '', /records 7\.\.8 are missing/);
  const atEnd = verifyRecordBytes([...bytes.slice(0, 33), bytes[34] ?? new Uint8Array()], opts);
  assert.is(atEnd.problem?.kind, 'seq-gap');
  assert.is(atEnd.problem?.seq, 34);
});

test('deleted record with the rest renumbered and re-hashed: the next checkpoint gives it away', () => {
  // An attacker without the audit key drops record 5 and rebuilds seq, prev and h after it.
  const kept = [...records.slice(0, 4), ...records.slice(5)];
  const rebuilt: Uint8Array[] = [];
  let prev = kept[0]?.prev ?? new Uint8Array(32);
  kept.forEach((r, i) => {
    const { v: _v, seq: _s, t, prev: _p, h: _h, ...event } = r;
    const again = sealRecord(prev, i + 1, t, event);
    rebuilt.push(encodeRecord(again));
    prev = again.h;
  });
  const v = verifyRecordBytes(rebuilt, opts);
  assert.is(v.problem?.kind, 'checkpoint-invalid');
  assert.is(v.problem?.seq, 10, 'the checkpoint that was seq 11 is now seq 10 and seals the wrong head');
});

test('swapped pair: named as swapped at the first position', () => {
  const s = [...bytes];
  [s[4], s[5]] = [s[5] ?? new Uint8Array(), s[4] ?? new Uint8Array()];
  const r = verifyRecordBytes(s, opts);
  assert.is(r.problem?.kind, 'swapped');
  assert.is(r.problem?.seq, 5);
  assert.match(r.problem?.message ?? '', /records 5 and 6 are swapped/);
});

test('truncated tail: torn frame in a segment, an anchor not reached, a covering checkpoint not reached', () => {
  const whole = segmentOf(bytes);
  const torn = verifySegments([{ num: 3, bytes: whole.subarray(0, whole.length - 5) }], opts);
  assert.is(torn.problem?.kind, 'torn-tail');
  assert.is(torn.problem?.seq, 35);
  assert.is(torn.problem?.segment, 3);
  const cp33 = records[32];
  if (cp33 === undefined) throw new Error('fixture');
  // The operator acknowledged the checkpoint at 33; the device now shows only up to 30.
  const cut = verifyRecordBytes(bytes.slice(0, 30), { ...opts, anchor: { seq: 33, h: cp33.h } });
  assert.is(cut.problem?.kind, 'truncated');
  assert.is(cut.problem?.seq, 31);
  assert.match(cut.problem?.message ?? '', /records 31\.\.33 were cut off/);
  const sealed = verifyRecordBytes(bytes.slice(0, 30), { ...opts, sealedThroughSeq: 32 });
  assert.is(sealed.problem?.kind, 'truncated');
  assert.match(sealed.problem?.message ?? '', /no valid checkpoint covers seq 32 \(last sealed: 21\)/);
});

test('forged checkpoint: a valid-looking checkpoint signed by another key is named', () => {
  const s = [...bytes];
  const head = records[20];
  if (head === undefined) throw new Error('fixture');
  const forged = sealRecord(head.h, 22, T0 + 22_000, checkpointEvent(21, head.h, OTHER_KEY.secretKey));
  s[21] = encodeRecord(forged);
  const r = verifyRecordBytes(s, opts);
  assert.is(r.problem?.kind, 'checkpoint-signature');
  assert.is(r.problem?.seq, 22);
});

test('anchor: matched inside, matched right before the start, mismatched, not covered after eviction', () => {
  const cp22 = records[21];
  const r10 = records[9];
  if (cp22 === undefined || r10 === undefined) throw new Error('fixture');
  assert.is(verifyRecordBytes(bytes, { ...opts, anchor: { seq: 22, h: cp22.h } }).anchor, 'matched');
  // Segments up to seq 10 evicted: the log starts at 11, whose prev must be the anchored hash.
  const fromEleven = bytes.slice(10);
  assert.is(verifyRecordBytes(fromEleven, { ...opts, anchor: { seq: 10, h: r10.h } }).anchor, 'matched');
  const wrong = verifyRecordBytes(bytes, { ...opts, anchor: { seq: 22, h: new Uint8Array(32).fill(1) } });
  assert.is(wrong.problem?.kind, 'anchor-mismatch');
  assert.is(wrong.problem?.seq, 22);
  const old = verifyRecordBytes(bytes.slice(20), { ...opts, anchor: { seq: 10, h: r10.h } });
  assert.is(old.ok, true);
  assert.is(old.anchor, 'not-covered');
});

test('a log that starts later (evicted head) verifies from its first record; replay is named', () => {
  assert.is(verifyRecordBytes(bytes.slice(15), opts).ok, true);
  const replay = verifyRecordBytes([...bytes.slice(0, 5), bytes[2] ?? new Uint8Array()], opts);
  assert.is(replay.problem?.kind, 'seq-order');
  assert.is(replay.problem?.seq, 6);
  const junk = verifyRecordBytes([...bytes.slice(0, 2), Uint8Array.of(0xa0)], opts);
  assert.is(junk.problem?.kind, 'bad-record');
  assert.is(junk.problem?.seq, 3);
  assert.is(verifyRecordBytes([], opts).problem?.kind, 'empty');
});

test('the first record of a log from seq 1 must start from the zero hash', () => {
  const bad = sealRecord(new Uint8Array(32).fill(3), 1, T0, uplinkDown(1));
  const r = verifyRecordBytes([encodeRecord(bad)], opts);
  assert.is(r.problem?.kind, 'prev-mismatch');
  assert.is(r.problem?.seq, 1);
});

test.run();
