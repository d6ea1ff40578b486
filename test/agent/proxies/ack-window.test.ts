import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AckWindow } from '../../../agent/proxies/ack-window.js';

const hex = (b: Buffer | null): string => (b === null ? '' : b.toString('hex'));
const OK = { ok: true } as const;
const denied = (rule: string) => ({ ok: false, kind: 'denied', rule, reason: 'why' }) as const;
const unavailable = { ok: false, kind: 'unavailable', reason: 'journal full' } as const;

test('acks leave in arrival order: a settled publish behind an open one waits', () => {
  const w = new AckWindow();
  const a = w.open(1, 1);
  const b = w.open(2, 1);
  b.result = OK;
  assert.equal(w.takeSettled(4, true).settled, 0);
  assert.is(w.size, 2);
  a.result = OK;
  const batch = w.takeSettled(4, true);
  assert.is(hex(batch.bytes), '40020001' + '40020002');
  assert.equal([batch.settled, batch.acked, w.size], [2, 2, 0]);
});

test('QoS 0 needs no ack; a 3.1.1 denial gets a plain PUBACK', () => {
  const w = new AckWindow();
  w.open(0, 0).result = OK;
  w.open(7, 1).result = denied('topic-not-allowed');
  const batch = w.takeSettled(4, true);
  assert.is(hex(batch.bytes), '40020007');
  assert.equal([batch.acked, batch.denied], [1, 1]);
});

test('an MQTT 5 denial carries its reason code and, when allowed, a reason string', () => {
  const w = new AckWindow();
  w.open(1, 1).result = OK;
  w.open(2, 1).result = denied('rate-limited');
  w.open(3, 1).result = denied('payload-too-large');
  w.open(4, 1).result = denied('topic-not-allowed');
  const b = w.takeSettled(5, false);
  // success (short form), then 0x97, 0x83, 0x87 with property length 0
  assert.is(hex(b.bytes), '40020001' + '4004000297' + '00' + '4004000383' + '00' + '4004000487' + '00');
  const w2 = new AckWindow();
  w2.open(9, 1).result = denied('schema');
  // remaining 18: id, 0x83 (schema), property length 14: 0x1f and the 11-byte string "schema: why"
  assert.is(
    hex(w2.takeSettled(5, true).bytes),
    `40120009830e1f000b${Buffer.from('schema: why').toString('hex')}`,
  );
});

test('unavailable on QoS 1 stops the batch and holds that ack; on QoS 0 it is only counted', () => {
  const w = new AckWindow();
  w.open(1, 1).result = OK;
  w.open(0, 0).result = unavailable;
  w.open(3, 1).result = unavailable;
  w.open(4, 1).result = OK;
  const b = w.takeSettled(4, true);
  assert.is(hex(b.bytes), '40020001');
  assert.equal([b.settled, b.unavailable, b.unavailableReason], [3, 2, 'journal full']);
  assert.is(w.size, 1);
});

test('clear forgets everything and says how many were in flight', () => {
  const w = new AckWindow();
  const e = w.open(1, 1);
  w.open(2, 1);
  assert.is(w.clear(), 2);
  e.result = OK;
  assert.is(w.isHead(e), false);
  assert.is(w.takeSettled(4, true).bytes, null);
});

test.run();
