import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createAuthenticator,
  hashSecret,
  hashToken,
  MAX_SECRET_BYTES,
  parseCredential,
} from '../../../agent/proxies/index.js';

// A cheap cost keeps the suite quick; the format and the checks are the same at N = 16384.
const FAST = { N: 1024, r: 8, p: 1 };

test('hashSecret makes scrypt$N$r$p$salt$key with the documented defaults', async () => {
  const s = await hashSecret('correct horse');
  const parts = s.split('$');
  assert.is(parts.length, 6);
  assert.equal(parts.slice(0, 4), ['scrypt', '16384', '8', '1']);
  assert.is(Buffer.from(parts[4] ?? '', 'base64').length, 16);
  assert.is(Buffer.from(parts[5] ?? '', 'base64').length, 32);
  const c = parseCredential(s);
  assert.ok(c.ok);
  if (c.ok && c.value.kind === 'scrypt') assert.equal([c.value.N, c.value.r, c.value.p], [16384, 8, 1]);
  else assert.unreachable('not scrypt');
  assert.is.not(await hashSecret('correct horse'), s, 'a fresh salt each time');
});

test('verify: the right secret passes, a wrong one, another sensor and an unknown sensor fail', async () => {
  const auth = createAuthenticator({ s1: await hashSecret('one', FAST), s2: await hashSecret('two', FAST) });
  assert.is(await auth.verify('s1', 'one'), true);
  assert.is(await auth.verify('s1', 'two'), false);
  assert.is(await auth.verify('s2', 'one'), false);
  assert.is(await auth.verify('nobody', 'one'), false);
  assert.is(await auth.verify('constructor', 'x'), false);
});

test('an unknown sensor costs one scrypt like a known one (no enumeration by timing)', async () => {
  const auth = createAuthenticator({ s1: await hashSecret('one', FAST) }, { cacheMaxEntries: 0 });
  await auth.verify('s1', 'wrong');
  assert.is(auth.counters().scrypts, 1);
  await auth.verify('ghost', 'wrong');
  assert.is(auth.counters().scrypts, 2);
});

test('successes are cached under an HMAC: a reconnect pays no scrypt; failures are never cached', async () => {
  let now = 0;
  const auth = createAuthenticator(
    { s1: await hashSecret('one', FAST) },
    { cacheTtlMs: 1000, nowMs: () => now },
  );
  assert.is(await auth.verify('s1', 'one'), true);
  assert.is(await auth.verify('s1', 'one'), true);
  assert.equal(auth.counters(), { scrypts: 1, cacheHits: 1 });
  assert.is(await auth.verify('s1', 'bad'), false);
  assert.is(await auth.verify('s1', 'bad'), false);
  assert.equal(auth.counters(), { scrypts: 3, cacheHits: 1 });
  now = 1001; // past the TTL: scrypt again
  assert.is(await auth.verify('s1', 'one'), true);
  assert.equal(auth.counters(), { scrypts: 4, cacheHits: 1 });
});

test('the cache is bounded: the oldest success is dropped first', async () => {
  const creds = {
    a: await hashSecret('A', FAST),
    b: await hashSecret('B', FAST),
    c: await hashSecret('C', FAST),
  };
  const auth = createAuthenticator(creds, { cacheMaxEntries: 2 });
  for (const [id, s] of [
    ['a', 'A'],
    ['b', 'B'],
    ['c', 'C'],
  ] as const)
    assert.ok(await auth.verify(id, s));
  assert.is(auth.counters().scrypts, 3);
  assert.ok(await auth.verify('c', 'C'));
  assert.ok(await auth.verify('b', 'B'));
  assert.is(auth.counters().scrypts, 3, 'b and c are cached');
  assert.ok(await auth.verify('a', 'A'));
  assert.is(auth.counters().scrypts, 4, 'a was evicted');
});

test('sha256 tokens: hashToken and verify, no scrypt', async () => {
  const token = 'q8Jm3xV0yY2bN6rT1sW9uA';
  const cred = hashToken(token);
  assert.match(cred, /^sha256\$[0-9a-f]{64}$/);
  const auth = createAuthenticator({ t1: cred });
  assert.is(await auth.verify('t1', token), true);
  assert.is(await auth.verify('t1', `${token}x`), false);
  assert.is(auth.counters().scrypts, 0);
});

test('a secret over MAX_SECRET_BYTES is refused before any hashing', async () => {
  const auth = createAuthenticator({ s1: await hashSecret('x'.repeat(MAX_SECRET_BYTES + 1), FAST) });
  assert.is(await auth.verify('s1', 'x'.repeat(MAX_SECRET_BYTES + 1)), false);
  assert.is(auth.counters().scrypts, 0);
});

const salt = Buffer.alloc(16, 1).toString('base64');
const key = Buffer.alloc(32, 2).toString('base64');
const BAD: Array<[string, RegExp]> = [
  ['', /unknown credential scheme ""/],
  ['bcrypt$x', /unknown credential scheme "bcrypt"/],
  ['sha256$abc', /64 lowercase hex/],
  [`sha256$${'A'.repeat(64)}`, /64 lowercase hex/],
  ['scrypt$16384$8$1$abc', /scrypt\$N\$r\$p/],
  [`scrypt$1000$8$1$${salt}$${key}`, /N is 1000, expected a power of two/],
  [`scrypt$x$8$1$${salt}$${key}`, /N is not a whole number/],
  [`scrypt$16384$64$1$${salt}$${key}`, /r is 64, expected 1\.\.32/],
  [`scrypt$16384$8$0$${salt}$${key}`, /p is 0/],
  [`scrypt$16384$8$1$${Buffer.alloc(8).toString('base64')}$${key}`, /salt is 8 bytes/],
  [`scrypt$16384$8$1$${salt}$!!!!`, /key is not base64/],
];

test('parseCredential names what is wrong', () => {
  for (const [s, re] of BAD) {
    const r = parseCredential(s);
    assert.is(r.ok, false, s);
    if (!r.ok) assert.match(r.reason, re, s);
  }
});

test('createAuthenticator refuses a bad credential with CONFIG_INVALID naming the sensor', () => {
  try {
    createAuthenticator({ s9: 'scrypt$1$2' });
    assert.unreachable('should throw');
  } catch (e) {
    assert.is((e as { code?: string }).code, 'CONFIG_INVALID');
    assert.match((e as Error).message, /sensors\.s9\.credential/);
  }
});

test.run();
