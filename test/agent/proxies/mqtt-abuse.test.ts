/**
 * Hostile or broken clients on the MQTT listener, each while a good sensor keeps publishing: the
 * bad connection is closed, the good one gets every PUBACK.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { generate } from 'mqtt-packet';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deadline } from './fake-gate.js';
import { publishMany, withMqtt } from './mqtt-helpers.js';
import type { RawMqtt } from './raw-mqtt.js';

const N = 300;

test('malformed bytes close that socket only', () =>
  withMqtt({}, async ({ gate, client, raw }) => {
    const good = await client();
    const sending = publishMany(good, N);
    const junk: Array<[string, Buffer]> = [
      ['before CONNECT', Buffer.from('GET / HTTP/1.1\r\n\r\n')],
      ['reserved flag', Buffer.from([0x10, 0x0d, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x01, 0, 0, 0, 0, 0])],
      ['five-byte length', Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x7f])],
    ];
    const bad: RawMqtt[] = [];
    for (const [, bytes] of junk) {
      const r = raw();
      await deadline(r.connected, 'tcp');
      r.sendBytes(bytes);
      bad.push(r);
    }
    const after = raw();
    await after.login('s2', 'secret-2');
    after.sendBytes(Buffer.from([0x62, 0x02, 0x00, 0x01])); // PUBREL: QoS 2 flow, never started
    bad.push(after);
    await deadline(Promise.all(bad.map((r) => r.closed)), 'every bad socket closed');
    assert.is(await deadline(sending, 'good sensor done', 20_000), N);
    assert.is(gate.publishes.filter((p) => p.sensorId === 's1').length, N);
    assert.is(gate.eventsOf('malformed').length, 4);
    assert.is(good.connected, true);
  }));

test('a client sending one byte per second is closed by partialPacketTimeoutMs', () =>
  withMqtt({ partialPacketTimeoutMs: 1500, timerResolutionMs: 50 }, async ({ gate, client, raw }) => {
    const good = await client();
    const slow = raw();
    await slow.login('s2', 'secret-2');
    const packet = generate({
      cmd: 'publish',
      topic: 'readings/slow',
      payload: Buffer.alloc(50),
      qos: 1,
      messageId: 1,
      retain: false,
      dup: false,
    });
    const sending = publishMany(good, N);
    // The slow client's own pace, not a wait for the listener: it stops once closed.
    for (let i = 0; i < packet.length && !slow.isClosed; i++) {
      slow.sendBytes(packet.subarray(i, i + 1));
      await Promise.race([sleep(1000), slow.closed]);
    }
    await deadline(slow.closed, 'slow client closed', 5000);
    assert.is(await deadline(sending, 'good sensor done', 20_000), N);
    assert.equal(
      gate.eventsOf('limit').map((e) => [e.limit, e.sensorId]),
      [['partialPacketTimeoutMs', 's2']],
    );
    assert.is(gate.publishes.filter((p) => p.topic === 'readings/slow').length, 0);
  }));

test('a connect flood over maxConnections is refused at once; the connected sensor is untouched', () =>
  withMqtt(
    { maxConnections: 5, perSourceConnectsPerMin: 10_000 },
    async ({ gate, client, raw, listener }) => {
      const good = await client();
      const sending = publishMany(good, N);
      const flood = Array.from({ length: 20 }, () => raw());
      // Four fit beside the good sensor; the other sixteen are closed by the listener.
      await deadline(Promise.all(flood.map((r) => r.connected)), 'tcp connects');
      await gate.until(() => gate.eventsOf('limit').length === 16, '16 refusals');
      assert.ok(gate.eventsOf('limit').every((e) => e.limit === 'maxConnections'));
      assert.is(await deadline(sending, 'good sensor done', 20_000), N);
      assert.equal([listener.stats().refused, listener.stats().connections], [16, 5]);
      for (const r of flood) r.destroy();
      await deadline(Promise.all(flood.map((r) => r.closed)), 'flood gone');
    },
  ));

test('a connect flood from one source hits perSourceConnectsPerMin; other sources still connect', () =>
  withMqtt({ perSourceConnectsPerMin: 5 }, async ({ gate, client, raw }) => {
    const good = await client(); // from 127.0.0.1: one of its five tokens
    const sending = publishMany(good, N);
    const flood = Array.from({ length: 12 }, () => raw({ localAddress: '127.0.0.2' }));
    await deadline(Promise.all(flood.map((r) => r.connected)), 'tcp connects');
    await gate.until(() => gate.eventsOf('limit').length === 7, '7 refusals');
    const [first] = gate.eventsOf('limit');
    assert.equal(
      [first?.limit, first?.reason],
      ['perSourceConnectsPerMin', 'over 5 connects per minute from 127.0.0.2'],
    );
    const other = await client({ username: 's2', password: 'secret-2' });
    assert.is(other.connected, true, '127.0.0.1 has tokens left');
    assert.is(await deadline(sending, 'good sensor done', 20_000), N);
    for (const r of flood) r.destroy();
  }));

test('backpressure: at maxInFlight unanswered publishes the listener stops reading the socket', () =>
  withMqtt({ maxInFlight: 4, maxPacketBytes: 16_384 }, async ({ gate, raw, client, listener }) => {
    gate.answer = (p) => (p.sensorId === 's2' ? 'hold' : { ok: true });
    const r = raw();
    await r.login('s2', 'secret-2');
    const total = 4096; // 8 KiB each: 32 MiB, far more than the kernel buffers hold
    const one = (i: number): Buffer =>
      generate({
        cmd: 'publish',
        topic: 'readings/bulk',
        payload: Buffer.alloc(8192, i & 0xff),
        qos: 1,
        messageId: (i % 65_535) + 1,
        retain: false,
        dup: false,
      });
    const burst = Buffer.concat(Array.from({ length: total }, (_, i) => one(i)));
    r.sendBytes(burst);
    await gate.until(() => gate.held.length === 4, 'the window full');
    // The good sensor's round trips give the listener every chance to read on: it must not.
    const good = await client();
    assert.is(await deadline(publishMany(good, 50, 1), 'good sensor'), 50);
    const readWhilePaused = listener.stats().bytesIn;
    assert.is(
      gate.publishes.filter((p) => p.sensorId === 's2').length,
      4,
      'no fifth publish reached the gate',
    );
    assert.ok(
      readWhilePaused < 2 * 1024 * 1024,
      `read ${readWhilePaused} bytes of ${burst.length} while paused`,
    );
    assert.ok(listener.stats().pauses >= 1);
    gate.releaseAll();
    await r.until(() => r.count('puback') === total, 'every PUBACK after the window opens', 30_000);
    assert.is(gate.publishes.filter((p) => p.sensorId === 's2').length, total);
    assert.is(gate.maxHeld, 4, 'never more than maxInFlight at the gate');
  }));

test.run();
