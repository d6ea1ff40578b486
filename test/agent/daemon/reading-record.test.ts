import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeReadingRecord, encodeReadingRecord } from '../../../agent/daemon/reading-record.js';

const utf8 = new TextEncoder();

test('round trip keeps sensor, topic and the payload byte for byte', () => {
  const payload = new Uint8Array([0, 255, 123, 10]);
  const b = encodeReadingRecord({ sensor: 's17', topic: 'readings/ü', payload });
  assert.is(b.length, 2 + 3 + 11 + 4);
  const r = decodeReadingRecord(b);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.is(r.value.sensor, 's17');
  assert.is(r.value.topic, 'readings/ü');
  assert.equal([...r.value.payload], [0, 255, 123, 10]);
});

test('an empty topic and an empty payload are fine; an empty sensor id is a bug', () => {
  const r = decodeReadingRecord(encodeReadingRecord({ sensor: 'a', topic: '', payload: new Uint8Array() }));
  assert.ok(r.ok && r.value.topic === '' && r.value.payload.length === 0);
  assert.throws(
    () => encodeReadingRecord({ sensor: '', topic: 't', payload: new Uint8Array() }),
    /out of range/,
  );
  assert.throws(
    () => encodeReadingRecord({ sensor: 'x'.repeat(256), topic: 't', payload: new Uint8Array() }),
    /out of range/,
  );
});

test('damaged records name the cause', () => {
  assert.equal(decodeReadingRecord(new Uint8Array()), {
    ok: false,
    reason: 'reading record of 0 bytes: bad sensor length',
  });
  assert.equal(decodeReadingRecord(new Uint8Array([5, 65])), {
    ok: false,
    reason: 'reading record of 2 bytes: bad sensor length',
  });
  assert.equal(decodeReadingRecord(new Uint8Array([1, 65, 9, 66])), {
    ok: false,
    reason: 'reading record of 4 bytes: bad topic length',
  });
  assert.equal(decodeReadingRecord(new Uint8Array([1, 0xff, 0])), {
    ok: false,
    reason: 'reading record: sensor id or topic is not UTF-8',
  });
  assert.ok(decodeReadingRecord(utf8.encode('\u0001a\u0000')).ok);
});

test.run();
