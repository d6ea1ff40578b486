/**
 * The journal's record framing is the audit trail's frame (u32 length | u32 CRC-32 | payload)
 * under the journal's own header, read back by the audit scan.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeFrame, SEGMENT_MAGIC, scanSegment } from '../../../agent/audit/frame.js';
import {
  decodeRecordHeader,
  JOURNAL_MAGIC,
  newFrame,
  RECORD_HEADER_BYTES,
  RECORD_OVERHEAD_BYTES,
  sealFrame,
} from '../../../agent/queue/journal-record.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('a sealed frame is byte for byte the audit frame of its record', () => {
  const data = new TextEncoder().encode('hello');
  const frame = newFrame(data, 1234.5);
  sealFrame(frame, 2 ** 32 + 7);
  const record = Buffer.concat([
    Buffer.from('0000000100000007', 'hex'),
    Buffer.from(new Float64Array([1234.5]).buffer).reverse(),
    Buffer.from(data),
  ]);
  assert.is(frame.length, RECORD_OVERHEAD_BYTES + 5);
  assert.is(hex(frame), hex(encodeFrame(record)));
  assert.equal(decodeRecordHeader(record), { ok: true, seq: 2 ** 32 + 7, atMs: 1234.5 });
});

test('the audit scan reads a journal segment under the journal magic, and refuses it as audit', () => {
  const frames = [1, 2, 3].map((seq) => {
    const f = newFrame(Uint8Array.of(seq, seq), seq * 10);
    sealFrame(f, seq);
    return f;
  });
  const seg = Buffer.concat([JOURNAL_MAGIC, ...frames]);
  const s = scanSegment(seg, true, 64, JOURNAL_MAGIC);
  assert.is(s.corruption, null);
  assert.is(s.tail, null);
  assert.equal(
    s.frames.map((f) => decodeRecordHeader(f.payload)),
    [1, 2, 3].map((seq) => ({ ok: true, seq, atMs: seq * 10 })),
  );
  assert.equal(
    s.frames.map((f) => [...f.payload.subarray(RECORD_HEADER_BYTES)]),
    [
      [1, 1],
      [2, 2],
      [3, 3],
    ],
  );
  assert.is(scanSegment(seg, true, 64).corruption?.why, 'not a ztgw audit segment (bad header)');
  const audit = Buffer.concat([SEGMENT_MAGIC, ...frames]);
  assert.is(scanSegment(audit, true, 64, JOURNAL_MAGIC).corruption?.why, 'bad segment header');
});

test('a torn last frame of a journal segment is a tail', () => {
  const f = newFrame(new Uint8Array(20), 1);
  sealFrame(f, 1);
  const g = newFrame(new Uint8Array(20), 2);
  sealFrame(g, 2);
  const seg = Buffer.concat([JOURNAL_MAGIC, f, g.subarray(0, 11)]);
  const s = scanSegment(seg, true, 64, JOURNAL_MAGIC);
  assert.is(s.frames.length, 1);
  assert.equal(s.tail, {
    offset: 8 + f.length,
    lostBytes: 11,
    lostFrames: 1,
    why: `partial frame at offset ${8 + f.length}`,
  });
});

test('decodeRecordHeader names what is wrong', () => {
  assert.equal(decodeRecordHeader(new Uint8Array(15)), {
    ok: false,
    reason: 'record of 15 bytes is shorter than its 16-byte header',
  });
  assert.equal(decodeRecordHeader(new Uint8Array(16)), { ok: false, reason: 'record seq 0 out of range' });
  const nan = new Uint8Array(16);
  nan[7] = 1;
  new DataView(nan.buffer).setFloat64(8, Number.NaN);
  assert.equal(decodeRecordHeader(nan), { ok: false, reason: 'record time NaN is not finite' });
});

test.run();
