import { generate, parser } from 'mqtt-packet';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConnectionAdmission } from '../../../agent/proxies/admission.js';
import { connectTerms } from '../../../agent/proxies/connect-terms.js';
import { answerFor, parseBasic, retryAfterS, topicOfPath } from '../../../agent/proxies/http-answer.js';
import { resolveLimits } from '../../../agent/proxies/limits.js';
import { LineSplitter, parseAuthLine, parseRequestLine } from '../../../agent/proxies/unix-protocol.js';

test('HTTP answers: every outcome its status, Retry-After rounded up', () => {
  const a = (r: Parameters<typeof answerFor>[0]) => answerFor(r, 5);
  assert.equal(a({ ok: true }), { status: 202, headers: {}, body: '' });
  const d403 = a({ ok: false, kind: 'denied', rule: 'topic-not-allowed', reason: 'no' });
  assert.is(d403.status, 403);
  assert.equal(JSON.parse(d403.body), { error: 'denied', reason: 'no', rule: 'topic-not-allowed' });
  const d429 = a({
    ok: false,
    kind: 'denied',
    rule: 'rate-limited',
    reason: 'slow down',
    retryAfterMs: 1001,
  });
  assert.equal([d429.status, d429.headers['retry-after']], [429, '2']);
  assert.is(a({ ok: false, kind: 'denied', rule: 'payload-too-large', reason: 'big' }).status, 413);
  const u = a({ ok: false, kind: 'unavailable', reason: 'full' });
  assert.equal(
    [u.status, u.headers['retry-after'], JSON.parse(u.body)],
    [503, '5', { error: 'unavailable', reason: 'full' }],
  );
  assert.equal([retryAfterS(1), retryAfterS(1000), retryAfterS(undefined)], ['1', '1', '1']);
});

test('Basic credentials: the first colon splits; anything else is null', () => {
  const b = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
  assert.equal(parseBasic(b('s1:pa:ss')), { sensorId: 's1', secret: 'pa:ss' });
  assert.equal(parseBasic(b('s1:')), { sensorId: 's1', secret: '' });
  assert.equal(parseBasic(`basic   ${Buffer.from('x:y').toString('base64')}`), {
    sensorId: 'x',
    secret: 'y',
  });
  for (const h of [undefined, '', 'Bearer abc', b(':secret'), b('nocolon'), 'Basic !!!']) {
    assert.is(parseBasic(h), null, String(h));
  }
});

test('topic of POST /t/<topic>: decoded, query dropped; other paths null', () => {
  assert.equal(topicOfPath('/t/readings/env?x=1'), { ok: true, topic: 'readings/env' });
  assert.equal(topicOfPath('/t/readings%2Fa%20b'), { ok: true, topic: 'readings/a b' });
  assert.equal(topicOfPath('/t/%E0%A4%A'), { ok: false, reason: 'the topic is not valid percent-encoding' });
  for (const u of ['/', '/t/', '/t', '/x/readings']) assert.is(topicOfPath(u), null, u);
});

test('Unix lines: auth, publish (JSON and base64), subscribe, invalid and fatal', () => {
  assert.equal(parseAuthLine('{"auth":{"sensor":"s1","secret":"k"}}'), {
    ok: true,
    sensorId: 's1',
    secret: 'k',
  });
  assert.equal(parseAuthLine('nope'), { ok: false, reason: 'first line is not JSON' });
  assert.is(parseAuthLine('{"auth":{"sensor":"","secret":"k"}}').ok, false);
  const j = parseRequestLine('{"id":1,"topic":"readings/x","payload":{"t": 21.5, "ok": true}}');
  assert.equal(j.kind === 'publish' ? Buffer.from(j.payload).toString() : j, '{"t":21.5,"ok":true}');
  const b = parseRequestLine(
    `{"id":2,"topic":"r","payloadB64":"${Buffer.from([0, 255]).toString('base64')}"}`,
  );
  assert.equal(b.kind === 'publish' ? [...b.payload] : b, [0, 255]);
  assert.equal(parseRequestLine('{"id":3,"topic":"r","payload":null}').kind, 'publish');
  assert.equal(parseRequestLine('{"id":4,"subscribe":"cmd/s1"}'), {
    kind: 'subscribe',
    id: 4,
    filter: 'cmd/s1',
  });
  assert.equal(parseRequestLine('{"id":5,"topic":"r"}'), {
    kind: 'invalid',
    id: 5,
    reason: 'exactly one of "payload" and "payloadB64" is needed',
  });
  assert.equal(parseRequestLine('{"id":6,"topic":"r","payloadB64":"abc"}').kind, 'invalid');
  assert.equal(parseRequestLine('{"id":"7","topic":"r","payload":1}'), {
    kind: 'fatal',
    reason: '"id" must be an integer',
  });
  assert.equal(parseRequestLine('[1]'), { kind: 'fatal', reason: 'line is not a JSON object' });
  assert.equal(parseRequestLine('{'), { kind: 'fatal', reason: 'line is not JSON' });
});

test('LineSplitter: lines across chunks, CRLF, the cap on an unfinished line', () => {
  const s = new LineSplitter(10);
  assert.equal(s.push(Buffer.from('ab')), []);
  assert.equal(s.push(Buffer.from('c\r\nde\n\nf')), ['abc', 'de']);
  assert.is(s.isMidLine, true);
  assert.equal(s.push(Buffer.from('ghij\n')), ['fghij']);
  assert.equal(s.push(Buffer.from('0123456789\n')), ['0123456789'], 'exactly the cap');
  assert.is(new LineSplitter(10).push(Buffer.from('0123456789A\n')), null);
  const t = new LineSplitter(10);
  assert.equal(t.push(Buffer.from('0123456789')), []);
  assert.is(t.push(Buffer.from('AB')), null, 'no newline in sight past the cap');
});

test('connect terms: versions, keep-alive, problem information, assigned client id', () => {
  const p = parser();
  const parsed: unknown[] = [];
  p.on('packet', (x) => parsed.push(x));
  const base = {
    cmd: 'connect',
    protocolId: 'MQTT',
    clientId: '',
    clean: true,
    username: 's1',
    password: Buffer.from('pw'),
  } as const;
  p.parse(generate({ ...base, protocolVersion: 4, keepalive: 10 }));
  const v4 = connectTerms(parsed[0] as Parameters<typeof connectTerms>[0], 300_000);
  assert.ok(v4.ok);
  if (v4.ok)
    assert.equal(
      [v4.version, v4.idleMs, v4.secret, v4.connack.assignedClientIdentifier],
      [4, 15_000, 'pw', null],
    );
  const v5 = connectTerms(
    { ...base, protocolVersion: 5, keepalive: 0, properties: { requestProblemInformation: false } },
    60_000,
  );
  assert.ok(v5.ok);
  if (v5.ok) {
    assert.equal(
      [v5.idleMs, v5.hasProblemInfo, v5.connack.serverKeepAliveS, v5.connack.assignedClientIdentifier],
      [60_000, false, 40, 's1'],
    );
  }
  const v3 = connectTerms({ ...base, protocolVersion: 3, protocolId: 'MQIsdp', keepalive: 0 }, 60_000);
  assert.equal(v3.ok ? null : [v3.feature, [...v3.connack]], ['protocol-version', [0x20, 2, 0, 1]]);
  const em = connectTerms(
    { ...base, protocolVersion: 5, keepalive: 5, properties: { authenticationMethod: 'SCRAM' } },
    60_000,
  );
  assert.equal(em.ok ? null : [em.feature, [...em.connack]], ['auth-method', [0x20, 3, 0, 0x8c, 0]]);
});

test('admission: the connection cap, then the per-source bucket, and release', () => {
  const a = new ConnectionAdmission(3, 2);
  assert.ok(a.admit('10.0.0.1', 0).ok);
  assert.ok(a.admit('10.0.0.1', 0).ok);
  assert.equal(a.admit('10.0.0.1', 0), {
    ok: false,
    limit: 'perSourceConnectsPerMin',
    reason: 'over 2 connects per minute from 10.0.0.1',
  });
  assert.ok(a.admit('10.0.0.2', 0).ok);
  assert.equal(a.admit('10.0.0.3', 0), { ok: false, limit: 'maxConnections', reason: '3 connections open' });
  a.release();
  assert.is(a.count, 2);
  assert.ok(a.admit('10.0.0.1', 30_000).ok, 'one token back after 30 s at 2 per minute');
});

test('resolveLimits: defaults, overrides, and a TypeError naming a bad one', () => {
  assert.is(resolveLimits({}).maxInFlight, 64);
  assert.is(resolveLimits({ maxInFlight: 8 }).maxInFlight, 8);
  assert.throws(
    () => resolveLimits({ maxInFlight: 0 }),
    /maxInFlight must be a whole number in 1\.\.65535, got 0/,
  );
  assert.throws(
    () => resolveLimits({ headersTimeoutMs: 9, requestTimeoutMs: 5 }),
    /headersTimeoutMs \(9\) must not exceed/,
  );
  assert.throws(
    () => resolveLimits({ bogus: 1 } as Parameters<typeof resolveLimits>[0]),
    /unknown limit bogus/,
  );
});

test.run();
