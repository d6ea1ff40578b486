import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  encodeFrame,
  encodePad,
  readFrames,
  SEGMENT_MAGIC,
  scanSegment,
} from '../../../agent/audit/frame.js';
import { flip } from './audit-kit.js';

const MAX = 1024;
const payloads = [Uint8Array.of(1, 2, 3), new Uint8Array(40).fill(0xab), Uint8Array.of(9)];

function segment(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat([SEGMENT_MAGIC, ...parts.map(encodeFrame)]);
}

test('a frame is u32 BE length, u32 BE CRC-32 (zlib), payload', () => {
  assert.is(
    Buffer.from(encodeFrame(Buffer.from('123456789'))).toString('hex'),
    `00000009cbf43926${Buffer.from('123456789').toString('hex')}`,
  );
});

test('a clean segment scans whole', () => {
  const s = scanSegment(segment(payloads), true, MAX);
  assert.is(s.frames.length, 3);
  assert.is(s.goodBytes, segment(payloads).length);
  assert.equal(s.tail, null);
  assert.equal(s.corruption, null);
  assert.equal(Array.from(s.frames[2]?.payload ?? []), [9]);
});

test('the newest segment cut at any byte of its last frame is a torn tail at that frame', () => {
  const whole = segment(payloads);
  const lastStart = whole.length - encodeFrame(Uint8Array.of(9)).length;
  for (let cut = lastStart + 1; cut < whole.length; cut++) {
    const s = scanSegment(whole.subarray(0, cut), true, MAX);
    assert.is(s.frames.length, 2, `cut at ${cut}`);
    assert.equal(s.corruption, null);
    assert.is(s.tail?.offset, lastStart);
    assert.is(s.tail?.lostBytes, cut - lastStart);
    assert.is(s.tail?.lostFrames, 1);
  }
});

test('a bad CRC on the last frame of the newest segment is a tail; with good frames after it, corruption', () => {
  const whole = new Uint8Array(segment(payloads));
  const last = new Uint8Array(whole);
  flip(last, last.length - 1, 0xff);
  const t = scanSegment(last, true, MAX);
  assert.is(t.tail?.why.startsWith('CRC mismatch'), true);
  assert.equal(t.corruption, null);
  const mid = new Uint8Array(whole);
  flip(mid, SEGMENT_MAGIC.length + 8 + 1); // inside the first payload
  const c = scanSegment(mid, true, MAX);
  assert.equal(c.tail, null);
  assert.is(c.corruption?.kind, 'bad-crc');
  assert.is(c.corruption?.frameIndex, 0);
  assert.is(c.corruption?.offset, SEGMENT_MAGIC.length);
});

test('in an older segment any damage, even at the end, is corruption', () => {
  const whole = segment(payloads);
  const s = scanSegment(whole.subarray(0, whole.length - 2), false, MAX);
  assert.equal(s.tail, null);
  assert.is(s.corruption?.kind, 'partial');
  assert.is(s.corruption?.frameIndex, 2);
});

test('segment headers: empty newest is fine, partial newest is a tail, a wrong magic is corruption', () => {
  assert.equal(scanSegment(new Uint8Array(0), true, MAX), {
    frames: [],
    goodBytes: 0,
    tail: null,
    corruption: null,
  });
  const p = scanSegment(SEGMENT_MAGIC.subarray(0, 3), true, MAX);
  assert.is(p.tail?.lostBytes, 3);
  assert.is(p.tail?.lostFrames, 0);
  const bad = scanSegment(Buffer.from('NOTASEGMENT-----'), true, MAX);
  assert.is(bad.corruption?.kind, 'bad-header');
});

test('a length beyond the frame limit is damage, not a huge read', () => {
  const junk = Buffer.concat([segment(payloads), Buffer.from('ffffffff00000000', 'hex')]);
  const s = scanSegment(junk, true, MAX);
  assert.is(s.frames.length, 3);
  assert.is(s.tail?.why.startsWith('frame length out of range'), true);
});

test('readFrames stops at a partial frame and says how long it will be', () => {
  const body = Buffer.concat(payloads.map(encodeFrame));
  const r = readFrames(body.subarray(0, body.length - 1), MAX);
  assert.is(r.frames.length, 2);
  assert.is(r.nextFrameBytes, 9);
  assert.equal(r.bad, null);
  const all = readFrames(body, MAX);
  assert.is(all.frames.length, 3);
  assert.is(all.endBytes, body.length);
});

test('a pad frame is 0x80000000 + n, the CRC of n zeros, n zeros; 8..4104 bytes in all', () => {
  // 0x2144df1c: CRC-32 of four zero bytes.
  assert.is(Buffer.from(encodePad(12)).toString('hex'), '800000042144df1c00000000');
  assert.is(encodePad(8).length, 8);
  assert.throws(() => encodePad(7), /pad of 7 bytes/);
  assert.throws(() => encodePad(4105), /pad of 4105 bytes/);
});

test('pads are checked and skipped: frame offsets stay true, readFrames reads through them', () => {
  const [a, b] = [encodeFrame(Uint8Array.of(1, 2, 3)), encodeFrame(Uint8Array.of(4))];
  const bytes = Buffer.concat([SEGMENT_MAGIC, a, encodePad(100), b, encodePad(8)]);
  const s = scanSegment(bytes, true, MAX);
  assert.equal(
    s.frames.map((f) => [f.offset, Array.from(f.payload)]),
    [
      [8, [1, 2, 3]],
      [8 + a.length + 100, [4]],
    ],
  );
  assert.is(s.goodBytes, bytes.length);
  assert.equal([s.tail, s.corruption], [null, null]);
  const r = readFrames(bytes.subarray(8), MAX);
  assert.equal([r.frames.length, r.endBytes, r.bad], [2, bytes.length - 8, null]);
});

test('a torn pad at the end is a tail; a damaged pad with a frame after it is corruption', () => {
  const a = encodeFrame(Uint8Array.of(1, 2, 3));
  const torn = Buffer.concat([SEGMENT_MAGIC, a, encodePad(100).subarray(0, 60)]);
  const t = scanSegment(torn, true, MAX);
  assert.equal(
    [t.frames.length, t.tail?.offset, t.tail?.lostBytes, t.corruption],
    [1, 8 + a.length, 60, null],
  );
  const bad = encodePad(100);
  flip(bad, 50);
  const damaged = Buffer.concat([SEGMENT_MAGIC, a, bad, a]);
  const d = scanSegment(damaged, true, MAX);
  assert.equal([d.corruption?.kind, d.corruption?.offset, d.tail], ['bad-crc', 8 + a.length, null]);
  // A pad longer than a page is no pad: its length field is damage.
  const long = Buffer.from(encodePad(100));
  long.writeUInt32BE(0x8000_0000 + 4097, 0);
  const l = scanSegment(Buffer.concat([SEGMENT_MAGIC, a, long, a]), false, MAX);
  assert.equal([l.corruption?.kind, l.frames.length], ['bad-length', 1]);
});

test.run();
