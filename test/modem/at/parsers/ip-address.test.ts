import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatIpv6, normaliseAddress } from '../../../../modem/at/parsers/ip-address.js';

const ROWS: ReadonlyArray<readonly [string, string, string[] | null]> = [
  ['prefix length dropped', '2001:db8::1/64', ['2001:db8::1']],
  ['IPv4', '10.1.2.3', ['10.1.2.3']],
  ['IPv6 dotted, documentation prefix', '32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.1', ['2001:db8::1']],
  ['IPv6 dotted, link local', '254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1', ['fe80::1']],
  ['IPv6 dotted, all zero', '0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0', ['::']],
  ['IPv6 colon, expanded', '2001:0db8:0000:0000:0000:ff00:0042:8329', ['2001:db8::ff00:42:8329']],
  ['IPv6 colon, leading ::', '::1', ['::1']],
  ['IPv6 colon, trailing ::', 'fe80::', ['fe80::']],
  [
    'IPv6 single zero group not compressed (RFC 5952 §4.2.2)',
    '2001:db8:0:1:1:1:1:1',
    ['2001:db8:0:1:1:1:1:1'],
  ],
  ['IPv6 first of two equal zero runs (RFC 5952 §4.2.3)', '2001:db8:0:0:1:0:0:1', ['2001:db8::1:0:0:1']],
  ['IPv6 longest zero run wins', '2001:0:0:1:0:0:0:1', ['2001:0:0:1::1']],
  ['IPv6 with dotted IPv4 tail', '::ffff:10.1.2.3', ['::ffff:a01:203']],
  ['20 bytes', '10.2.3.4.32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.1', ['10.2.3.4', '2001:db8::1']],
  ['3 bytes', '10.2.3', null],
  ['byte over 255', '10.2.3.300', null],
  ['empty', '', null],
  ['hex group too long', '2001:db8::12345', null],
  ['too many groups', '1:2:3:4:5:6:7:8:9', null],
  [':: standing for nothing', '1:2:3:4:5:6:7::8', null],
  ['letters', 'abc', null],
];

for (const [name, text, expected] of ROWS) {
  test(`normaliseAddress: ${name}`, () => {
    assert.equal(normaliseAddress(text), expected);
  });
}

test('formatIpv6: no zero groups', () => {
  assert.is(formatIpv6([0x2001, 0xdb8, 1, 2, 3, 4, 5, 6]), '2001:db8:1:2:3:4:5:6');
});

test.run();
