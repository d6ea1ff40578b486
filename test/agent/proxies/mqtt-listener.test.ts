import type {
  IConnackPacket,
  IDisconnectPacket,
  IPubackPacket,
  IPublishPacket,
  ISubackPacket,
} from 'mqtt-packet';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deadline } from './fake-gate.js';
import { publish1, withMqtt } from './mqtt-helpers.js';
import { connectPacket, publishPacket, type RawMqtt } from './raw-mqtt.js';

for (const protocolVersion of [4, 5] as const) {
  test(`v${protocolVersion}: PUBACK comes only after the gate's promise resolves`, () =>
    withMqtt({}, async ({ gate, client }) => {
      gate.answer = () => 'hold';
      const c = await client({ protocolVersion });
      let isResolved = false;
      let wasResolvedAtAck: boolean | null = null;
      const acked = publish1(c, 'readings/env', '{"t":21}').then((err) => {
        wasResolvedAtAck = isResolved;
        return err;
      });
      await gate.until(() => gate.held.length === 1, 'the publish at the gate');
      assert.equal(gate.publishes[0], {
        sensorId: 's1',
        topic: 'readings/env',
        payload: Buffer.from('{"t":21}'),
        via: 'mqtt',
      });
      isResolved = true;
      gate.release();
      assert.is(await deadline(acked, 'puback'), null);
      assert.is(wasResolvedAtAck, true);
      assert.equal(
        gate.eventsOf('connect').map((e) => e.sensorId),
        ['s1'],
      );
    }));
}

test('raw: no PUBACK before the gate resolves, proven by a PINGRESP that overtakes it', () =>
  withMqtt({}, async ({ gate, raw }) => {
    gate.answer = () => 'hold';
    const r = raw();
    assert.is(((await r.login('s1', 'secret-1')) as IConnackPacket).returnCode, 0);
    r.send(publishPacket('readings/env', 1, 42));
    r.send({ cmd: 'pingreq' });
    await r.next('pingresp');
    await gate.until(() => gate.held.length === 1, 'held publish');
    assert.is(r.count('puback'), 0, 'the reading is not durable yet');
    gate.release();
    const ack = (await r.next('puback')) as IPubackPacket;
    assert.is(ack.messageId, 42);
  }));

test('bad credentials: CONNACK 0x05 on 3.1.1, 0x87 on 5, then close, and an auth-failed event', () =>
  withMqtt({}, async ({ gate, raw }) => {
    const r4 = raw();
    assert.is(((await r4.login('s1', 'wrong')) as IConnackPacket).returnCode, 5);
    await deadline(r4.closed, 'v4 close');
    const r5 = raw({ protocolVersion: 5 });
    assert.is(((await r5.login('ghost', 'x', 5)) as IConnackPacket).reasonCode, 0x87);
    await deadline(r5.closed, 'v5 close');
    const r0 = raw();
    await deadline(r0.connected, 'connect');
    r0.send(connectPacket({ clientId: 'x', keepalive: 0 }));
    assert.is(((await r0.next('connack')) as IConnackPacket).returnCode, 5);
    assert.equal(
      gate.eventsOf('auth-failed').map((e) => [e.sensorId, e.reason]),
      [
        ['s1', 'bad credentials'],
        ['ghost', 'bad credentials'],
        ['', 'no username or password'],
      ],
    );
  }));

test('mqtt.js sees the refusal codes too', () =>
  withMqtt({}, async ({ client }) => {
    for (const [protocolVersion, code] of [
      [4, 5],
      [5, 135],
    ] as const) {
      const err = await client({ protocolVersion, password: 'nope' }).then(
        () => null,
        (e: unknown) => e as { code?: number },
      );
      assert.is(err?.code, code, `v${protocolVersion}`);
    }
  }));

test('v5 denials: PUBACK 0x97 for rate, 0x83 for size, 0x90 for a bad topic, 0x87 otherwise, with the reason', () =>
  withMqtt({}, async ({ gate, raw }) => {
    gate.answer = (p) => {
      if (p.topic === 'readings/fast')
        return { ok: false, kind: 'denied', rule: 'rate-limited', reason: 'over 10/s', retryAfterMs: 90 };
      if (p.topic === 'readings/big')
        return { ok: false, kind: 'denied', rule: 'payload-too-large', reason: 'over 4096' };
      if (p.topic === 'secret')
        return { ok: false, kind: 'denied', rule: 'topic-not-allowed', reason: 'no pattern' };
      if (p.topic === 'bad/+')
        return { ok: false, kind: 'denied', rule: 'topic-invalid', reason: 'wildcard' };
      return { ok: true };
    };
    const r = raw({ protocolVersion: 5 });
    assert.is(((await r.login('s1', 'secret-1', 5)) as IConnackPacket).reasonCode, 0);
    const topics = ['readings/ok', 'readings/fast', 'readings/big', 'secret', 'bad/+'];
    topics.forEach((topic, i) => {
      r.send(publishPacket(topic, 1, i + 1), 5);
    });
    await r.until(() => r.count('puback') === 5, '5 pubacks');
    const acks = r.received.filter((p): p is IPubackPacket => p.cmd === 'puback');
    assert.equal(
      acks.map((a) => [a.messageId, a.reasonCode ?? 0, a.properties?.reasonString ?? null]),
      [
        [1, 0, null],
        [2, 0x97, 'rate-limited: over 10/s'],
        [3, 0x83, 'payload-too-large: over 4096'],
        [4, 0x87, 'topic-not-allowed: no pattern'],
        [5, 0x90, 'topic-invalid: wildcard'],
      ],
    );
  }));

test('3.1.1 denial: PUBACK anyway (no negative PUBACK in 3.1.1), the reading counted as denied', () =>
  withMqtt({}, async ({ gate, client, listener }) => {
    gate.answer = () => ({ ok: false, kind: 'denied', rule: 'topic-not-allowed', reason: 'no pattern' });
    const c = await client({ protocolVersion: 4 });
    assert.is(await deadline(publish1(c, 'secret', 'x'), 'puback'), null);
    assert.equal([listener.stats().denied, listener.stats().acked], [1, 0]);
    assert.is(c.connected, true, 'the connection stays');
  }));

for (const protocolVersion of [4, 5] as const) {
  test(`v${protocolVersion}: journal unavailable → no ack, connection closed, the reading resent after reconnect`, () =>
    withMqtt({}, async ({ gate, client, listener }) => {
      let calls = 0;
      gate.answer = () =>
        ++calls === 1 ? { ok: false, kind: 'unavailable', reason: 'journal full' } : { ok: true };
      // A persistent session: a conforming client keeps its unacknowledged publish for the resend.
      const c = await client({
        protocolVersion,
        reconnectPeriod: 50,
        clean: false,
        clientId: `dev-${protocolVersion}`,
        ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 300 } } : {}),
      });
      const disconnects: number[] = [];
      c.on('disconnect', (p: IDisconnectPacket) => disconnects.push(p.reasonCode ?? 0));
      assert.is(await deadline(publish1(c, 'readings/env', 'keep-me'), 'puback after the resend'), null);
      assert.equal(
        gate.publishes.map((p) => p.payload.toString()),
        ['keep-me', 'keep-me'],
      );
      assert.equal(gate.eventsOf('disconnect')[0]?.reason, 'journal unavailable: journal full');
      if (protocolVersion === 5) assert.equal(disconnects, [0x89]);
      assert.equal([listener.stats().unavailable, listener.stats().acked], [1, 1]);
    }));
}

test('takeover: a second connection of the same sensor closes the first (v5: DISCONNECT 0x8E)', () =>
  withMqtt({}, async ({ gate, raw, listener }) => {
    const first = raw({ protocolVersion: 5 });
    await first.login('s1', 'secret-1', 5);
    const firstPort = first.socket.localPort;
    const second = raw();
    await second.login('s1', 'secret-1');
    const secondPort = second.socket.localPort;
    const d = (await first.next('disconnect')) as IDisconnectPacket;
    assert.is(d.reasonCode, 0x8e);
    await deadline(first.closed, 'first closed');
    const [t] = gate.eventsOf('takeover');
    assert.is(t?.sensorId, 's1');
    assert.is(t?.previousPeer, `127.0.0.1:${firstPort}`);
    assert.is(t?.peer, `127.0.0.1:${secondPort}`);
    assert.is(listener.stats().sensors, 1);
    assert.is(second.isClosed, false);
  }));

for (const protocolVersion of [4, 5] as const) {
  test(`v${protocolVersion}: SUBSCRIBE per filter (denied: ${protocolVersion === 4 ? '0x80' : '0x87'}), deliver only to a subscriber`, () =>
    withMqtt({}, async ({ gate, client, listener }) => {
      gate.subscribeAnswer = (_id, f) =>
        f === 'cmd/s1'
          ? { ok: true }
          : { ok: false, kind: 'denied', rule: 'segmentation', reason: 'other sensor' };
      const c = await client({ protocolVersion });
      const granted = await deadline(
        new Promise<number[]>((resolve, reject) =>
          // mqtt.js reports a refused filter as an error; the SUBACK it came in carries the codes.
          c.subscribe(['cmd/s1', 'cmd/s2'], { qos: 1 }, (err, _g, packet) =>
            packet === undefined ? reject(err) : resolve(packet.granted.map(Number)),
          ),
        ),
        'suback',
      );
      assert.equal(granted, [0, protocolVersion === 4 ? 0x80 : 0x87]);
      const got = new Promise<[string, string]>((resolve) =>
        c.once('message', (t, p) => resolve([t, p.toString()])),
      );
      assert.is(listener.deliver('s1', 'cmd/s2', Buffer.from('no')), false, 'not subscribed');
      assert.is(listener.deliver('s9', 'cmd/s1', Buffer.from('no')), false, 'not connected');
      assert.is(listener.deliver('s1', 'cmd/s1', Buffer.from('reboot')), true);
      assert.equal(await deadline(got, 'command'), ['cmd/s1', 'reboot']);
      assert.is(listener.stats().delivered, 1);
    }));
}

test('a persistent session keeps the subscriptions: Session Present 1 on reconnect; a clean connect ends it', () =>
  withMqtt({}, async ({ raw, listener }) => {
    const login = async (clean: boolean): Promise<[RawMqtt, IConnackPacket]> => {
      const r = raw();
      await deadline(r.connected, 'tcp');
      r.send(connectPacket({ clientId: 'dev-1', clean, username: 's1', password: Buffer.from('secret-1') }));
      return [r, (await r.next('connack')) as IConnackPacket];
    };
    const [a, ackA] = await login(false);
    assert.is(ackA.sessionPresent, false);
    a.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'cmd/s1', qos: 0 }] });
    await a.next('suback');
    a.send({ cmd: 'disconnect' });
    await deadline(a.closed, 'a closed');
    const [b, ackB] = await login(false);
    assert.is(ackB.sessionPresent, true);
    assert.is(
      listener.deliver('s1', 'cmd/s1', Buffer.from('hi')),
      true,
      'subscribed without a new SUBSCRIBE',
    );
    assert.is(((await b.next('publish')) as IPublishPacket).topic, 'cmd/s1');
    b.destroy();
    await deadline(b.closed, 'b closed');
    const [, ackC] = await login(true);
    assert.is(ackC.sessionPresent, false);
    assert.is(
      listener.deliver('s1', 'cmd/s1', Buffer.from('hi')),
      false,
      'the clean connect ended the session',
    );
  }));

test('v5 CONNACK advertises receiveMaximum, maximumPacketSize, QoS 1 and the server keep-alive', () =>
  withMqtt({ maxInFlight: 7, maxPacketBytes: 2048, idleTimeoutMs: 60_000 }, async ({ raw }) => {
    const r = raw({ protocolVersion: 5 });
    const ack = (await r.login('s1', 'secret-1', 5, 0)) as IConnackPacket;
    assert.equal(ack.properties, {
      receiveMaximum: 7,
      maximumPacketSize: 2048,
      maximumQoS: 1,
      wildcardSubscriptionAvailable: true,
      subscriptionIdentifiersAvailable: false,
      sharedSubscriptionAvailable: false,
      serverKeepAlive: 40,
      assignedClientIdentifier: 's1',
    });
  }));

test('QoS 2 refused: v5 DISCONNECT 0x9B, 3.1.1 closed; topic alias refused: v5 DISCONNECT 0x94', () =>
  withMqtt({}, async ({ gate, raw }) => {
    const q5 = raw({ protocolVersion: 5 });
    await q5.login('s1', 'secret-1', 5);
    q5.send(publishPacket('readings/a', 2, 1), 5);
    assert.is(((await q5.next('disconnect')) as IDisconnectPacket).reasonCode, 0x9b);
    await deadline(q5.closed, 'v5 closed');
    const q4 = raw();
    await q4.login('s2', 'secret-2');
    q4.send(publishPacket('readings/a', 2, 1));
    await deadline(q4.closed, 'v4 closed');
    const a5 = raw({ protocolVersion: 5 });
    await a5.login('s1', 'secret-1', 5);
    a5.send(publishPacket('readings/a', 1, 2, { properties: { topicAlias: 1 } }), 5);
    assert.is(((await a5.next('disconnect')) as IDisconnectPacket).reasonCode, 0x94);
    assert.is(gate.publishes.length, 0);
    assert.equal(
      gate.eventsOf('unsupported').map((e) => [e.feature, e.action]),
      [
        ['qos2', 'refused'],
        ['qos2', 'refused'],
        ['topic-alias', 'refused'],
      ],
    );
  }));

test('retain and will are ignored: the reading is journaled, both reported once', () =>
  withMqtt({}, async ({ gate, raw }) => {
    const r = raw();
    await deadline(r.connected, 'connect');
    r.send(
      connectPacket({
        username: 's1',
        password: Buffer.from('secret-1'),
        will: { topic: 'status', payload: Buffer.from('gone'), qos: 0, retain: true },
      }),
    );
    assert.is(((await r.next('connack')) as IConnackPacket).returnCode, 0);
    for (const messageId of [1, 2]) {
      r.send(publishPacket('readings/a', 1, messageId, { retain: true }));
    }
    await r.until(() => r.count('puback') === 2, 'pubacks');
    assert.is(gate.publishes.length, 2);
    assert.equal(
      gate.eventsOf('unsupported').map((e) => [e.feature, e.action]),
      [
        ['will', 'ignored'],
        ['retain', 'ignored'],
      ],
    );
  }));

test('MQTT 3.1 (version 3) gets CONNACK 0x01', () =>
  withMqtt({}, async ({ raw }) => {
    const r = raw();
    await deadline(r.connected, 'connect');
    r.send(
      connectPacket({
        protocolId: 'MQIsdp',
        protocolVersion: 3,
        keepalive: 0,
        username: 's1',
        password: Buffer.from('secret-1'),
      }),
    );
    assert.is(((await r.next('connack')) as IConnackPacket).returnCode, 1);
    await deadline(r.closed, 'closed');
  }));

test('deadlines: no CONNECT in connectTimeoutMs, silence past 1.5 × keep-alive', () =>
  withMqtt({ connectTimeoutMs: 200, timerResolutionMs: 20 }, async ({ gate, raw }) => {
    const mute = raw();
    const quiet = raw();
    await quiet.login('s1', 'secret-1', 4, 1);
    await deadline(mute.closed, 'mute closed', 3000);
    await deadline(quiet.closed, 'quiet closed after 1.5 s', 4000);
    assert.equal(
      gate.eventsOf('limit').map((e) => [e.limit, e.sensorId]),
      [
        ['connectTimeoutMs', null],
        ['idleTimeoutMs', 's1'],
      ],
    );
  }));

test('a PINGREQ keeps a connection alive and gets a PINGRESP', () =>
  withMqtt({ timerResolutionMs: 20 }, async ({ raw }) => {
    const r = raw();
    await r.login('s1', 'secret-1', 4, 1);
    for (let i = 0; i < 3; i++) {
      r.send({ cmd: 'pingreq' });
      await r.next('pingresp');
    }
    assert.is(r.isClosed, false);
  }));

test('over maxPacketBytes: v5 DISCONNECT 0x95 from the header alone', () =>
  withMqtt({ maxPacketBytes: 1024 }, async ({ gate, raw }) => {
    const r = raw({ protocolVersion: 5 });
    await r.login('s1', 'secret-1', 5);
    r.sendBytes(Buffer.from([0x32, 0xa0, 0x8d, 0x06])); // PUBLISH QoS 1, 100 000 bytes announced
    assert.is(((await r.next('disconnect')) as IDisconnectPacket).reasonCode, 0x95);
    assert.equal(
      gate.eventsOf('limit').map((e) => e.limit),
      ['maxPacketBytes'],
    );
  }));

test('close() says DISCONNECT 0x8B to v5 sensors and ends every connection', () =>
  withMqtt({}, async ({ raw, listener }) => {
    const r = raw({ protocolVersion: 5 });
    await r.login('s1', 'secret-1', 5);
    const pending = raw();
    await deadline(pending.connected, 'tcp');
    await deadline(listener.close(), 'close');
    assert.is(((await r.next('disconnect')) as IDisconnectPacket).reasonCode, 0x8b);
    await deadline(Promise.all([r.closed, pending.closed]), 'all closed');
    assert.is(listener.stats().connections, 0);
  }));

test('a gate that throws is logged, not fatal: the publish counts as unavailable', () =>
  withMqtt({}, async ({ gate, client, listener }) => {
    gate.answer = () => {
      throw new Error('boom');
    };
    const c = await client({ protocolVersion: 5 });
    void publish1(c, 'readings/env', 'x');
    await gate.until(() => gate.eventsOf('disconnect').length === 1, 'disconnect');
    assert.is(gate.eventsOf('disconnect')[0]?.reason, 'journal unavailable: the journal failed');
    assert.is(listener.stats().unavailable, 1);
  }));

test('SUBACK bytes on 3.1.1 for a shared subscription: refused with 0x80', () =>
  withMqtt({}, async ({ gate, raw }) => {
    const r = raw();
    await r.login('s1', 'secret-1');
    r.send({ cmd: 'subscribe', messageId: 3, subscriptions: [{ topic: '$share/g/cmd/s1', qos: 0 }] });
    const s = (await r.next('suback')) as ISubackPacket;
    assert.equal([s.messageId, s.granted], [3, [0x80]]);
    assert.is(gate.subscribes.length, 0, 'never reaches the gate');
  }));

test.run();
