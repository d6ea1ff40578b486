import fc from 'fast-check';
import { generate } from 'mqtt-packet';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameScanner } from '../../../agent/proxies/frame-scanner.js';

const packets = (): Buffer[] => [
  generate({ cmd: 'pingreq' }),
  generate({
    cmd: 'publish',
    topic: 'readings/env',
    payload: Buffer.alloc(300, 7),
    qos: 1,
    messageId: 9,
    retain: false,
    dup: false,
  }),
  generate({
    cmd: 'publish',
    topic: 'r',
    payload: Buffer.alloc(20_000, 1),
    qos: 0,
    retain: false,
    dup: false,
  }),
  generate({ cmd: 'disconnect' }),
];

test('counts whole packets fed at once, byte by byte and at random splits', () => {
  const all = Buffer.concat(packets());
  const whole = new FrameScanner(65_536);
  assert.equal(whole.scan(all), { ok: true });
  assert.is(whole.completed, 4);
  assert.is(whole.isMidPacket, false);
  const bytes = new FrameScanner(65_536);
  for (let i = 0; i < all.length; i++) {
    const before = bytes.completed;
    assert.ok(bytes.scan(all.subarray(i, i + 1)).ok);
    // Between packets only right after a packet's last byte (PINGREQ and DISCONNECT are 2 bytes).
    assert.is(bytes.isMidPacket, bytes.completed === before, `byte ${i}`);
  }
  assert.is(bytes.completed, 4);
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 1, max: all.length - 1 }), { maxLength: 30 }), (cuts) => {
      const s = new FrameScanner(65_536);
      let at = 0;
      for (const c of [...cuts].sort((a, b) => a - b)) {
        if (!s.scan(all.subarray(at, c)).ok) return false;
        at = c;
      }
      return s.scan(all.subarray(at)).ok && s.completed === 4 && !s.isMidPacket;
    }),
  );
});

test('mid-packet is seen until the last byte of a packet', () => {
  const p = packets()[1] ?? Buffer.alloc(0);
  const s = new FrameScanner(65_536);
  s.scan(p.subarray(0, 1));
  assert.is(s.isMidPacket, true);
  s.scan(p.subarray(1, p.length - 1));
  assert.is(s.isMidPacket, true);
  s.scan(p.subarray(p.length - 1));
  assert.is(s.isMidPacket, false);
  assert.is(s.completed, 1);
});

test('a packet announced over the limit is refused from its header, before its body', () => {
  const s = new FrameScanner(1000);
  // PUBLISH with Remaining Length 100000 (0xa0 0x8d 0x06), no body sent yet.
  const r = s.scan(Buffer.from([0x30, 0xa0, 0x8d, 0x06]));
  assert.equal(r, { ok: false, isTooLarge: true, reason: 'packet of 100004 bytes, at most 1000 accepted' });
  const exact = new FrameScanner(300 + 3 + 1);
  const body = Buffer.alloc(300);
  assert.ok(
    exact.scan(Buffer.concat([Buffer.from([0x30, 0xac, 0x02]), body])).ok,
    '304 bytes fit a 304 limit',
  );
});

test('a Remaining Length of five bytes is malformed', () => {
  const s = new FrameScanner(268_435_455);
  const r = s.scan(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]));
  assert.equal(r, { ok: false, isTooLarge: false, reason: 'remaining length longer than 4 bytes' });
});

test.run();
