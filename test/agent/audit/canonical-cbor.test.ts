import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareKeys, decodeCanonical, encodeCanonical } from '../../../agent/audit/canonical-cbor.js';
import { hex } from './audit-kit.js';

test('maps are written with keys length-first then bytewise (RFC 8949 §4.2.1), whatever the JS order', () => {
  // {"a": 2, "b": 1, "7": 3, "aa": 4}: "7" < "a" < "b" (length 1), then "aa".
  const want = 'a4' + '6137' + '03' + '6161' + '02' + '6162' + '01' + '626161' + '04';
  assert.is(hex(encodeCanonical({ b: 1, aa: 4, a: 2, '7': 3 })), want);
  assert.is(hex(encodeCanonical({ '7': 3, a: 2, aa: 4, b: 1 })), want);
});

test('integers take their shortest form, including beyond 32 bits', () => {
  assert.is(hex(encodeCanonical(23)), '17');
  assert.is(hex(encodeCanonical(24)), '1818');
  assert.is(hex(encodeCanonical(0xffff_ffff)), '1affffffff');
  assert.is(hex(encodeCanonical(0x1_0000_0000)), '1b0000000100000000');
  // 1 764 590 400 000 ms (2025-12-01) = 0x19A_D9C8_B200.
  assert.is(hex(encodeCanonical(1_764_590_400_000)), '1b0000019ad9c8b200');
  assert.is(hex(encodeCanonical(-1)), '20');
  assert.is(hex(encodeCanonical(-0x1_0000_0000)), '3affffffff');
  assert.is(hex(encodeCanonical(-5_000_000_000)), '3b000000012a05f1ff');
  assert.is(hex(encodeCanonical(-0)), '00');
});

test('byte strings are untagged, arrays and nested maps sorted too', () => {
  assert.is(hex(encodeCanonical(new Uint8Array([1, 2]))), '420102');
  assert.is(hex(encodeCanonical(Buffer.from([1, 2]))), '420102');
  assert.is(hex(encodeCanonical([{ z: 1, y: null }, true])), '82' + 'a2' + '6179f6' + '617a01' + 'f5');
});

test('values with no deterministic form here are refused as caller mistakes', () => {
  assert.throws(() => encodeCanonical({ x: 1.5 }), /\$\.x: only safe integers/);
  assert.throws(() => encodeCanonical({ x: Number.NaN }), /only safe integers/);
  assert.throws(() => encodeCanonical({ x: new Date(0) }), /Date cannot be written/);
  assert.throws(() => encodeCanonical([undefined]), /undefined cannot be written/);
  assert.throws(() => encodeCanonical(new Map()), /Map cannot be written/);
  assert.throws(() => encodeCanonical(JSON.parse('{"__proto__": 1}')), /__proto__ is not allowed/);
});

test('absent optional fields are left out', () => {
  assert.is(hex(encodeCanonical({ a: 1, b: undefined })), 'a1616101');
});

test('decoding untrusted bytes: floats, tags and junk are reasons, 64-bit ints come back exact', () => {
  const f = decodeCanonical(Buffer.from('fb3ff8000000000000', 'hex'));
  assert.is(f.ok, false);
  assert.ok(!f.ok && /not a safe integer/.test(f.reason));
  const tag = decodeCanonical(Buffer.from('c11a00000000', 'hex'));
  assert.is(tag.ok, false);
  const junk = decodeCanonical(Buffer.from('5f', 'hex'));
  assert.is(junk.ok, false);
  const big = decodeCanonical(Buffer.from('3b000000012a05f1ff', 'hex'));
  assert.equal(big, { ok: true, value: -5_000_000_000 });
  const tooBig = decodeCanonical(Buffer.from('1b0020000000000000', 'hex'));
  assert.ok(!tooBig.ok && /beyond 2\^53/.test(tooBig.reason));
});

test('compareKeys orders non-ASCII keys by UTF-8 bytes', () => {
  assert.ok(compareKeys('é', 'z') > 0, 'é is two bytes, so it sorts after any one-byte key');
  assert.ok(
    compareKeys('ab', 'é') ===
      Buffer.compare(Buffer.from([0x62, 0x61, 0x62]), Buffer.from([0x62, 0xc3, 0xa9])),
  );
});

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.string(),
    fc.uint8Array({ maxLength: 8 }),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(
      fc.string({ maxLength: 6 }).filter((k) => k !== '__proto__'),
      tie('node'),
      { maxKeys: 5 },
    ),
  ),
})).node;

test('re-encoding a decoded value gives the same bytes (stable re-hashing)', () => {
  fc.assert(
    fc.property(value, (v) => {
      const a = encodeCanonical(v);
      const d = decodeCanonical(a);
      assert.ok(d.ok);
      if (d.ok) assert.is(hex(encodeCanonical(d.value)), hex(a));
    }),
    { numRuns: 300 },
  );
});

test.run();
