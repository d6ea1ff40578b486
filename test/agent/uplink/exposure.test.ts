import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateConfig } from '../../../agent/config/validate.js';
import { checkExposure, summarizeExposure } from '../../../agent/uplink/exposure.js';
import { parseProcNet } from '../../../agent/uplink/proc-net.js';
import { minimal, problemLines, withField } from '../config/sample.js';

const GLOBS = { wanInterfaces: ['wwan*', 'ppp*', 'rmnet*'], lanInterfaces: [] as string[] };

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:075B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 501 1 0 100 0 0 10 0
   1: 010AA8C0:075B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 502 1 0 100 0 0 10 0
   2: 070C400A:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 503 1 0 100 0 0 10 0
   3: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 900 1 0 100 0 0 10 0
   4: 070C400A:C350 0A0200C0:22B3 01 00000000:00000000 00:00000000 00000000     0        0 504 1 0 20 0 0 10 -1
`;
const BOX = {
  lo: [{ address: '127.0.0.1', internal: true }],
  eth0: [{ address: '192.168.10.1', internal: false }],
  wwan0: [{ address: '10.64.12.7', internal: false }],
};

test('summary: own listeners classified, the established uplink socket is not a listener', () => {
  const sockets = parseProcNet(TCP, 'tcp').sockets;
  const own = new Set([501, 502, 503, 504]);
  const r = summarizeExposure(sockets, own, 'self', BOX, { wan: GLOBS.wanInterfaces, lan: [] });
  assert.equal(
    r.listeners.map((l) => [l.address, l.port, l.class, l.interface ?? null]),
    [
      ['127.0.0.1', 1883, 'loopback', null],
      ['192.168.10.1', 1883, 'lan', 'eth0'],
      ['10.64.12.7', 8080, 'wan', 'wwan0'],
    ],
  );
  assert.is(r.isExposed, true);
  const safe = summarizeExposure(sockets, new Set([501, 502, 504]), 'self', BOX, {
    wan: GLOBS.wanInterfaces,
    lan: [],
  });
  assert.is(safe.isExposed, false);
  const all = summarizeExposure(sockets, new Set([501]), 'all', BOX, { wan: GLOBS.wanInterfaces, lan: [] });
  assert.equal(
    all.listeners.map((l) => [l.port, l.class, l.isOwn]),
    [
      [1883, 'loopback', true],
      [1883, 'lan', false],
      [8080, 'wan', false],
      [22, 'any', false],
    ],
  );
});

test('the shell reads net/* and self/fd under procRoot; missing files are named, not fatal', async () => {
  const root = await mkdtemp(join(tmpdir(), 'ztgw-proc-'));
  try {
    await mkdir(join(root, 'net'));
    await mkdir(join(root, 'self', 'fd'), { recursive: true });
    await writeFile(join(root, 'net', 'tcp'), TCP);
    await writeFile(join(root, 'net', 'udp'), 'header\n');
    // fd links: their targets are just strings, which is all the check reads
    await symlink('socket:[503]', join(root, 'self', 'fd', '3'));
    await symlink('socket:[501]', join(root, 'self', 'fd', '4'));
    await symlink('/dev/null', join(root, 'self', 'fd', '0'));
    const r = await checkExposure({ scope: 'self', ...GLOBS, procRoot: root, interfaces: BOX });
    assert.equal(
      r.listeners.map((l) => [l.proto, l.address, l.port, l.class]),
      [
        ['tcp', '127.0.0.1', 1883, 'loopback'],
        ['tcp', '10.64.12.7', 8080, 'wan'],
      ],
    );
    assert.is(r.isExposed, true);
    assert.equal(r.problems, [
      `cannot read ${join(root, 'net', 'tcp6')}: ENOENT`,
      `cannot read ${join(root, 'net', 'udp6')}: ENOENT`,
    ]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

const listen = (host: string): Promise<Server> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => resolve(s));
  });
const portOf = (s: Server): number => {
  const a = s.address();
  return typeof a === 'object' && a !== null ? a.port : 0;
};
const bindUdp = (host: string): Promise<UdpSocket> =>
  new Promise((resolve, reject) => {
    const u = createSocket('udp4');
    u.once('error', reject);
    u.bind(0, host, () => resolve(u));
  });
const close = (s: Server): Promise<void> => new Promise((r) => s.close(() => r()));

test('live self-check: a listener on 127.0.0.1 and one on 0.0.0.0 are both listed and classified', async () => {
  const loop = await listen('127.0.0.1');
  const any = await listen('0.0.0.0');
  const udp = await bindUdp('127.0.0.1');
  const anyPort = portOf(any);
  const ports = new Set([portOf(loop), anyPort, udp.address().port]);
  try {
    const r = await checkExposure({ scope: 'self', ...GLOBS });
    const ours = r.listeners.filter((l) => ports.has(l.port));
    assert.equal(
      ours
        .map((l) => [l.proto, l.address, l.port, l.class, l.isOwn])
        .sort((a, b) => Number(a[2]) - Number(b[2])),
      [
        ['tcp', '127.0.0.1', portOf(loop), 'loopback', true],
        ['tcp', '0.0.0.0', anyPort, 'any', true],
        ['udp', '127.0.0.1', udp.address().port, 'loopback', true],
      ].sort((a, b) => Number(a[2]) - Number(b[2])),
    );
    assert.is(r.isExposed, true, 'a socket on 0.0.0.0 is exposed');
    assert.ok(
      r.listeners.every((l) => l.isOwn),
      'scope self lists only this process',
    );

    await close(any);
    const after = await checkExposure({ scope: 'self', ...GLOBS });
    const left = after.listeners.filter((l) => ports.has(l.port)).map((l) => l.class);
    assert.equal(left.sort(), ['loopback', 'loopback']);
    const others = after.listeners.filter((l) => !ports.has(l.port));
    assert.is(
      after.isExposed,
      others.some((l) => ['any', 'wan', 'unknown'].includes(l.class)),
    );

    // …and the same address is what config validation refuses for a listener.
    const cfg = withField(minimal(), 'listeners', [
      { kind: 'mqtt', address: '0.0.0.0', port: anyPort },
      { kind: 'mqtt', address: '127.0.0.1', port: portOf(loop) },
    ]);
    assert.equal(problemLines(validateConfig(cfg, { interfaces: networkInterfaces() })), [
      'listeners[0].address: 0.0.0.0 binds every interface, the WAN included: use a LAN or loopback address',
    ]);
  } finally {
    if (any.listening) await close(any);
    await close(loop);
    udp.close();
  }
});

test.run();
