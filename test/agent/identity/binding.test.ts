import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type BindingStatus, checkBinding } from '../../../agent/identity/binding.js';

const ICCID = '8949010000123456780';
const IMEI = '861677031234563';
const OTHER_ICCID = '8949010000999988887';
const OTHER_IMEI = '861677039999888';

const rows: Array<
  [
    string,
    { iccid: string | null; imei: string | null },
    { iccid: string | null; imei: string | null } | null,
    BindingStatus,
  ]
> = [
  ['both match', { iccid: ICCID, imei: IMEI }, { iccid: ICCID, imei: IMEI }, 'ok'],
  ['SIM swapped', { iccid: ICCID, imei: IMEI }, { iccid: OTHER_ICCID, imei: IMEI }, 'sim-mismatch'],
  ['modem swapped', { iccid: ICCID, imei: IMEI }, { iccid: ICCID, imei: OTHER_IMEI }, 'modem-mismatch'],
  [
    'both swapped',
    { iccid: ICCID, imei: IMEI },
    { iccid: OTHER_ICCID, imei: OTHER_IMEI },
    'sim-and-modem-mismatch',
  ],
  ['live unreadable', { iccid: ICCID, imei: IMEI }, null, 'unknown-live'],
  ['ICCID unreadable now', { iccid: ICCID, imei: IMEI }, { iccid: null, imei: IMEI }, 'unknown-live'],
  [
    'mismatch wins over unreadable',
    { iccid: ICCID, imei: IMEI },
    { iccid: OTHER_ICCID, imei: null },
    'sim-mismatch',
  ],
  ['unbound certificate', { iccid: null, imei: null }, { iccid: ICCID, imei: IMEI }, 'unbound'],
  ['unbound and unreadable', { iccid: null, imei: null }, null, 'unbound'],
  ['only the SIM bound', { iccid: ICCID, imei: null }, { iccid: ICCID, imei: OTHER_IMEI }, 'ok'],
  [
    'only the modem bound, swapped',
    { iccid: null, imei: IMEI },
    { iccid: ICCID, imei: OTHER_IMEI },
    'modem-mismatch',
  ],
  [
    'trailing F filler on the live ICCID',
    { iccid: ICCID, imei: IMEI },
    { iccid: `${ICCID}F`, imei: IMEI },
    'ok',
  ],
];

test('binding table', () => {
  const got = rows.map(([name, bound, live]) => [name, checkBinding(bound, live).status]);
  assert.equal(
    got,
    rows.map(([name, , , status]) => [name, status]),
  );
});

test('details show only the last 4 digits', () => {
  const r = checkBinding({ iccid: ICCID, imei: IMEI }, { iccid: OTHER_ICCID, imei: OTHER_IMEI });
  assert.is(
    r.detail,
    'SIM and modem both changed: certificate ICCID …6780, SIM ICCID …8887; certificate IMEI …4563, modem IMEI …9888',
  );
  assert.not.ok(r.detail.includes(ICCID));
  assert.is(
    checkBinding({ iccid: ICCID, imei: IMEI }, { iccid: null, imei: IMEI }).detail,
    'could not read the live ICCID; nothing read disagrees with the certificate',
  );
});

test.run();
