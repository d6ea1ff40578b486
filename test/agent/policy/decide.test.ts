import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decideCommand,
  decidePublish,
  decideSubscribe,
  type PublishOutcome,
} from '../../../agent/policy/decide.js';
import type { BucketState, BucketTable, PolicyConfig, SensorPolicy } from '../../../agent/policy/types.js';

const base: SensorPolicy = {
  publish: ['temp', 'room/+/humidity', 'log/#'],
  subscribe: ['cmd/s1'],
  maxPayloadBytes: 16,
  rate: { ratePerS: 10, burst: 2 },
};
const policy: PolicyConfig = {
  sensors: {
    s1: base,
    s2: { ...base, subscribe: ['cmd/s2', 'cmd/s2/#'] },
    mute: { ...base, subscribe: [] },
    typed: { ...base, maxPayloadBytes: 64, schema: { keys: { t: 'number' }, allowsExtraKeys: false } },
    greedy: { ...base, subscribe: ['#', 'cmd/+'] },
  },
};
const none: BucketTable = new Map();
const payload = new Uint8Array(4);

function publish(sensorId: string, topic: string, body = payload, buckets = none, nowMs = 0) {
  return decidePublish(policy, buckets, { sensorId, topic, payload: body }, nowMs);
}

/** The caller's side: store the changed bucket in a table of its own. */
function store(table: Map<string, BucketState>, sensorId: string, r: PublishOutcome): void {
  if (r.bucket !== null) table.set(sensorId, r.bucket);
}

test('allowed publish goes up on t/<authenticated id>/<topic>', () => {
  const r = publish('s1', 'room/kitchen/humidity');
  assert.equal(r.decision, { allow: true, upstreamTopic: 't/s1/room/kitchen/humidity' });
  assert.equal(r.bucket, { tokens: 1, updatedAtMs: 0 });
});

test('the bucket table is read, never written: the caller stores the one bucket that changed', () => {
  const table = new Map<string, BucketState>([['s2', { tokens: 2, updatedAtMs: 0 }]]);
  const before = [...table.entries()];
  const r = publish('s1', 'temp', payload, table, 5);
  assert.equal([...table.entries()], before, 'decidePublish left the table alone');
  assert.equal(r.bucket, { tokens: 1, updatedAtMs: 5 });
});

test('the upstream topic comes from the sensor id, whatever the payload claims', () => {
  const claim = new TextEncoder().encode('{"id":"s2"}');
  const r = decidePublish(policy, none, { sensorId: 's1', topic: 'temp', payload: claim.slice(0, 16) }, 0);
  assert.equal(r.decision, { allow: true, upstreamTopic: 't/s1/temp' });
  assert.equal(publish('s2', 'temp').decision, { allow: true, upstreamTopic: 't/s2/temp' });
});

test('unknown sensors are denied, including prototype names', () => {
  for (const id of ['nobody', 'constructor', '__proto__', 'toString', '', 's1/x']) {
    assert.equal(publish(id, 'temp').decision, {
      allow: false,
      code: 'POLICY_DENIED',
      rule: 'unknown-sensor',
      reason: 'sensor has no policy',
    });
    assert.equal(decideSubscribe(policy, { sensorId: id, filter: `cmd/${id}` }).allow, false);
    assert.equal(decideCommand(policy, { targetSensorId: id, payload }).allow, false);
  }
});

test('injected topics are denied as topic-invalid and take no token', () => {
  const table: [string, string][] = [
    ['a/+/b', 'wildcard: wildcard in level 2; a topic name may not hold "+" or "#"'],
    ['#', 'wildcard: wildcard in level 1; a topic name may not hold "+" or "#"'],
    ['$SYS/x', 'system-topic: topics starting with "$" are reserved'],
    ['log/../b', 'dot-segment: level 2 is ".."'],
    ['log//b', 'empty-segment: level 2 is empty'],
    ['log/a\u0000b', 'control-char: NUL (U+0000) at index 5'],
    [`log/${'x'.repeat(200)}`, 'too-long: 204 bytes, at most 128 allowed'],
    ['log/a/b/c/d/e/f/g/h', 'too-many-levels: 9 levels, at most 8 allowed'],
  ];
  for (const [topic, reason] of table) {
    const r = publish('s1', topic);
    assert.equal(r.decision, { allow: false, code: 'POLICY_DENIED', rule: 'topic-invalid', reason }, topic);
    assert.is(r.bucket, null);
  }
});

test('topics outside the publish patterns, and the command namespace, are not allowed', () => {
  assert.equal(publish('s1', 'room/humidity').decision, {
    allow: false,
    code: 'POLICY_DENIED',
    rule: 'topic-not-allowed',
    reason: 'topic matches no publish pattern of this sensor',
  });
  const r = decidePublish(
    { sensors: { s1: { ...base, publish: ['#'] } } },
    none,
    { sensorId: 's1', topic: 'cmd/s2', payload },
    0,
  );
  assert.equal(r.decision, {
    allow: false,
    code: 'POLICY_DENIED',
    rule: 'topic-not-allowed',
    reason: '"cmd/…" is for commands to sensors',
  });
  const all = { sensors: { s1: { ...base, publish: ['#'] } } };
  const first = (topic: string) =>
    decidePublish(all, none, { sensorId: 's1', topic, payload }, 0).decision.allow;
  assert.is(first('cmd'), false, 'the root level itself');
  assert.is(first('cmdx/a'), true, 'only the whole first level counts');
  assert.is(first('a/cmd'), true);
});

test('over-size payloads are denied; the limit itself passes', () => {
  assert.equal(publish('s1', 'temp', new Uint8Array(17)).decision, {
    allow: false,
    code: 'POLICY_DENIED',
    rule: 'payload-too-large',
    reason: 'payload is 17 bytes, at most 16 allowed',
  });
  assert.is(publish('s1', 'temp', new Uint8Array(16)).decision.allow, true);
});

test('rate limit: burst passes, the next waits, time refills', () => {
  const buckets = new Map<string, BucketState>();
  const results: boolean[] = [];
  for (let i = 0; i < 2; i++) {
    const r = publish('s1', 'temp', payload, buckets, 1000);
    results.push(r.decision.allow);
    store(buckets, 's1', r);
  }
  assert.equal(results, [true, true]);
  const limited = publish('s1', 'temp', payload, buckets, 1040);
  assert.equal(limited.decision, {
    allow: false,
    code: 'POLICY_DENIED',
    rule: 'rate-limited',
    reason: 'over 10/s (burst 2); retry in 60 ms',
    retryAfterMs: 60,
  });
  // A refused publish still moves the bucket's clock: the refill is counted from now.
  assert.equal(limited.bucket, { tokens: 0.4, updatedAtMs: 1040 });
  store(buckets, 's1', limited);
  assert.is(publish('s1', 'temp', payload, buckets, 1100).decision.allow, true);
  // Other sensors have their own bucket.
  assert.is(publish('s2', 'temp', payload, buckets, 1040).decision.allow, true);
});

test('schema: fitting payload passes, a bad one is denied by rule schema', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(publish('typed', 'temp', enc('{"t":20}')).decision, {
    allow: true,
    upstreamTopic: 't/typed/temp',
  });
  assert.equal(publish('typed', 'temp', enc('{"t":"20"}')).decision, {
    allow: false,
    code: 'POLICY_DENIED',
    rule: 'schema',
    reason: 'key "t": expected number, got string',
  });
  assert.equal(publish('typed', 'temp', enc('{"t":1,"id":"s2"}')).decision, {
    allow: false,
    code: 'POLICY_DENIED',
    rule: 'schema',
    reason: 'key "id" is not in the schema',
  });
});

test('segmentation: s1 may subscribe to cmd/s1 only, never to others', () => {
  assert.equal(decideSubscribe(policy, { sensorId: 's1', filter: 'cmd/s1' }), { allow: true });
  const seg = {
    allow: false,
    code: 'POLICY_DENIED',
    rule: 'segmentation',
    reason: 'filter reaches the command topics of other sensors',
  };
  for (const filter of ['cmd/s2', 'cmd/+', '#', '+/+', 'cmd/#', 'cmd/s2/#', '+/s2']) {
    assert.equal(decideSubscribe(policy, { sensorId: 's1', filter }), seg, filter);
  }
  // Even a policy that grants wildcards cannot breach segmentation.
  for (const filter of ['#', 'cmd/+', 'cmd/s1x']) {
    assert.equal(decideSubscribe(policy, { sensorId: 'greedy', filter }), seg, filter);
  }
  assert.equal(decideSubscribe(policy, { sensorId: 'greedy', filter: 'cmd/greedy/#' }), { allow: true });
});

test('subscribe: filters outside the policy and malformed filters are denied', () => {
  assert.equal(decideSubscribe(policy, { sensorId: 's1', filter: 'cmd/s1/#' }), {
    allow: false,
    code: 'POLICY_DENIED',
    rule: 'topic-not-allowed',
    reason: 'filter is not covered by a subscribe pattern of this sensor',
  });
  assert.equal(decideSubscribe(policy, { sensorId: 's2', filter: 'cmd/s2/#' }), { allow: true });
  assert.equal(decideSubscribe(policy, { sensorId: 's1', filter: 'temp' }).allow, false);
  assert.equal(decideSubscribe(policy, { sensorId: 's1', filter: '$SYS/#' }), {
    allow: false,
    code: 'POLICY_DENIED',
    rule: 'topic-invalid',
    reason: 'system-topic: topics starting with "$" are reserved',
  });
  assert.equal(decideSubscribe(policy, { sensorId: 's1', filter: 'cmd/#/x' }), {
    allow: false,
    code: 'POLICY_DENIED',
    rule: 'topic-invalid',
    reason: 'bad-wildcard: "#" must be the last level',
  });
});

test('commands go only to the named sensor, if it may receive them, within size', () => {
  assert.equal(decideCommand(policy, { targetSensorId: 's1', payload }), {
    allow: true,
    localTopic: 'cmd/s1',
  });
  assert.equal(decideCommand(policy, { targetSensorId: 'mute', payload }), {
    allow: false,
    code: 'POLICY_DENIED',
    rule: 'topic-not-allowed',
    reason: 'sensor may not receive cmd/<id>',
  });
  assert.equal(decideCommand(policy, { targetSensorId: 's1', payload: new Uint8Array(17) }), {
    allow: false,
    code: 'POLICY_DENIED',
    rule: 'payload-too-large',
    reason: 'command is 17 bytes, at most 16 allowed',
  });
  assert.equal(decideCommand(policy, { targetSensorId: 'ghost', payload }), {
    allow: false,
    code: 'POLICY_DENIED',
    rule: 'unknown-sensor',
    reason: 'sensor has no policy',
  });
});

test('an empty policy denies everything', () => {
  const empty: PolicyConfig = { sensors: {} };
  assert.is(decidePublish(empty, none, { sensorId: 's1', topic: 'temp', payload }, 0).decision.allow, false);
  assert.is(decideSubscribe(empty, { sensorId: 's1', filter: 'cmd/s1' }).allow, false);
  assert.is(decideCommand(empty, { targetSensorId: 's1', payload }).allow, false);
});

test.run();
