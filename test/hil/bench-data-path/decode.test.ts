/**
 * The two cloud-side decoders: the peer's bridged JSON and ztgw's telemetry bundle (built with the
 * project's own encoder), good messages and each kind of bad one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeBundle } from '../../../agent/bundle/bundle.js';
import { readingJson } from '../../../hil/bench/data-path/load-gen.js';
import { decodePeerMessage } from '../../../hil/bench/data-path/peer.js';
import { decodeZtgwBundle } from '../../../hil/bench/data-path/ztgw-gateway.js';

const utf8 = new TextEncoder();

test('readingJson has the issue’s shape', () => {
  const j = readingJson('s17', 123, 1_732_550_000_123, 16);
  assert.is(j, '{"sensor":"s17","t":1732550000123,"temp":25.69,"hum":68.5,"seq":123}');
  assert.equal(Object.keys(JSON.parse(j)), ['sensor', 't', 'temp', 'hum', 'seq']);
});

test('peer: one reading per message, from the body, on its own topic', () => {
  const p = Buffer.from(readingJson('s17', 5, 1, 0));
  assert.equal(decodePeerMessage('gw/gw-1/sensors/s17', p), { ok: true, value: [{ sensor: 's17', seq: 5 }] });
  assert.equal(decodePeerMessage('gw/gw-1/sensors/s18', p), {
    ok: false,
    reason: "reading of s17 on another sensor's topic",
  });
  assert.equal(decodePeerMessage('gw/gw-1/sensors/s1', Buffer.from('{"sensor":')), {
    ok: false,
    reason: 'payload is not JSON',
  });
  assert.equal(decodePeerMessage('gw/gw-1/sensors/s1', Buffer.from('[1]')), {
    ok: false,
    reason: 'payload is not a JSON object',
  });
  assert.equal(decodePeerMessage('gw/gw-1/sensors/s1', Buffer.from('{"sensor":"s1"}')), {
    ok: false,
    reason: 'payload lacks "sensor" or "seq"',
  });
});

const reading = (sensor: string, body: string) => ({
  sensor,
  tMs: 1_732_550_000_000,
  topic: 'readings/env',
  payload: utf8.encode(body),
});

test('ztgw: every reading of a bundle, deflated or not, by the body’s sensor and seq', () => {
  const readings = Array.from({ length: 50 }, (_, i) =>
    reading(`s${(i % 3) + 1}`, readingJson(`s${(i % 3) + 1}`, i + 1, 1, i)),
  );
  for (const isDeflateAllowed of [false, true]) {
    const b = encodeBundle({ deviceId: 'gw-1', bundleSeq: 1000, readings }, { isDeflateAllowed });
    const r = decodeZtgwBundle('ztgw/gw-1/up/t', Buffer.from(b));
    assert.equal(
      r,
      { ok: true, value: readings.map((_, i) => ({ sensor: `s${(i % 3) + 1}`, seq: i + 1 })) },
      `deflate ${isDeflateAllowed}`,
    );
  }
});

test('ztgw: refusals name the journal seq and the problem', () => {
  const one = (sensor: string, body: string) =>
    decodeZtgwBundle(
      't',
      Buffer.from(encodeBundle({ deviceId: 'gw-1', bundleSeq: 7, readings: [reading(sensor, body)] })),
    );
  assert.equal(one('s1', '{"sensor":"s2","seq":1}'), {
    ok: false,
    reason: 'journal seq 7: body says s2, sent by s1',
  });
  assert.equal(one('s1', '{"seq":1}'), { ok: false, reason: 'journal seq 7: body lacks "sensor" or "seq"' });
  assert.equal(one('s1', '[1,2]'), { ok: false, reason: 'journal seq 7: body is not an object' });
  assert.equal(one('s1', 'not json'), { ok: false, reason: 'journal seq 7: body is not JSON' });
  assert.equal(decodeZtgwBundle('t', Buffer.from([0xa1, 0x61])), {
    ok: false,
    reason: 'bundle: truncated CBOR (2 bytes)',
  });
});

test.run();
