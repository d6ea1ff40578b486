import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatIp } from '../../../agent/uplink/ip-address.js';
import {
  decodeProcAddress,
  isListening,
  parseProcNet,
  socketInodes,
  TCP_CLOSE,
  TCP_ESTABLISHED,
  TCP_LISTEN,
} from '../../../agent/uplink/proc-net.js';

// Captured on Linux (x86_64, little-endian), Node 20.20: listeners on ::1, :: (dual stack) and
// 127.0.0.1, a client connected from 127.0.0.1 to the :: listener, UDP on 127.0.0.1, :: and ::1.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode                                                     
   0: 0100007F:B0DF 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 37304 1 00000000a67fd461 100 0 0 10 0                     
   1: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 646 1 00000000697fc97a 100 0 0 10 0                       
   2: 0100007F:C126 0100007F:A0E3 01 00000000:00000000 00:00000000 00000000     0        0 37316 2 0000000098a73137 20 0 0 10 -1                     
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:A0E3 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 37303 1 00000000d773024b 100 0 0 10 0
   1: 00000000000000000000000001000000:AC01 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 37302 1 000000000ae7ad72 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:A0E3 0000000000000000FFFF00000100007F:C126 01 00000000:00000000 00:00000000 00000000     0        0 37317 1 000000005bbf5151 20 0 0 10 -1
`;
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            
 7236: 0100007F:C68A 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 37305 2 00000000323f81f8 0         
`;
const UDP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
13453: 00000000000000000000000001000000:DED3 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 37307 2 000000009368a0bb 0
14751: 00000000000000000000000000000000:E3E5 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 37306 2 00000000a9ea76c2 0
`;

const brief = (text: string, proto: 'tcp' | 'tcp6' | 'udp' | 'udp6') =>
  parseProcNet(text, proto).sockets.map((s) => [
    s.localAddress,
    s.localPort,
    s.remoteAddress,
    s.remotePort,
    s.state,
    s.inode,
  ]);

test('tcp: IPv4 words are little-endian, ports big-endian hex, states and inodes read', () => {
  assert.equal(brief(TCP, 'tcp'), [
    ['127.0.0.1', 45279, '0.0.0.0', 0, TCP_LISTEN, 37304],
    ['0.0.0.0', 2024, '0.0.0.0', 0, TCP_LISTEN, 646],
    ['127.0.0.1', 49446, '127.0.0.1', 41187, TCP_ESTABLISHED, 37316],
  ]);
  assert.equal(parseProcNet(TCP, 'tcp').problems, []);
});

test('tcp6: ::, ::1 and an IPv4-mapped peer (::ffff:127.0.0.1)', () => {
  assert.equal(brief(TCP6, 'tcp6'), [
    ['::', 41187, '::', 0, TCP_LISTEN, 37303],
    ['::1', 44033, '::', 0, TCP_LISTEN, 37302],
    ['::ffff:127.0.0.1', 41187, '::ffff:127.0.0.1', 49446, TCP_ESTABLISHED, 37317],
  ]);
});

test('udp and udp6: unconnected sockets show state 07', () => {
  assert.equal(brief(UDP, 'udp'), [['127.0.0.1', 50826, '0.0.0.0', 0, TCP_CLOSE, 37305]]);
  assert.equal(brief(UDP6, 'udp6'), [
    ['::1', 57043, '::', 0, TCP_CLOSE, 37307],
    ['::', 58341, '::', 0, TCP_CLOSE, 37306],
  ]);
});

test('isListening: TCP in LISTEN, UDP not connected', () => {
  const tcp = parseProcNet(TCP, 'tcp').sockets.map(isListening);
  assert.equal(tcp, [true, true, false]);
  const udp = parseProcNet(`h\n 1: 0100007F:0035 0100007F:1234 01 0:0 0:0 0 0 0 99 2 p 0\n`, 'udp').sockets;
  assert.equal(udp.map(isListening), [false], 'a connected UDP socket talks to one peer only');
});

test('addresses written for the kernel of each byte order', () => {
  // fe80::1 and 192.0.2.10 as a little-endian and a big-endian kernel print them
  assert.is(
    formatIp(decodeProcAddress('000080FE000000000000000001000000', 'LE') ?? new Uint8Array()),
    'fe80::1',
  );
  assert.is(
    formatIp(decodeProcAddress('FE800000000000000000000000000001', 'BE') ?? new Uint8Array()),
    'fe80::1',
  );
  assert.is(formatIp(decodeProcAddress('0A0200C0', 'LE') ?? new Uint8Array()), '192.0.2.10');
  assert.is(formatIp(decodeProcAddress('C000020A', 'BE') ?? new Uint8Array()), '192.0.2.10');
  // 2001:db8::1234:5678 (LE)
  assert.is(
    formatIp(decodeProcAddress('B80D0120000000000000000078563412', 'LE') ?? new Uint8Array()),
    '2001:db8::1234:5678',
  );
  assert.is(decodeProcAddress('0100007', 'LE'), null);
  assert.is(decodeProcAddress('0100007G', 'LE'), null);
});

test('bad lines are reported with their number, good ones still parsed', () => {
  const text = `header\n   0: 0100007F:B0DF 00000000:0000 0A 0:0 0:0 0 0 0 11 1\n   1: garbage\n   2: 0100007F:ZZZZ 00000000:0000 0A 0:0 0:0 0 0 0 12 1\n`;
  const r = parseProcNet(text, 'tcp');
  assert.equal(
    r.sockets.map((s) => s.inode),
    [11],
  );
  assert.equal(r.problems, [
    'tcp line 3: cannot parse "1: garbage"',
    'tcp line 4: cannot parse "2: 0100007F:ZZZZ 00000000:0000 0A 0:0 0:0 0 0 0 12 1"',
  ]);
  assert.equal(parseProcNet('', 'tcp').sockets, []);
});

test('socket inodes from fd link targets', () => {
  assert.equal(
    [
      ...socketInodes([
        'socket:[37302]',
        'pipe:[1]',
        '/dev/null',
        'socket:[7]',
        'anon_inode:[eventpoll]',
        'socket:[x]',
      ]),
    ],
    [37302, 7],
  );
});

test.run();
