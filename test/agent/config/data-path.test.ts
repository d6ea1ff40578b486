import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateConfig } from '../../../agent/config/validate.js';
import { minimal, problemLines, withField } from './sample.js';

const SCRYPT = `scrypt$16384$8$1$${Buffer.alloc(16, 7).toString('base64')}$${Buffer.alloc(32, 9).toString('base64')}`;
const TOKEN = `sha256$${'ab'.repeat(32)}`;

test('defaults: no sensors (all denied), journal and telemetry figures as documented', () => {
  const r = validateConfig(minimal());
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.config.sensors, { credentials: {}, policy: { sensors: {} } });
  assert.equal(r.config.journal, {
    maxBytes: 67_108_864,
    maxAgeS: 604_800,
    segmentBytes: 1_048_576,
    groupCommitMs: 25,
    commitAlignBytes: 4096,
  });
  assert.equal(r.config.telemetry, {
    bundleMaxReadings: 2000,
    bundleMaxBytes: 262_144,
    bundleMaxWaitMs: 1000,
    maxInFlight: 2,
    isDeflateAllowed: true,
  });
});

test('a sensor with a credential and a policy; the policy gets its defaults', () => {
  const raw = withField(minimal(), 'sensors', {
    s1: { credential: SCRYPT, publish: ['readings/#'] },
    s2: { credential: TOKEN, publish: ['a'], rate: { ratePerS: 100, burst: 200 } },
  });
  const r = validateConfig(withField(raw, 'telemetry', { dailyCapBytes: 10_000_000 }));
  assert.equal(problemLines(r), []);
  if (!r.ok) return;
  assert.equal(r.config.sensors.credentials, { s1: SCRYPT, s2: TOKEN });
  assert.equal(r.config.sensors.policy.sensors['s1']?.subscribe, ['cmd/s1']);
  assert.equal(r.config.sensors.policy.sensors['s2']?.rate, { ratePerS: 100, burst: 200 });
  assert.is(r.config.telemetry.dailyCapBytes, 10_000_000);
});

test('every problem names its field', () => {
  const raw = withField(
    withField(
      withField(minimal(), 'sensors', {
        s1: { publish: ['x'] },
        s2: { credential: 'hunter2', publish: ['x'] },
        s3: {
          credential: 'scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==',
          publish: ['x'],
        },
        'bad id': { credential: TOKEN, publish: ['x'] },
        s4: { credential: TOKEN, publish: ['x'], rates: 1 },
      }),
      'journal',
      { maxBytes: 1024, groupCommitMs: 5000 },
    ),
    'telemetry',
    { maxInFlight: 0, bundleWait: 1 },
  );
  assert.equal(problemLines(validateConfig(raw)), [
    'sensors.s1.credential: required (a string)',
    'sensors.s2.credential: unknown credential scheme "hunter2" (scrypt or sha256); expected "scrypt$N$r$p$<salt base64>$<key base64>" or "sha256$<64 hex digits>" (ztgw sensor hash-secret prints one)',
    'sensors.s3.credential: N is 1000, expected a power of two; expected "scrypt$N$r$p$<salt base64>$<key base64>" or "sha256$<64 hex digits>" (ztgw sensor hash-secret prints one)',
    'sensors["bad id"]: bad sensor id: expected 1..64 characters of [A-Za-z0-9_.-] starting with a letter or digit',
    'sensors.s4.rates: unknown key (expected one of publish, subscribe, maxPayloadBytes, rate, schema)',
    'journal.maxBytes: must be between 1048576 and 68719476736, got 1024',
    'journal.groupCommitMs: must be between 0 and 1000, got 5000',
    'telemetry.bundleWait: unknown key',
    'telemetry.maxInFlight: must be between 1 and 16, got 0',
  ]);
});

test.run();
