import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeCanonical } from '../../../agent/audit/canonical-cbor.js';
import {
  checkpointEvent,
  checkpointMessage,
  computeRecordHash,
  decodeRecord,
  encodeRecord,
  hashStoredRecord,
  isCheckpointSigned,
  readCheckpoint,
  sealRecord,
  ZERO_HASH,
} from '../../../agent/audit/record.js';
import { hex, KEY, OTHER_KEY, T0, uplinkDown } from './audit-kit.js';

const START = { ev: 'agent.start', actor: 'agent', subject: 'agent', outcome: 'ok' } as const;

// The body of { v:1, seq:1, t:1000, ev:"agent.start", actor:"agent", subject:"agent", outcome:"ok",
// prev: 32 zero bytes } in deterministic CBOR, written out by hand.
const text = (s: string): string => Buffer.from(s, 'utf8').toString('hex');
const BODY_HEX = [
  ['a8'], // map, 8 entries
  ['6174', '1903e8'], // "t": 1000
  ['6176', '01'], // "v": 1
  ['626576', '6b', text('agent.start')], // "ev"
  ['63736571', '01'], // "seq": 1
  ['6470726576', '5820', '00'.repeat(32)], // "prev": 32 zero bytes
  ['656163746f72', '65', text('agent')], // "actor"
  ['676f7574636f6d65', '62', text('ok')], // "outcome"
  ['677375626a656374', '65', text('agent')], // "subject"
]
  .flat()
  .join('');

test('h = SHA-256(prev || deterministic CBOR of the record without h), byte for byte', () => {
  const r = sealRecord(ZERO_HASH, 1, 1000, START);
  const want = createHash('sha256').update(ZERO_HASH).update(Buffer.from(BODY_HEX, 'hex')).digest('hex');
  assert.is(hex(r.h), want);
  // The stored form is the same map with h added (sorted first: "h" < "t" < "v").
  assert.is(hex(encodeRecord(r)), `a9${'6168'}5820${want}${BODY_HEX.slice(2)}`);
});

test('hashing is stable: field order, a decode/encode round trip, and data key order do not change h', () => {
  const a = sealRecord(ZERO_HASH, 5, T0, {
    ...uplinkDown(3),
    data: { b: 2, a: 1, nested: { y: [1, 'x'], x: null } },
  });
  const b = sealRecord(ZERO_HASH, 5, T0, {
    data: { nested: { x: null, y: [1, 'x'] }, a: 1, b: 2 },
    reason: 'UPLINK_TLS',
    outcome: 'failed',
    subject: 'uplink:broker-a',
    actor: 'agent',
    ev: 'uplink.down',
  });
  assert.is(hex(a.h), hex(b.h));
  const d = decodeRecord(encodeRecord(a));
  assert.ok(d.ok);
  if (!d.ok) return;
  assert.is(hex(computeRecordHash(d.value)), hex(a.h));
  assert.is(hex(encodeRecord(d.value)), hex(encodeRecord(a)));
  assert.equal(d.value.data, { a: 1, b: 2, nested: { x: null, y: [1, 'x'] } });
});

test('the hash recomputed from stored bytes equals the one from the fields', () => {
  const plain = sealRecord(ZERO_HASH, 1, 1000, START);
  const rich = sealRecord(plain.h, 2, T0, { ...uplinkDown(9), data: { z: [1, 2], a: 'x' } });
  for (const r of [plain, rich])
    assert.is(hex(hashStoredRecord(encodeRecord(r), r.prev) ?? new Uint8Array()), hex(r.h));
  assert.is(hashStoredRecord(Uint8Array.of(0xa1, 0x61, 0x74, 0x01), ZERO_HASH), null);
});

test('every field is covered by the hash', () => {
  const base = sealRecord(ZERO_HASH, 2, T0, uplinkDown(1));
  const variants = [
    sealRecord(ZERO_HASH, 3, T0, uplinkDown(1)),
    sealRecord(ZERO_HASH, 2, T0 + 1, uplinkDown(1)),
    sealRecord(ZERO_HASH, 2, T0, { ...uplinkDown(1), reason: 'UPLINK_REFUSED' }),
    sealRecord(ZERO_HASH, 2, T0, { ...uplinkDown(1), outcome: 'info' }),
    sealRecord(ZERO_HASH, 2, T0, { ...uplinkDown(1), data: { attempt: 2 } }),
    sealRecord(new Uint8Array(32).fill(1), 2, T0, uplinkDown(1)),
  ];
  for (const v of variants) assert.is.not(hex(v.h), hex(base.h));
});

test('sealRecord refuses caller mistakes with TypeError', () => {
  assert.throws(
    () => sealRecord(ZERO_HASH, 1, T0, { ...START, ev: 'Agent Start' }),
    /not a dotted event name/,
  );
  assert.throws(() => sealRecord(ZERO_HASH, 0, T0, START), /seq must be a positive integer/);
  assert.throws(() => sealRecord(ZERO_HASH, 1, 1.5, START), /t must be ms/);
  assert.throws(() => sealRecord(new Uint8Array(3), 1, T0, START), /prev must be 32 bytes/);
  assert.throws(() => sealRecord(ZERO_HASH, 1, T0, { ...START, actor: '' }), /actor must be/);
  assert.throws(
    () => sealRecord(ZERO_HASH, 1, T0, { ...START, data: { rsrq: -10.5 } }),
    /only safe integers/,
  );
});

test('decodeRecord names what is wrong with bad bytes', () => {
  const r = sealRecord(ZERO_HASH, 1, T0, START);
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...r, v: 2 }, /unsupported record version 2/],
    [{ ...r, extra: 1 }, /unknown field extra/],
    [{ ...r, seq: 0 }, /seq is not a positive integer/],
    [{ ...r, outcome: 'maybe' }, /bad outcome maybe/],
    [{ ...r, prev: new Uint8Array(31) }, /prev is not 32 bytes/],
    [{ ...r, data: [1] }, /data is not a map/],
  ];
  for (const [m, why] of cases) {
    const d = decodeRecord(encodeCanonical(m));
    assert.ok(!d.ok && why.test(d.reason), `${why}: ${JSON.stringify(d)}`);
  }
  const junk = decodeRecord(Buffer.from('ff00', 'hex'));
  assert.is(junk.ok, false);
});

test('checkpoint: domain-separated message over (seq, h), signed by the audit key only', () => {
  const r = sealRecord(ZERO_HASH, 41, T0, START);
  const msg = checkpointMessage(41, r.h);
  assert.is(Buffer.from(msg.subarray(0, 25)).toString('utf8'), 'ztgw audit checkpoint v1\0');
  assert.is(hex(msg.subarray(25, 33)), '0000000000000029');
  assert.is(hex(msg.subarray(33)), hex(r.h));
  const e = checkpointEvent(41, r.h, KEY.secretKey);
  const cpRec = sealRecord(r.h, 42, T0, e);
  const cp = readCheckpoint(cpRec);
  assert.ok(cp.ok);
  if (!cp.ok) return;
  assert.is(cp.value.seq, 41);
  assert.ok(isCheckpointSigned(cp.value, KEY.publicKey));
  assert.not.ok(isCheckpointSigned(cp.value, OTHER_KEY.publicKey));
  assert.not.ok(isCheckpointSigned({ ...cp.value, seq: 40 }, KEY.publicKey));
  assert.not.ok(isCheckpointSigned(cp.value, new Uint8Array(5)));
  const notCp = readCheckpoint(r);
  assert.ok(!notCp.ok && /not a checkpoint/.test(notCp.reason));
});

test.run();
