import { decode } from 'cbor-x';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type BundleInput, decodeBundle, encodeBundle } from '../../../agent/bundle/bundle.js';
import { CborWriter } from '../../../agent/bundle/cbor-writer.js';
import { climateBundle, jsonReading, T0, utf8 } from './bundle-kit.js';

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function mustDecode(bytes: Uint8Array) {
  const r = decodeBundle(bytes);
  if (!r.ok) throw new Error(`decode failed: ${r.reason}`);
  return r.value;
}

test('round trip: JSON bodies, raw byte bodies and unicode', () => {
  const raw = new Uint8Array([0x00, 0xff, 0xfe, 0x7b, 0x80]);
  const input: BundleInput = {
    deviceId: 'gw-Zürich-東京',
    bundleSeq: 2 ** 40,
    readings: [
      jsonReading('s17', T0 + 5, 'readings/env', {
        temp: 21.37,
        hum: 40.2,
        ok: true,
        note: null,
        tags: ['a', 'ß'],
      }),
      { sensor: 'modbus/ä', tMs: T0, topic: 'raw/ä', payload: raw },
      jsonReading('s17', T0 + 70_000, 'cmd-ack', {
        label: 'Grüße 🌡️',
        n: -17,
        big: 2 ** 53 - 1,
        neg64: -1_770_583_051_883_644,
        half: 0.5,
      }),
      { sensor: 'text', tMs: T0 + 1, topic: 'readings/env', payload: utf8.encode('not json {') },
      jsonReading('s18', T0 + 2, 'a/b/c', 'just a string'),
    ],
  };
  const b = mustDecode(encodeBundle(input, { isDeflateAllowed: false }));
  assert.is(b.deviceId, 'gw-Zürich-東京');
  assert.is(b.bundleSeq, 2 ** 40);
  assert.is(b.t0Ms, T0);
  assert.is(b.wasDeflated, false);
  assert.equal(
    b.readings.map((r) => [r.sensor, r.topic, r.tMs, r.seq]),
    [
      ['s17', 'readings/env', T0 + 5, 2 ** 40],
      ['modbus/ä', 'raw/ä', T0, 2 ** 40 + 1],
      ['s17', 'cmd-ack', T0 + 70_000, 2 ** 40 + 2],
      ['text', 'readings/env', T0 + 1, 2 ** 40 + 3],
      ['s18', 'a/b/c', T0 + 2, 2 ** 40 + 4],
    ],
  );
  assert.equal(b.readings[0]?.body, {
    kind: 'json',
    value: { temp: 21.37, hum: 40.2, ok: true, note: null, tags: ['a', 'ß'] },
  });
  assert.equal(b.readings[1]?.body, { kind: 'bytes', bytes: raw });
  assert.equal(b.readings[2]?.body, {
    kind: 'json',
    value: { label: 'Grüße 🌡️', n: -17, big: 2 ** 53 - 1, neg64: -1_770_583_051_883_644, half: 0.5 },
  });
  assert.equal(b.readings[3]?.body, { kind: 'bytes', bytes: utf8.encode('not json {') });
  assert.equal(b.readings[4]?.body, { kind: 'json', value: 'just a string' });
});

test('empty bundle round trips with t0 = 0', () => {
  const b = mustDecode(encodeBundle({ deviceId: 'gw', bundleSeq: 0, readings: [] }));
  assert.equal([b.t0Ms, b.readings.length, b.wasDeflated], [0, 0, false]);
});

test('numbers: integers shortest, float32 only when exact, float64 otherwise, -0 kept', () => {
  const w = new CborWriter();
  for (const n of [0, 23, 24, 255, 256, 65_536, T0, -1, -25, 0.5, 21.37, -0, 1e300]) w.number(n);
  assert.is(
    hex(w.finish()),
    [
      '00',
      '17',
      '1818',
      '18ff',
      '190100',
      '1a00010000',
      '1b000001936406fdfb',
      '20',
      '3818',
      'fa3f000000',
      'fb40355eb851eb851f',
      'fa80000000',
      'fb7e37e43c8800759c',
    ].join(''),
  );
  const body = mustDecode(
    encodeBundle({
      deviceId: 'd',
      bundleSeq: 1,
      readings: [{ sensor: 'a', tMs: 1, topic: 'readings/env', payload: utf8.encode('[-0]') }],
    }),
  ).readings[0]?.body;
  assert.ok(body?.kind === 'json' && Array.isArray(body.value) && Object.is(body.value[0], -0));
});

test('bytes per reading: 100 climate readings from 10 sensors (JSON 77.37, CBOR 62.96, deflated 16.79 B/reading)', () => {
  const input = climateBundle();
  const plain = encodeBundle(input, { isDeflateAllowed: false });
  const packed = encodeBundle(input);
  assert.is(plain.length, 6296);
  assert.is(packed.length, 1679);
  assert.is(
    input.readings.reduce((n, r) => n + r.payload.length, 0),
    7737,
    'the same readings as JSON',
  );
  assert.ok(packed.length / 100 < 40, `deflated ${packed.length / 100} B/reading`);
  const b = mustDecode(packed);
  assert.is(b.wasDeflated, true);
  assert.is(b.readings.length, 100);
  assert.equal(b.readings[99]?.body, {
    kind: 'json',
    value: { sensor: 's19', t: T0 + 99_000, temp: 21.37 + 1 * 0.01, hum: 40.2 + 4 * 0.1, seq: 222 },
  });
});

test('deflate is used only when it pays', () => {
  const small = { deviceId: 'gw', bundleSeq: 1, readings: [jsonReading('s1', T0, 'r', { temp: 21.5 })] };
  const smallPlain = encodeBundle(small, { isDeflateAllowed: false });
  assert.equal(encodeBundle(small), smallPlain, 'a small bundle stays plain');
  const repetitive = climateBundle();
  const plain = encodeBundle(repetitive, { isDeflateAllowed: false });
  const packed = encodeBundle(repetitive);
  assert.is((decode(packed) as { z: unknown }).z, 1);
  // A threshold above the real saving keeps it plain.
  const ratio = (plain.length - packed.length) / plain.length;
  assert.equal(encodeBundle(repetitive, { deflateMinSavingRatio: ratio + 0.01 }), plain);
  assert.equal(encodeBundle(repetitive, { deflateMinSavingBytes: plain.length }), plain);
  // Random bytes do not compress: plain.
  let x = 12345;
  const noise = new Uint8Array(600).map(() => {
    // xorshift32: incompressible enough for deflate, and the same every run.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x & 0xff;
  });
  const noisy = {
    deviceId: 'gw',
    bundleSeq: 1,
    readings: [{ sensor: 'n', tMs: T0, topic: 'readings/env', payload: noise }],
  };
  assert.equal(encodeBundle(noisy), encodeBundle(noisy, { isDeflateAllowed: false }));
});

test('determinism: the same input gives the same bytes, fixed key order', () => {
  const a = encodeBundle(climateBundle());
  const b = encodeBundle(climateBundle());
  assert.equal(a, b);
  const plain = encodeBundle(
    { deviceId: 'd', bundleSeq: 3, readings: [jsonReading('s', 10, 't', { b: 1, a: 2 })] },
    {
      isDeflateAllowed: false,
    },
  );
  // {v:1, dev:"d", seq:3, t0:10, s:["s"], tp:["t"], r:[[0,0,0,{b:1,a:2}]]}
  assert.is(
    hex(plain),
    'a7' +
      '617601' +
      '636465766164' +
      '6373657103' +
      '6274300a' +
      '617381617' +
      '3' +
      '627470816174' +
      '617281840000' +
      '00a2616201616102',
  );
});

test('interoperability: a plain cbor-x decode sees the documented structure', () => {
  const input = climateBundle();
  const plainDoc = decode(encodeBundle(input, { isDeflateAllowed: false })) as Record<string, unknown>;
  assert.equal(Object.keys(plainDoc), ['v', 'dev', 'seq', 't0', 's', 'tp', 'r']);
  assert.is(plainDoc['v'], 1);
  assert.is(plainDoc['dev'], 'gw-0042');
  assert.is(plainDoc['seq'], 7);
  // Above 2^32 a uint64: cbor-x without options gives a bigint, proving it is an integer, not a float.
  assert.is(plainDoc['t0'], BigInt(T0));
  assert.equal(plainDoc['s'], ['s10', 's11', 's12', 's13', 's14', 's15', 's16', 's17', 's18', 's19']);
  const r = plainDoc['r'] as unknown[][];
  assert.equal(plainDoc['tp'], ['readings/env', 'readings/air']);
  assert.equal(r[13], [
    3,
    13_000,
    1,
    { sensor: 's13', t: BigInt(T0 + 13_000), temp: 21.43, hum: 40.5, seq: 136 },
  ]);
  const env = decode(encodeBundle(input)) as Record<string, unknown>;
  assert.equal(Object.keys(env), ['v', 'z', 'd']);
  assert.ok(env['d'] instanceof Uint8Array);
  const raw = decode(
    encodeBundle({
      deviceId: 'd',
      bundleSeq: 1,
      readings: [{ sensor: 'x', tMs: 1, topic: 'readings/env', payload: new Uint8Array([1, 2]) }],
    }),
  ) as { r: unknown[][] };
  const body = r[0] === undefined ? undefined : raw.r[0]?.[3];
  assert.ok(body instanceof Uint8Array);
  assert.equal([...body], [1, 2]);
});

test('encoder refuses what no receiver would accept', () => {
  assert.throws(() => encodeBundle({ deviceId: 'd', bundleSeq: -1, readings: [] }), /bundleSeq/);
  assert.throws(
    () =>
      encodeBundle({
        deviceId: 'd',
        bundleSeq: 1,
        readings: [{ sensor: 's', tMs: 1.5, topic: 'readings/env', payload: new Uint8Array() }],
      }),
    /tMs/,
  );
  const many = {
    deviceId: 'd',
    bundleSeq: 1,
    readings: [jsonReading('s', 1, 'r', 1), jsonReading('s', 1, 'r', 1)],
  };
  assert.throws(() => encodeBundle(many, { maxReadings: 1 }), /limit is 1/);
});

test('deeply nested JSON travels as raw bytes', () => {
  const deep = `${'['.repeat(40)}1${']'.repeat(40)}`;
  const b = mustDecode(
    encodeBundle({
      deviceId: 'd',
      bundleSeq: 1,
      readings: [{ sensor: 's', tMs: 1, topic: 'readings/env', payload: utf8.encode(deep) }],
    }),
  );
  assert.equal(b.readings[0]?.body, { kind: 'bytes', bytes: utf8.encode(deep) });
});

test('JSON that is not a JSON value in CBOR (1e999 is Infinity) travels as raw bytes, whole', () => {
  const readings = ['{"t":1e999}', '[1,{"a":[2,-1e400]}]'].map((text, i) => ({
    sensor: 's',
    tMs: i,
    topic: 'readings/env',
    payload: utf8.encode(text),
  }));
  const b = mustDecode(encodeBundle({ deviceId: 'd', bundleSeq: 1, readings }, { isDeflateAllowed: false }));
  assert.equal(
    b.readings.map((r) => r.body),
    readings.map((r) => ({ kind: 'bytes', bytes: r.payload })),
  );
});

test('text: ASCII, multi-byte and lone surrogates are written as TextEncoder writes them', () => {
  for (const s of ['', 'temp', 'x'.repeat(300), 'Grüße 🌡️', 'a\ud800b', '\udfff', '東京/ä']) {
    const w = new CborWriter();
    w.text(s);
    const bytes = new TextEncoder().encode(s);
    const head = new CborWriter();
    head.bytes(bytes);
    // Same head argument as the byte string of the same bytes, major type 3 instead of 2.
    const expected = head.finish();
    expected[0] = (expected[0] ?? 0) | 0x20;
    assert.is(hex(w.finish()), hex(expected), JSON.stringify(s));
    assert.is(decode(w.finish()), new TextDecoder().decode(bytes));
  }
});

test.run();
