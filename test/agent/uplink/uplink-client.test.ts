import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { UplinkConfig } from '../../../agent/config/types.js';
import { backoffCapMs } from '../../../agent/uplink/backoff.js';
import { createUplink, type UplinkDeps } from '../../../agent/uplink/uplink-client.js';
import type { AttemptRecord, UplinkClient, UplinkState } from '../../../agent/uplink/uplink-types.js';
import { hasCode, isZtgwError, ZtgwError } from '../../../modem/errors.js';
import { silentLogger } from '../../../modem/log.js';
import { attemptError, FakeSessionFactory, failure } from './fake-session.js';
import { seededRandom } from './seeded-random.js';

const CONFIG: UplinkConfig = {
  brokers: [{ url: 'mqtts://a.example:8883' }, { url: 'mqtts://b.example:8883' }],
  caFile: '/etc/ztgw/ca.pem',
  certFile: '/k/device.crt',
  keyFile: '/k/device.key',
  keepaliveS: 45,
  connectTimeoutMs: 50,
  backoffBaseMs: 1000,
  backoffMaxMs: 8000,
  publishTimeoutMs: 1000,
  stableAfterMs: 60_000,
  tlsMinVersion: 'TLSv1.2',
  useSystemCa: false,
};
/** Bound on any wait for an uplink event, in ms. */
const DEADLINE_MS = 2000;

interface Rig {
  readonly up: UplinkClient;
  readonly factory: FakeSessionFactory;
  readonly delays: number[];
  readonly records: AttemptRecord[];
  readonly states: UplinkState[];
  /** The fake wall clock; the fake sleep advances it. */
  readonly clock: { ms: number };
}

/**
 * An uplink over fake sessions. The fake sleep records each back-off and returns at once while
 * planned attempts remain; once the plan is used up it waits for stop(), so the loop never spins.
 */
function rig(factory: FakeSessionFactory, over: Partial<UplinkDeps> = {}): Rig {
  const delays: number[] = [];
  const records: AttemptRecord[] = [];
  const states: UplinkState[] = [];
  const clock = { ms: 1_000_000 };
  const up = createUplink({
    deviceId: 'gw-7',
    config: CONFIG,
    log: silentLogger(),
    openSession: factory.open,
    loadMaterial: async () => ({ ca: 'CA', cert: 'CERT', key: 'KEY' }),
    systemCa: [],
    nowMs: () => clock.ms,
    random01: seededRandom(42),
    sleep: (ms, signal) => {
      delays.push(ms);
      clock.ms += ms;
      if (factory.remaining > 0) return Promise.resolve();
      return new Promise((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    },
    ...over,
  });
  up.onAttempt((a) => records.push(a));
  up.onStatus((s) => states.push(s.state));
  return { up, factory, delays, records, states, clock };
}

/** Resolves when `done()` holds, checked on every attempt record and status change. */
function until(r: Rig, what: string, done: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!done()) return;
      cleanup();
      resolve();
    };
    const offA = r.up.onAttempt(check);
    const offS = r.up.onStatus(check);
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new Error(
          `not within ${DEADLINE_MS} ms: ${what}; records ${JSON.stringify(r.records.map((x) => x.outcome))}`,
        ),
      );
    }, DEADLINE_MS);
    const cleanup = (): void => {
      clearTimeout(timer);
      offA();
      offS();
    };
    check();
  });
}

const connected = (r: Rig, n = 1) =>
  until(r, `${n} connected`, () => r.records.filter((x) => x.outcome === 'connected').length >= n);

test('failover in order with jittered, doubling back-off; the session settings of every attempt', async () => {
  const f = new FakeSessionFactory().plan(
    { kind: 'fail', error: attemptError('UPLINK_TLS', 'wrong-ca') },
    { kind: 'fail', error: attemptError('UPLINK_CONNECT', 'connection-refused') },
    { kind: 'fail', error: attemptError('UPLINK_REFUSED', 'refused-not-authorized') },
    { kind: 'fail', error: attemptError('UPLINK_TLS', 'protocol-version') },
    { kind: 'ok' },
  );
  const r = rig(f);
  await r.up.start(new AbortController().signal);
  await connected(r);
  assert.equal(
    f.params.map((p) => p.broker),
    [
      'mqtts://a.example:8883',
      'mqtts://b.example:8883',
      'mqtts://a.example:8883',
      'mqtts://b.example:8883',
      'mqtts://a.example:8883',
    ],
  );
  assert.equal(
    r.records.map((x) => [x.outcome, x.reason, x.code ?? null]),
    [
      ['failed', 'wrong-ca', 'UPLINK_TLS'],
      ['failed', 'connection-refused', 'UPLINK_CONNECT'],
      ['failed', 'refused-not-authorized', 'UPLINK_REFUSED'],
      ['failed', 'protocol-version', 'UPLINK_TLS'],
      ['connected', 'ok', null],
    ],
  );
  // First attempt at once; then caps 1000, 1000 (round 1 over two brokers), 2000, 2000.
  assert.equal(
    r.records.map((x) => x.capMs),
    [0, 1000, 1000, 2000, 2000],
  );
  assert.equal(
    r.records.map((x) => x.delayBeforeMs),
    [0, ...r.delays],
  );
  for (const x of r.records) assert.ok(x.delayBeforeMs <= x.capMs, JSON.stringify(x));
  assert.ok(new Set(r.delays).size === r.delays.length, `jittered: ${r.delays.join(', ')}`);
  const p = f.params[0];
  assert.ok(p !== undefined);
  if (p !== undefined) {
    assert.is(p.clientId, 'gw-7');
    assert.is(p.keepaliveS, 45);
    assert.is(p.connectTimeoutMs, 50);
    assert.equal(p.will, { topic: 'ztgw/gw-7/up/status', payload: 'offline', qos: 1, retain: true });
    assert.equal(p.tls, {
      protocol: 'mqtts',
      host: 'a.example',
      port: 8883,
      servername: 'a.example',
      ca: ['CA'],
      cert: 'CERT',
      key: 'KEY',
      minVersion: 'TLSv1.2',
      rejectUnauthorized: true,
    });
  }
  const s = r.up.status();
  assert.is(s.state, 'connected');
  assert.is(s.broker, 'mqtts://a.example:8883');
  assert.is(s.attempts, 5);
  assert.equal(s.lastError && [s.lastError.code, s.lastError.reason], ['UPLINK_TLS', 'protocol-version']);
  assert.is(f.unplanned, 0);
  await r.up.stop();
});

test('on connect: online (retained, QoS 1), the state document (retained), then the subscriptions', async () => {
  const f = new FakeSessionFactory().plan({ kind: 'ok' });
  const r = rig(f);
  await r.up.publishState({ v: 1, agent: 'ztgw' });
  await r.up.subscribe('ztgw/gw-7/down/#', () => undefined);
  await r.up.start(new AbortController().signal);
  await connected(r);
  await f.last.until('setup published', () => f.last.subscribed.length === 1);
  assert.equal(f.last.published, [
    { topic: 'ztgw/gw-7/up/status', payload: 'online', qos: 1, retain: true },
    { topic: 'ztgw/gw-7/up/state', payload: '{"v":1,"agent":"ztgw"}', qos: 1, retain: true },
  ]);
  assert.equal(f.last.subscribed, [[{ filter: 'ztgw/gw-7/down/#', qos: 1 }]]);
  // Changed state goes out at once; the same state again does not.
  await r.up.publishState({ v: 1, agent: 'ztgw', modem: 'EC25' });
  await r.up.publishState({ v: 1, agent: 'ztgw', modem: 'EC25' });
  assert.equal(
    f.last.published.slice(2).map((p) => [p.topic, p.payload, p.retain]),
    [['ztgw/gw-7/up/state', '{"v":1,"agent":"ztgw","modem":"EC25"}', true]],
  );
  await r.up.stop();
  assert.equal(f.last.published.at(-1), {
    topic: 'ztgw/gw-7/up/status',
    payload: 'offline',
    qos: 1,
    retain: true,
  });
  assert.is(f.last.closedWith, true, 'stop() disconnects cleanly');
  assert.is(r.up.status().state, 'stopped');
});

test('a dropped session goes through the back-off and retries the same broker; never two sessions open', async () => {
  const f = new FakeSessionFactory().plan({ kind: 'ok' }, { kind: 'ok' }, { kind: 'ok' });
  const r = rig(f, { config: { ...CONFIG, brokers: [{ url: 'mqtts://a.example:8883' }] } });
  await r.up.start(new AbortController().signal);
  await connected(r, 1);
  f.last.drop(failure('UPLINK_CLOSED', 'closed-by-broker'));
  await connected(r, 2);
  f.last.drop(failure('UPLINK_CLOSED', 'ack-timeout'));
  await connected(r, 3);
  assert.equal(
    r.records.map((x) => [x.outcome, x.reason]),
    [
      ['connected', 'ok'],
      ['closed', 'closed-by-broker'],
      ['connected', 'ok'],
      ['closed', 'ack-timeout'],
      ['connected', 'ok'],
    ],
  );
  assert.equal(
    f.params.map((p) => p.broker),
    Array(3).fill('mqtts://a.example:8883'),
  );
  assert.is(r.delays.length, 2, 'each drop waited a back-off');
  // Short sessions do not reset the back-off: the second wait is drawn under a doubled cap.
  assert.equal(
    r.records.filter((x) => x.outcome === 'connected').map((x) => x.capMs),
    [0, 1000, 2000],
  );
  assert.is(f.maxOpenAtOnce, 1);
  assert.ok(
    f.sessions.slice(0, 2).every((s) => s.closedWith === false),
    'a dropped session is closed before the next attempt',
  );
  await r.up.stop();
});

test('a session that stayed up stableAfterMs starts the back-off over', async () => {
  const f = new FakeSessionFactory().plan(
    { kind: 'fail', error: attemptError('UPLINK_CONNECT', 'x') },
    { kind: 'fail', error: attemptError('UPLINK_CONNECT', 'x') },
    { kind: 'ok' },
    { kind: 'ok' },
  );
  const r = rig(f, { config: { ...CONFIG, brokers: [{ url: 'mqtts://a.example' }] } });
  await r.up.start(new AbortController().signal);
  await connected(r, 1);
  r.clock.ms += 60_000;
  f.last.drop(failure('UPLINK_CLOSED', 'closed-by-broker'));
  await connected(r, 2);
  // failed, failed, connected (cap 2000), closed (same attempt), connected after a stable session (1000)
  assert.equal(
    r.records.map((x) => [x.outcome, x.capMs]),
    [
      ['failed', 0],
      ['failed', 1000],
      ['connected', 2000],
      ['closed', 2000],
      ['connected', 1000],
    ],
  );
  await r.up.stop();
});

test('beforeConnect vetoes with its code and reason; throws and hangs veto too; back-off throughout', async () => {
  const f = new FakeSessionFactory().plan({ kind: 'ok' });
  const answers = [
    () =>
      Promise.resolve({
        allow: false as const,
        code: 'IDENTITY_SIM_MISMATCH' as const,
        reason: 'sim-mismatch',
        message: 'ICCID …1234 is not bound',
      }),
    () => Promise.reject(new ZtgwError('UPLINK_CLOCK', 'clock unknown')),
    () => new Promise<never>(() => undefined),
    () => Promise.resolve({ allow: true as const }),
  ];
  let calls = 0;
  const r = rig(f, {
    beforeConnect: (ctx) => {
      calls++;
      assert.is(ctx.broker, 'mqtts://a.example:8883', 'a veto keeps the broker');
      assert.is(ctx.attempt, calls);
      return (answers[calls - 1] ?? answers[3] ?? (() => Promise.resolve({ allow: true as const })))();
    },
  });
  await r.up.start(new AbortController().signal);
  await connected(r);
  assert.equal(
    r.records.map((x) => [x.outcome, x.code ?? null, x.reason]),
    [
      ['vetoed', 'IDENTITY_SIM_MISMATCH', 'sim-mismatch'],
      ['vetoed', 'UPLINK_CLOCK', 'hook-failed'],
      ['vetoed', 'UPLINK_CONNECT', 'hook-timeout'],
      ['connected', null, 'ok'],
    ],
  );
  assert.is(f.params.length, 1, 'no socket is opened for a vetoed attempt');
  assert.ok(r.states.includes('vetoed'));
  assert.not.ok(
    r.states.slice(r.states.indexOf('vetoed'), r.states.lastIndexOf('vetoed')).includes('backoff'),
    'the wait after a veto shows as vetoed',
  );
  assert.is(r.delays.length, 3);
  await r.up.stop();
});

test('unreadable credentials fail the attempt with the identity code, and the back-off goes on', async () => {
  const f = new FakeSessionFactory().plan({ kind: 'ok' });
  let reads = 0;
  const r = rig(f, {
    loadMaterial: async () => {
      reads++;
      if (reads === 1)
        throw new ZtgwError('IDENTITY_CERT', 'cannot read the device certificate /k/device.crt: ENOENT', {
          reason: 'unreadable',
        });
      return { ca: 'CA', cert: 'CERT', key: 'KEY' };
    },
  });
  await r.up.start(new AbortController().signal);
  await connected(r);
  assert.equal(
    r.records.map((x) => [x.outcome, x.code ?? null, x.reason]),
    [
      ['failed', 'IDENTITY_CERT', 'unreadable'],
      ['connected', null, 'ok'],
    ],
  );
  assert.is(f.params.length, 1);
  await r.up.stop();
});

test('publish: under the prefix only, rejected when offline, passed to the session when connected', async () => {
  const f = new FakeSessionFactory().plan({ kind: 'ok' });
  const r = rig(f);
  const offline = await r.up.publish('ztgw/gw-7/up/t', 'x').catch((e: unknown) => e);
  assert.ok(hasCode(offline, 'UPLINK_CLOSED'));
  if (isZtgwError(offline)) assert.is(offline.details['reason'], 'not-connected');
  const outside = await r.up.publish('ztgw/gw-8/up/t', 'x').catch((e: unknown) => e);
  assert.ok(outside instanceof TypeError);
  const wild = await r.up.publish('ztgw/gw-7/up/#', 'x').catch((e: unknown) => e);
  assert.ok(wild instanceof TypeError);
  await r.up.start(new AbortController().signal);
  await connected(r);
  await r.up.publish('ztgw/gw-7/up/t', Buffer.from('reading'), { qos: 1 });
  await r.up.publish('ztgw/gw-7/up/alert', 'a', { qos: 0, retain: false });
  assert.equal(
    f.last.published.filter((p) => !p.topic.endsWith('status')),
    [
      { topic: 'ztgw/gw-7/up/t', payload: 'reading', qos: 1, retain: false },
      { topic: 'ztgw/gw-7/up/alert', payload: 'a', qos: 0, retain: false },
    ],
  );
  await r.up.stop();
});

test('subscribe: renewed per session, dispatched by filter, refused filters reported, unsubscribe', async () => {
  const f = new FakeSessionFactory().plan({ kind: 'ok' }, { kind: 'ok' });
  const r = rig(f);
  await r.up.start(new AbortController().signal);
  await connected(r);
  const got: string[] = [];
  const off = await r.up.subscribe('ztgw/gw-7/down/cmd/+', (t, p) => got.push(`${t}=${p.toString()}`));
  assert.equal(f.last.subscribed, [[{ filter: 'ztgw/gw-7/down/cmd/+', qos: 1 }]]);
  f.last.grants.set('ztgw/gw-7/down/grant', 0x80);
  const refused = await r.up.subscribe('ztgw/gw-7/down/grant', () => undefined).catch((e: unknown) => e);
  assert.ok(hasCode(refused, 'UPLINK_REFUSED'), String(refused));
  f.last.deliver('ztgw/gw-7/down/cmd/s1', 'on');
  f.last.deliver('ztgw/gw-7/down/config', 'ignored');
  assert.equal(got, ['ztgw/gw-7/down/cmd/s1=on']);
  const outside = await r.up.subscribe('ztgw/#', () => undefined).catch((e: unknown) => e);
  assert.ok(outside instanceof TypeError, 'a filter outside the device prefix is a programming error');
  f.last.drop(failure('UPLINK_CLOSED', 'closed-by-broker'));
  await connected(r, 2);
  await f.last.until('resubscribed', () => f.last.subscribed.length === 1);
  assert.equal(
    f.last.subscribed,
    [[{ filter: 'ztgw/gw-7/down/cmd/+', qos: 1 }]],
    'the refused filter is not kept',
  );
  off();
  assert.equal(f.last.unsubscribed, [['ztgw/gw-7/down/cmd/+']]);
  f.last.deliver('ztgw/gw-7/down/cmd/s1', 'late');
  assert.equal(got, ['ztgw/gw-7/down/cmd/s1=on']);
  await r.up.stop();
});

test('a session dropping before the SUBACK keeps the subscription for the next session', async () => {
  const f = new FakeSessionFactory().plan({ kind: 'ok' }, { kind: 'ok' });
  const r = rig(f);
  await r.up.start(new AbortController().signal);
  await connected(r);
  await f.last.until('setup', () => f.last.published.length === 1);
  f.last.failNextSubscribe = new ZtgwError('UPLINK_CLOSED', 'closed', { reason: 'closed-by-broker' });
  const off = await r.up.subscribe('ztgw/gw-7/down/config', () => undefined);
  assert.type(off, 'function');
  f.last.drop(failure('UPLINK_CLOSED', 'closed-by-broker'));
  await connected(r, 2);
  await f.last.until('resubscribed', () => f.last.subscribed.length === 1);
  assert.equal(f.last.subscribed, [[{ filter: 'ztgw/gw-7/down/config', qos: 1 }]]);
  await r.up.stop();
});

test('reconnect(): a clean DISCONNECT, then at once to the same broker; it cuts a back-off wait short', async () => {
  const f = new FakeSessionFactory().plan({ kind: 'ok' }, { kind: 'ok' });
  const r = rig(f);
  await r.up.start(new AbortController().signal);
  await connected(r);
  await r.up.reconnect('certificate rotation');
  await connected(r, 2);
  assert.equal(
    r.records.map((x) => [x.outcome, x.reason, x.message ?? null, x.delayBeforeMs]),
    [
      ['connected', 'ok', null, 0],
      ['closed', 'reconnect', 'certificate rotation', 0],
      ['connected', 'ok', null, 0],
    ],
  );
  assert.is(f.sessions[0]?.closedWith, true, 'DISCONNECT: the broker does not publish the will');
  assert.equal(r.delays, [], 'no back-off for an asked-for reconnect');
  assert.equal(
    f.params.map((p) => p.broker),
    ['mqtts://a.example:8883', 'mqtts://a.example:8883'],
  );
  assert.is(f.maxOpenAtOnce, 1);

  // Now fail once: the loop waits (the fake sleep blocks once the plan is used up)…
  f.last.drop(failure('UPLINK_CLOSED', 'closed-by-broker'));
  await until(r, 'backing off', () => r.up.status().state === 'backoff');
  assert.is(r.delays.length, 1, 'the wait has begun');
  // …and reconnect() ends the wait at once.
  f.plan({ kind: 'ok' });
  await r.up.reconnect('new config');
  await connected(r, 3);
  assert.is(r.records.at(-1)?.delayBeforeMs, r.delays[0], 'the record keeps the delay that was planned');
  await r.up.stop();
  assert.is(f.unplanned, 0);
});

test('the attempt ring keeps the newest historySize records', async () => {
  const err = (): { kind: 'fail'; error: Error } => ({
    kind: 'fail',
    error: attemptError('UPLINK_CONNECT', 'connection-refused'),
  });
  const f = new FakeSessionFactory().plan(err(), err(), err(), err(), { kind: 'ok' });
  const r = rig(f, { historySize: 3 });
  await r.up.start(new AbortController().signal);
  await connected(r);
  const kept = r.up.attempts();
  assert.is(kept.length, 3);
  assert.equal(kept, r.records.slice(-3));
  await r.up.stop();
});

test('aborting the start signal ends the loop without a clean disconnect; the caps match backoffCapMs', async () => {
  const f = new FakeSessionFactory().plan({ kind: 'ok' });
  const r = rig(f);
  const ac = new AbortController();
  await r.up.start(ac.signal);
  await connected(r);
  ac.abort(new Error('shutdown'));
  await until(r, 'stopped', () => r.up.status().state === 'stopped');
  assert.is(f.last.closedWith, false);
  assert.is(backoffCapMs(0, { baseMs: CONFIG.backoffBaseMs, maxMs: CONFIG.backoffMaxMs }), 1000);
  await r.up.stop();
  await assert.not.throws(() => r.up.status());
});

test('misuse: no brokers, starting twice', async () => {
  assert.throws(
    () => createUplink({ deviceId: 'x', config: { ...CONFIG, brokers: [] }, log: silentLogger() }),
    TypeError,
  );
  const f = new FakeSessionFactory().plan({ kind: 'ok' });
  const r = rig(f);
  await r.up.start(new AbortController().signal);
  const again = await r.up.start(new AbortController().signal).catch((e: unknown) => e);
  assert.ok(again instanceof TypeError);
  await r.up.stop();
});

test.run();
