/** Who a TLS client certificate says a sensor is, from the facts node:tls reports. Pure. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { identifyByCert, type PeerCertFacts } from '../../../agent/proxies/client-cert.js';

const GOOD: PeerCertFacts = { hasCert: true, isTrusted: true, verifyError: null, commonName: 's1' };

const ROWS: readonly [string, PeerCertFacts, string, ReturnType<typeof identifyByCert>][] = [
  ['a trusted cert for the username', GOOD, 's1', { ok: true, sensorId: 's1' }],
  ['no username: the CN names the sensor', GOOD, '', { ok: true, sensorId: 's1' }],
  [
    'no certificate',
    { hasCert: false, isTrusted: false, verifyError: 'UNABLE_TO_GET_ISSUER_CERT', commonName: null },
    's1',
    { ok: false, cause: 'no client certificate' },
  ],
  [
    'a certificate from another CA',
    { ...GOOD, isTrusted: false, verifyError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
    's1',
    {
      ok: false,
      cause: "client certificate not issued by the listener's CA (UNABLE_TO_VERIFY_LEAF_SIGNATURE)",
    },
  ],
  [
    'a certificate for another sensor',
    { ...GOOD, commonName: 's2' },
    's1',
    { ok: false, cause: 'client certificate is for "s2", not "s1"' },
  ],
  [
    'a CN differing only in case is another id',
    { ...GOOD, commonName: 'S1' },
    's1',
    { ok: false, cause: 'client certificate is for "S1", not "s1"' },
  ],
  [
    'no subject CN (or two of them)',
    { ...GOOD, commonName: null },
    's1',
    { ok: false, cause: 'client certificate has no subject CN' },
  ],
];

for (const [name, facts, username, want] of ROWS) {
  test(name, () => {
    assert.equal(identifyByCert(facts, username), want);
  });
}

test.run();
