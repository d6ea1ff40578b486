import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  checkBindAddress,
  classifyAddress,
  globMatch,
  type InterfaceTable,
} from '../../../agent/uplink/classify-address.js';
import { canonicalIp, formatIp, parseIp } from '../../../agent/uplink/ip-address.js';

test('canonical IP text (RFC 5952): lower case, longest zero run compressed, mapped IPv4 dotted', () => {
  const rows: [string, string][] = [
    ['127.0.0.1', '127.0.0.1'],
    ['::', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::ffff:10.1.2.3', '::ffff:10.1.2.3'],
    ['::FFFF:0a01:0203', '::ffff:10.1.2.3'],
    ['1::', '1::'],
  ];
  for (const [input, want] of rows) assert.is(canonicalIp(input), want, input);
  assert.is(parseIp('localhost'), null);
  assert.is(parseIp('1.2.3'), null);
  assert.is(parseIp('1::2::3'), null);
  assert.is(formatIp(Uint8Array.from([10, 0, 0, 1])), '10.0.0.1');
});

test('interface globs: * and ? only, anchored', () => {
  assert.ok(globMatch('wwan*', 'wwan0'));
  assert.ok(globMatch('wwan*', 'wwan'));
  assert.ok(globMatch('ppp?', 'ppp1'));
  assert.not.ok(globMatch('ppp?', 'ppp10'));
  assert.not.ok(globMatch('wwan*', 'xwwan0'));
  assert.not.ok(globMatch('eth.0', 'eth10'), 'a dot is literal');
  assert.ok(globMatch('eth0.100', 'eth0.100'));
});

const BOX: InterfaceTable = {
  lo: [
    { address: '127.0.0.1', internal: true },
    { address: '::1', internal: true },
  ],
  eth0: [
    { address: '192.168.10.1', internal: false },
    { address: 'fe80::a00:27ff:fe4e:66a1', internal: false },
  ],
  br0: [{ address: '172.16.0.1', internal: false }],
  wwan0: [
    { address: '10.64.12.7', internal: false },
    { address: '2a01:598:1:2::7', internal: false },
  ],
};
const GLOBS = { wan: ['wwan*', 'ppp*', 'rmnet*'], lan: [] };

test('classification of bound addresses', () => {
  const rows: [string, string, string | undefined][] = [
    ['0.0.0.0', 'any', undefined],
    ['::', 'any', undefined],
    ['::ffff:0.0.0.0', 'any', undefined],
    ['127.0.0.1', 'loopback', undefined],
    ['127.0.0.53', 'loopback', undefined],
    ['::1', 'loopback', undefined],
    ['::ffff:127.0.0.1', 'loopback', undefined],
    ['192.168.10.1', 'lan', 'eth0'],
    ['::ffff:192.168.10.1', 'lan', 'eth0'],
    ['fe80::a00:27ff:fe4e:66a1', 'lan', 'eth0'],
    ['10.64.12.7', 'wan', 'wwan0'],
    ['2a01:598:1:2:0:0:0:7', 'wan', 'wwan0'],
    ['203.0.113.9', 'unknown', undefined],
    ['not-an-ip', 'unknown', undefined],
  ];
  for (const [addr, cls, iface] of rows) {
    const c = classifyAddress(addr, BOX, GLOBS);
    assert.is(c.class, cls, addr);
    assert.is(c.interface, iface, addr);
  }
});

test('with lanInterfaces set, an interface matching neither list is unknown', () => {
  const globs = { wan: ['wwan*'], lan: ['eth*'] };
  assert.equal(classifyAddress('192.168.10.1', BOX, globs), { class: 'lan', interface: 'eth0' });
  assert.equal(classifyAddress('172.16.0.1', BOX, globs), { class: 'unknown', interface: 'br0' });
});

test('a WAN interface holding the address wins over a LAN one holding it too', () => {
  const dup: InterfaceTable = {
    eth0: [{ address: '10.0.0.2', internal: false }],
    ppp0: [{ address: '10.0.0.2', internal: false }],
  };
  assert.equal(classifyAddress('10.0.0.2', dup, GLOBS), { class: 'wan', interface: 'ppp0' });
});

test('checkBindAddress refuses wildcards, WAN addresses and non-literals; accepts LAN, loopback, absent', () => {
  const wan = GLOBS.wan;
  assert.equal(checkBindAddress('0.0.0.0', BOX, wan), {
    ok: false,
    problem: '0.0.0.0 binds every interface, the WAN included: use a LAN or loopback address',
  });
  assert.equal(checkBindAddress('::', BOX, wan), {
    ok: false,
    problem: ':: binds every interface, the WAN included: use a LAN or loopback address',
  });
  assert.equal(checkBindAddress('10.64.12.7', BOX, wan), {
    ok: false,
    problem: '10.64.12.7 is an address of WAN interface wwan0',
  });
  assert.equal(checkBindAddress('broker.local', BOX, wan), {
    ok: false,
    problem: 'expected an IP address literal, got "broker.local"',
  });
  assert.equal(checkBindAddress('192.168.10.1', BOX, wan), {
    ok: true,
    classified: { class: 'lan', interface: 'eth0' },
  });
  assert.equal(checkBindAddress('::1', BOX, wan), { ok: true, classified: { class: 'loopback' } });
  assert.equal(checkBindAddress('192.168.99.1', BOX, wan), { ok: true, classified: { class: 'unknown' } });
});

test.run();
