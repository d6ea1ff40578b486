import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validatePolicy } from '../../../agent/policy/validate.js';

test('a minimal sensor gets every default', () => {
  const r = validatePolicy({ sensors: { s1: { publish: ['temp', 'log/#'] } } });
  assert.equal(r, {
    ok: true,
    policy: {
      sensors: {
        s1: {
          publish: ['temp', 'log/#'],
          subscribe: ['cmd/s1'],
          maxPayloadBytes: 4096,
          rate: { ratePerS: 10, burst: 20 },
        },
      },
    },
  });
  if (r.ok) assert.ok(Object.isFrozen(r.policy.sensors['s1']?.rate));
});

test('every field may be set', () => {
  const r = validatePolicy({
    sensors: {
      'pump-1': {
        publish: ['flow'],
        subscribe: [],
        maxPayloadBytes: 256,
        rate: { ratePerS: 0.5, burst: 1 },
        schema: { keys: { lps: 'number', ok: 'boolean' }, allowsExtraKeys: true },
      },
    },
  });
  assert.equal(r, {
    ok: true,
    policy: {
      sensors: {
        'pump-1': {
          publish: ['flow'],
          subscribe: [],
          maxPayloadBytes: 256,
          rate: { ratePerS: 0.5, burst: 1 },
          schema: { keys: { lps: 'number', ok: 'boolean' }, allowsExtraKeys: true },
        },
      },
    },
  });
});

test('schema.allowsExtraKeys defaults to false', () => {
  const r = validatePolicy({ sensors: { s1: { publish: ['t'], schema: { keys: { t: 'number' } } } } });
  assert.equal(r.ok ? r.policy.sensors['s1']?.schema : null, {
    keys: { t: 'number' },
    allowsExtraKeys: false,
  });
});

test('every bad field is named', () => {
  const r = validatePolicy({
    extra: 1,
    sensors: {
      s1: {
        publish: ['a/+/b', 'a/#/b', 42, 'cmd/s1'],
        subscribe: ['cmd/s2', 'cmd/+', '#', 'cmd/s1'],
        maxPayloadBytes: 0,
        rate: { ratePerS: 0, burst: 2.5, per: 1 },
        schema: { keys: { t: 'int' }, allowsExtraKeys: 'yes' },
        maxPayloadByte: 10,
      },
      'bad/id': { publish: [] },
      s3: 'nope',
      s4: {},
    },
  });
  assert.equal(r, {
    ok: false,
    problems: [
      { path: 'extra', problem: 'unknown key (expected one of sensors)' },
      {
        path: 'sensors.s1.maxPayloadByte',
        problem: 'unknown key (expected one of publish, subscribe, maxPayloadBytes, rate, schema)',
      },
      { path: 'sensors.s1.publish[1]', problem: 'bad-wildcard: "#" must be the last level' },
      { path: 'sensors.s1.publish[2]', problem: 'expected a topic pattern, got a number (42)' },
      { path: 'sensors.s1.publish[3]', problem: '"cmd/…" is for commands to sensors, not for publishing' },
      {
        path: 'sensors.s1.subscribe[0]',
        problem: 'segmentation: reaches the command topics of other sensors',
      },
      {
        path: 'sensors.s1.subscribe[1]',
        problem: 'segmentation: reaches the command topics of other sensors',
      },
      {
        path: 'sensors.s1.subscribe[2]',
        problem: 'segmentation: reaches the command topics of other sensors',
      },
      { path: 'sensors.s1.maxPayloadBytes', problem: 'expected an integer 1..1048576, got a number (0)' },
      { path: 'sensors.s1.rate.per', problem: 'unknown key (expected one of ratePerS, burst)' },
      {
        path: 'sensors.s1.rate.ratePerS',
        problem: 'expected a number above 0, at most 1000, got a number (0)',
      },
      { path: 'sensors.s1.rate.burst', problem: 'expected an integer 1..10000, got a number (2.5)' },
      {
        path: 'sensors.s1.schema.keys.t',
        problem: 'expected "number", "string" or "boolean", got a string ("int")',
      },
      { path: 'sensors.s1.schema.allowsExtraKeys', problem: 'expected a boolean, got a string ("yes")' },
      {
        path: 'sensors["bad/id"]',
        problem: 'bad sensor id: expected 1..64 characters of [A-Za-z0-9_.-] starting with a letter or digit',
      },
      { path: 'sensors.s3', problem: 'expected an object, got a string ("nope")' },
      { path: 'sensors.s4.publish', problem: 'expected an array of topic patterns, got undefined' },
    ],
  });
});

test('not an object, no sensors, bad sensors map', () => {
  assert.equal(validatePolicy(null), {
    ok: false,
    problems: [{ path: '', problem: 'expected an object { sensors }, got null' }],
  });
  assert.equal(validatePolicy({}), {
    ok: false,
    problems: [{ path: 'sensors', problem: 'expected an object of sensor id → policy, got undefined' }],
  });
  assert.equal(validatePolicy({ sensors: [] }), {
    ok: false,
    problems: [{ path: 'sensors', problem: 'expected an object of sensor id → policy, got an array' }],
  });
});

test('prototype-named ids from JSON are refused, not merged', () => {
  const r = validatePolicy(JSON.parse('{"sensors":{"__proto__":{"publish":["#"]}}}'));
  assert.equal(r.ok, false);
  if (!r.ok)
    assert.equal(
      r.problems.map((p) => p.path),
      ['sensors["__proto__"]'],
    );
});

test('a validated policy feeds the decisions', async () => {
  const { decidePublish } = await import('../../../agent/policy/decide.js');
  const r = validatePolicy({ sensors: { s1: { publish: ['temp'] } } });
  assert.ok(r.ok);
  if (!r.ok) return;
  const out = decidePublish(
    r.policy,
    new Map(),
    { sensorId: 's1', topic: 'temp', payload: new Uint8Array(1) },
    0,
  );
  assert.equal(out.decision, { allow: true, upstreamTopic: 't/s1/temp' });
});

test.run();
