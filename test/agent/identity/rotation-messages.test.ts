import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCertResponse, parseCsrRequest } from '../../../agent/identity/rotation-messages.js';

const b = (o: unknown): Buffer => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o));
const CSR = '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

test('a CSR request round trip and its checks', () => {
  const ok = parseCsrRequest(b({ v: 1, requestId: 'a1b2c3d4-0000', csr: CSR, reason: 'lifetime' }));
  assert.ok(ok.ok && ok.value.reason === 'lifetime');
  const cases: Array<[unknown, RegExp]> = [
    [{ v: 2, requestId: 'a1b2c3d4', csr: CSR, reason: 'lifetime' }, /v: expected 1/],
    [{ v: 1, requestId: 'x', csr: CSR, reason: 'lifetime' }, /requestId/],
    [{ v: 1, requestId: 'a1b2c3d4', csr: 'hello', reason: 'lifetime' }, /csr: expected a PEM/],
    [{ v: 1, requestId: 'a1b2c3d4', csr: CSR, reason: 'because' }, /reason/],
    ['not json', /not JSON/],
    [[1, 2], /not a JSON object/],
  ];
  for (const [msg, why] of cases) {
    const r = parseCsrRequest(b(msg));
    assert.not.ok(r.ok, JSON.stringify(msg));
    if (!r.ok) assert.match(r.reason, why);
  }
});

test('a cert response carries a certificate or an error, bounded', () => {
  const c = parseCertResponse(b({ v: 1, requestId: 'a1b2c3d4', cert: CERT }));
  assert.ok(c.ok && 'cert' in c.value);
  const e = parseCertResponse(b({ v: 1, requestId: 'a1b2c3d4', error: 'x'.repeat(2000) }));
  assert.ok(e.ok && 'error' in e.value && e.value.error.length === 500);
  const big = parseCertResponse(Buffer.alloc(20_000, 0x20));
  assert.ok(!big.ok && /over 16384/.test(big.reason));
});

test.run();
