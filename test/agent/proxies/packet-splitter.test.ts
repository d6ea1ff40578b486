/**
 * The splitter and the PUBLISH decoder against mqtt-packet itself: the same byte stream, fed whole,
 * byte by byte and at random split points, must give exactly the packets mqtt-packet parses from it
 * in one go, for MQTT 3.1.1 and 5, with the common PUBLISH decoded here and the rest left to
 * mqtt-packet; a bad fixed header must reach mqtt-packet before the rest of its packet arrives.
 */
import fc from 'fast-check';
import { generate, type IPacket, parser as mqttParser, type Packet } from 'mqtt-packet';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decodePublish,
  newTopicMemo,
  type PacketSink,
  PacketSplitter,
  packetSize,
} from '../../../agent/proxies/packet-splitter.js';

function connect(protocolVersion: 4 | 5): Buffer {
  return generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion,
    clientId: 's1',
    clean: true,
    keepalive: 30,
    username: 's1',
    password: Buffer.from('secret'),
  });
}

function publish(v: 4 | 5, over: Record<string, unknown>): Buffer {
  const p = {
    cmd: 'publish',
    topic: 'readings/env',
    payload: Buffer.from('{"t":1}'),
    qos: 1,
    messageId: 7,
    retain: false,
    dup: false,
    ...over,
  };
  // @ts-expect-error -- mqtt-packet's generate takes any packet shape; these are valid PUBLISHes.
  return generate(p, { protocolVersion: v });
}

/** A session's worth of client packets: CONNECT first (it sets mqtt-packet's protocol level). */
function stream(v: 4 | 5): Buffer {
  const parts = [
    connect(v),
    publish(v, {}),
    publish(v, { qos: 0, messageId: undefined, payload: Buffer.alloc(0) }),
    publish(v, { topic: 'readings/äöü', retain: true, dup: true, messageId: 65_535 }),
    publish(v, { payload: Buffer.alloc(70_000, 3) }),
    publish(v, { qos: 2, messageId: 9 }),
    generate({ cmd: 'pingreq' }),
    generate(
      { cmd: 'subscribe', messageId: 3, subscriptions: [{ topic: 'cmd/s1', qos: 0 }] },
      { protocolVersion: v },
    ),
    publish(v, { topic: 'readings/env', payload: Buffer.from('again') }),
    generate({ cmd: 'disconnect' }, { protocolVersion: v }),
  ];
  if (v === 5)
    parts.splice(
      3,
      0,
      publish(5, { properties: { payloadFormatIndicator: true, userProperties: { a: 'b' } } }),
    );
  return Buffer.concat(parts);
}

/** What mqtt-packet alone makes of `bytes`. */
function reference(bytes: Buffer): Packet[] {
  const out: Packet[] = [];
  const p = mqttParser();
  p.on('packet', (x) => out.push(x));
  p.parse(bytes);
  return out;
}

/** What the splitter (plus mqtt-packet for the rest) makes of `bytes` cut at `cuts`. */
function split(bytes: Buffer, cuts: readonly number[], v: 4 | 5): { packets: Packet[]; decodedHere: number } {
  const out: Packet[] = [];
  let decodedHere = 0;
  const p = mqttParser();
  p.on('packet', (x) => out.push(x));
  const memo = newTopicMemo();
  const sink: PacketSink = {
    publish: (b) => {
      const d = decodePublish(b, out.length === 0 ? 4 : v, memo);
      if (d === null) p.parse(b);
      else {
        decodedHere++;
        out.push(d);
      }
    },
    other: (b) => {
      p.parse(b);
    },
    isStopped: () => false,
  };
  const s = new PacketSplitter();
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    assert.ok(s.push(bytes.subarray(at, c), sink));
    at = c;
  }
  return { packets: out, decodedHere };
}

/** The fields both sides fill, payloads as bytes. */
function shape(packets: readonly Packet[]): unknown[] {
  return packets.map((x) => {
    const o: Record<string, unknown> = { ...x };
    if ('payload' in x && x.payload !== null && typeof x.payload !== 'string')
      o['payload'] = Buffer.from(x.payload).toString('hex');
    return o;
  });
}

for (const v of [4, 5] as const) {
  test(`MQTT ${v === 4 ? '3.1.1' : '5'}: whole, byte by byte and random splits give mqtt-packet's packets`, () => {
    const bytes = stream(v);
    const want = shape(reference(bytes));
    assert.is(want.length, v === 5 ? 11 : 10);
    const whole = split(bytes, [], v);
    assert.equal(shape(whole.packets), want);
    // The common PUBLISHes are decoded here: all but QoS 2 (and, in MQTT 5, the one with properties).
    assert.is(whole.decodedHere, 5);
    const bytewise = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    assert.equal(shape(split(bytes, bytewise, v).packets), want);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }),
        (cuts) => {
          assert.equal(
            shape(
              split(
                bytes,
                [...cuts].sort((a, b) => a - b),
                v,
              ).packets,
            ),
            want,
          );
        },
      ),
      { numRuns: 300, seed: 20261202 },
    );
  });
}

test('a packet that is not a PUBLISH candidate reaches mqtt-packet byte by byte, header first', () => {
  const seen: Buffer[] = [];
  const sink: PacketSink = {
    publish: () => assert.unreachable('no PUBLISH here'),
    other: (b) => seen.push(Buffer.from(b)),
    isStopped: () => false,
  };
  const s = new PacketSplitter();
  // "GET / HTTP/1.1": 'G' is type 4 with bad flags; mqtt-packet refuses it from the first byte.
  s.push(Buffer.from('G'), sink);
  assert.equal(
    seen.map((b) => b.toString('latin1')),
    ['G'],
  );
  s.push(Buffer.from('ET / HTTP/1.1\r\n\r\n'), sink);
  assert.is(Buffer.concat(seen).toString('latin1'), 'GET / HTTP/1.1\r\n\r\n');
  // A QoS 3 PUBLISH is mqtt-packet's to refuse, also from its header.
  const q3 = new PacketSplitter();
  const got: Buffer[] = [];
  q3.push(Buffer.from([0x36, 0x10]), { ...sink, other: (b) => got.push(Buffer.from(b)) });
  assert.equal(
    got.map((b) => b.toString('hex')),
    ['3610'],
  );
});

test('stops between packets when asked, and refuses a five-byte Remaining Length', () => {
  const two = Buffer.concat([publish(4, {}), publish(4, {})]);
  let n = 0;
  const s = new PacketSplitter();
  s.push(two, { publish: () => n++, other: () => undefined, isStopped: () => n >= 1 });
  assert.is(n, 1);
  assert.is(
    new PacketSplitter().push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x7f]), {
      publish: () => undefined,
      other: () => undefined,
      isStopped: () => false,
    }),
    false,
  );
  assert.is(packetSize(Buffer.from([0x30, 0x80]), 0, 2), -1);
  assert.is(packetSize(Buffer.from([0x30, 0x80, 0x01]), 0, 3), 3 + 128);
});

test('decodePublish leaves to mqtt-packet what it does not decode exactly', () => {
  const memo = newTopicMemo();
  const cut = (b: Buffer, n: number) => b.subarray(0, n);
  assert.is(decodePublish(publish(4, { qos: 2 }), 4, memo), null);
  assert.is(decodePublish(publish(5, { properties: { contentType: 'x' } }), 5, memo), null);
  assert.is(decodePublish(generate({ cmd: 'pingreq' }), 4, memo), null);
  // A topic or packet id longer than the packet: mqtt-packet's own error (or quirk) applies.
  const p = publish(4, { topic: 'abc', payload: Buffer.alloc(0) });
  assert.is(decodePublish(Buffer.concat([cut(p, 1), Buffer.from([5]), p.subarray(2, 7)]), 4, memo), null);
  const d = decodePublish(p, 4, memo);
  const packet: IPacket | null = d;
  assert.equal(packet, {
    cmd: 'publish',
    retain: false,
    qos: 1,
    dup: false,
    length: 7,
    topic: 'abc',
    payload: Buffer.alloc(0),
    messageId: 7,
  });
});

test.run();
