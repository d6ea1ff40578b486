import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeBundle, encodeBundle } from '../../../agent/bundle/bundle.js';
import { climateBundle, envelope, handBundle, plainBytes } from './bundle-kit.js';

function reasonOf(bytes: Uint8Array, opts = {}): string {
  const r = decodeBundle(bytes, opts);
  return r.ok ? 'ok' : r.reason;
}

test('rejections name the cause', () => {
  assert.is(reasonOf(handBundle({})), 'ok');
  assert.is(reasonOf(handBundle({ v: 2 })), 'bundle: unsupported version v=2, expected 1');
  const good = encodeBundle(climateBundle(), { isDeflateAllowed: false });
  assert.is(reasonOf(good.subarray(0, good.length - 3)), `bundle: truncated CBOR (${good.length - 3} bytes)`);
  assert.is(reasonOf(new Uint8Array()), 'bundle: truncated CBOR (0 bytes)');
  assert.is(reasonOf(handBundle({ index: 1 })), 'bundle: r[0] sensor index 1 out of range (table has 1)');
  assert.is(reasonOf(handBundle({ readings: 3 }), { maxReadings: 2 }), 'bundle: 3 readings, limit is 2');
  assert.is(reasonOf(handBundle({ readings: 10_001 })), 'bundle: 10001 readings, limit is 10000');
  assert.is(reasonOf(plainBytes((w) => w.arrayHeader(0))), 'bundle: expected a CBOR map at the top');
  // cbor-x's own extensions (a tag-1 date here) are not plain bundle data.
  assert.is(
    reasonOf(Buffer.from('a16176c11a00000001', 'hex')),
    'bundle: unsupported version v="1970-01-01T00:00:01.000Z", expected 1',
  );
  assert.is(reasonOf(Buffer.from('c11a00000001', 'hex')), 'bundle: expected a CBOR map at the top');
  assert.is(reasonOf(Buffer.from('a1016176', 'hex')), 'bundle: unsupported version v=missing, expected 1');
  const trailing = new Uint8Array([...handBundle({}), 0x00]);
  assert.match(reasonOf(trailing), /^bundle: malformed CBOR/);
});

test('envelope rejections: zip bomb over the limit, bad deflate, wrong z, truncated inner', () => {
  const bomb = envelope(deflateRawSync(new Uint8Array(2 * 1024 * 1024)));
  assert.ok(bomb.length < 4096, `bomb is small on the wire (${bomb.length} bytes)`);
  assert.is(reasonOf(bomb), 'envelope: inflated size over the limit of 1048576 bytes');
  const packed = encodeBundle(climateBundle());
  assert.is(
    reasonOf(packed, { maxDecompressedBytes: 4000 }),
    'envelope: inflated size over the limit of 4000 bytes',
  );
  assert.match(
    reasonOf(envelope(new Uint8Array([0xff, 0xff, 0xff]))),
    /^envelope: d is not valid deflate data/,
  );
  const inner = handBundle({});
  assert.match(reasonOf(envelope(deflateRawSync(inner.subarray(0, 10)))), /^inflated bundle: truncated CBOR/);
  assert.is(
    reasonOf(envelope(deflateRawSync(envelope(deflateRawSync(inner))))),
    'inflated bundle: nested envelope refused',
  );
  const z2 = plainBytes((w) => {
    w.mapHeader(3);
    w.text('v');
    w.uint(1);
    w.text('z');
    w.uint(2);
    w.text('d');
    w.bytes(new Uint8Array(1));
  });
  assert.is(reasonOf(z2), 'envelope: unsupported compression z=2, expected 1 (deflate)');
  const ok = decodeBundle(envelope(deflateRawSync(inner)));
  assert.ok(ok.ok && ok.value.wasDeflated);
});

const utf8 = new TextEncoder();

test('a "__proto__" key in a sensor\'s JSON stays a plain data key', () => {
  const payload = utf8.encode('{"__proto__":{"x":1},"a":2}');
  const r = decodeBundle(
    encodeBundle({
      deviceId: 'd',
      bundleSeq: 1,
      readings: [{ sensor: 's', tMs: 1, topic: 'readings/env', payload }],
    }),
  );
  if (!r.ok) throw new Error(r.reason);
  const body = r.value.readings[0]?.body;
  assert.is(JSON.stringify(body), '{"kind":"json","value":{"__proto__":{"x":1},"a":2}}');
  assert.ok(body?.kind === 'json' && Object.getPrototypeOf(body.value) === Object.prototype);
});

test('property: any JSON payload round trips to the value JSON.parse gives', () => {
  fc.assert(
    fc.property(fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 5 }), (values) => {
      const readings = values.map((v, i) => ({
        sensor: `s${i % 2}`,
        tMs: 1000 + i,
        topic: 'readings/env',
        payload: utf8.encode(JSON.stringify(v)),
      }));
      const r = decodeBundle(encodeBundle({ deviceId: 'd', bundleSeq: 1, readings }));
      if (!r.ok) throw new Error(r.reason);
      assert.equal(
        r.value.readings.map((x) => (x.body.kind === 'json' ? x.body.value : 'bytes')),
        values.map((v) => JSON.parse(JSON.stringify(v))),
      );
    }),
    { numRuns: 300 },
  );
});

test('property: the decoder never throws on mutated or random input', () => {
  const good = encodeBundle(climateBundle(), { isDeflateAllowed: false });
  const packed = encodeBundle(climateBundle());
  const mutated = fc
    .tuple(
      fc.constantFrom(good, packed),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
      fc.nat(),
    )
    .map(([base, edits, cut]) => {
      const b = new Uint8Array(base);
      for (const [at, byte] of edits) b[at % b.length] = byte;
      return b.subarray(0, b.length - (cut % 8));
    });
  fc.assert(
    fc.property(fc.oneof(mutated, fc.uint8Array({ maxLength: 200 })), (bytes) => {
      const r = decodeBundle(bytes);
      assert.type(r.ok, 'boolean');
      if (!r.ok) assert.ok(r.reason.length > 0);
    }),
    { numRuns: 2000 },
  );
});

test.run();
