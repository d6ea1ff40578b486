import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pemDecode, pemEncode } from '../../../agent/identity/pem.js';
import { ipBytes, ipText } from '../../../agent/identity/x509-asn1.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('IP literals to SAN octets and back', () => {
  const rows: Array<[string, string, string]> = [
    ['127.0.0.1', '7f000001', '127.0.0.1'],
    ['::1', '00000000000000000000000000000001', '::1'],
    ['::', '00000000000000000000000000000000', '::'],
    [
      '2001:db8::8:800:200c:417a',
      '20010db8000000000008080020 0c417a'.replace(' ', ''),
      '2001:db8::8:800:200c:417a',
    ],
    ['fe80::1:0:0:1', 'fe800000000000000001000000000001', 'fe80::1:0:0:1'],
    ['::ffff:192.0.2.1', '00000000000000000000ffffc0000201', '::ffff:c000:201'],
    ['2001:db8:0:1:1:1:1:1', '20010db8000000010001000100010001', '2001:db8:0:1:1:1:1:1'],
  ];
  const got = rows.map(([ip]) => {
    const b = ipBytes(ip);
    return [ip, hex(b), ipText(b)];
  });
  assert.equal(got, rows);
  assert.throws(() => ipBytes('localhost'), TypeError);
});

test('PEM round trip and bad PEM', () => {
  const der = new Uint8Array(100).map((_, i) => i);
  const pem = pemEncode('CERTIFICATE', der);
  assert.ok(pem.split('\n').every((l) => l.length <= 64));
  const back = pemDecode(`junk before\r\n${pem.replace(/\n/g, '\r\n')}`, 'CERTIFICATE');
  assert.equal(back, { ok: true, value: der });
  assert.equal(pemDecode('hello', 'CERTIFICATE'), {
    ok: false,
    reason: 'no "-----BEGIN CERTIFICATE-----" line',
  });
  assert.equal(pemDecode('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----', 'CERTIFICATE'), {
    ok: false,
    reason: 'the CERTIFICATE block is not valid base64',
  });
  assert.equal(pemDecode(pem, 'CERTIFICATE REQUEST').ok, false);
});

test.run();
