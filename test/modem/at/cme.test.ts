import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cmeName, lookupCme, lookupCms } from '../../../modem/at/cme.js';

// Text after `+CME ERROR:` as modems send it (AT+CMEE=1 numeric, AT+CMEE=2 verbose).
const CME_ROWS: ReadonlyArray<readonly [string, string, number | null, string]> = [
  ['numeric 10 (AT+CMEE=1)', '10', 10, 'SIM not inserted'],
  ['numeric with a leading space', ' 10', 10, 'SIM not inserted'],
  ['numeric 3', '3', 3, 'operation not allowed'],
  ['numeric 14 SIM busy', '14', 14, 'SIM busy'],
  ['numeric 30 no network service', '30', 30, 'no network service'],
  ['numeric 100 unknown', '100', 100, 'unknown'],
  ['numeric 107 GPRS services not allowed', '107', 107, 'GPRS services not allowed'],
  ['numeric 111 PLMN not allowed', '111', 111, 'PLMN not allowed'],
  ['numeric 127 missing or unknown APN', '127', 127, 'missing or unknown APN'],
  ['numeric 148 unspecified GPRS error', '148', 148, 'unspecified GPRS error'],
  ['numeric 149 PDP authentication failure', '149', 149, 'PDP authentication failure'],
  ['numeric 171 last PDN disconnection not allowed', '171', 171, 'last PDN disconnection not allowed'],
  [
    'numeric 182 (27.007 v14 last entry)',
    '182',
    182,
    'user data transmission via control plane is congested',
  ],
  ['zero-padded', '010', 10, 'SIM not inserted'],
  ['verbose SIM not inserted (AT+CMEE=2)', 'SIM not inserted', 10, 'SIM not inserted'],
  ['verbose upper case', 'SIM NOT INSERTED', 10, 'SIM not inserted'],
  ['verbose extra spaces', '  sim   not  inserted ', 10, 'SIM not inserted'],
  ['verbose SIM busy', 'SIM busy', 14, 'SIM busy'],
  ['verbose SIM PIN required', 'SIM PIN required', 11, 'SIM PIN required'],
  [
    'verbose incorrect password (pharscape.org AT+CPIN notes)',
    'incorrect password',
    16,
    'incorrect password',
  ],
  ['verbose operation not allowed', 'operation not allowed', 3, 'operation not allowed'],
  ['verbose operation not supported', 'Operation not supported', 4, 'operation not supported'],
  ['verbose PH_SIM spelled with underscore', 'PH_SIM PIN required', 5, 'PH-SIM PIN required'],
  [
    'verbose adapter spelling (ModemManager)',
    'Phone adapter link reserved',
    2,
    'phone-adaptor link reserved',
  ],
  [
    'verbose British spelling',
    'Network personalisation PIN required',
    40,
    'network personalization PIN required',
  ],
  [
    'verbose comma variant',
    'Network not allowed, emergency calls only',
    32,
    'network not allowed - emergency calls only',
  ],
  ['verbose unknown error', 'unknown error', 100, 'unknown'],
  ['verbose congestion is the first of two', 'Congestion', 122, 'congestion'],
  ['verbose quoted', '"SIM failure"', 13, 'SIM failure'],
  ['with the +CME ERROR label', '+CME ERROR: 11', 11, 'SIM PIN required'],
  ['vendor number outside the table', '505', 505, 'unknown CME error 505'],
  [
    'unknown verbose text (pharscape.org AT+CPIN notes)',
    'SIM interface not started yet',
    null,
    'SIM interface not started yet',
  ],
  ['empty', '', null, ''],
  ['garbage', '\uFFFD\uFFFD', null, '\uFFFD\uFFFD'],
];

for (const [name, code, cme, text] of CME_ROWS) {
  test(`lookupCme: ${name}`, () => {
    assert.equal(lookupCme(code), { cme, name: text });
  });
}

test('cmeName: in and out of the table', () => {
  assert.is(cmeName(0), 'phone failure');
  assert.is(cmeName(12), 'SIM PUK required');
  assert.is(cmeName(50), 'incorrect parameters');
  assert.is(cmeName(8), 'unknown CME error 8');
  assert.is(cmeName(999), 'unknown CME error 999');
});

test('cmeName: every 27.007 v14 code from 0 to 182 that is in the table reads back from its name', () => {
  for (let n = 0; n <= 182; n++) {
    const name = cmeName(n);
    if (name.startsWith('unknown CME error')) continue;
    const back = lookupCme(name).cme;
    // 157 shares its name with 122 (both "congestion").
    assert.is(back, n === 157 ? 122 : n, `code ${n} ${name}`);
  }
});

const CMS_ROWS: ReadonlyArray<readonly [string, string, number | null, string]> = [
  ['numeric 300', '300', 300, 'ME failure'],
  ['numeric 302', '302', 302, 'operation not allowed'],
  ['numeric 304', '304', 304, 'invalid PDU mode parameter'],
  ['numeric 310', '310', 310, 'SIM not inserted'],
  ['numeric 321', '321', 321, 'invalid memory index'],
  ['numeric 322', '322', 322, 'memory full'],
  ['numeric 330', '330', 330, 'SMSC address unknown'],
  ['numeric 331', '331', 331, 'no network service'],
  ['numeric 332', '332', 332, 'network timeout'],
  ['numeric 340', '340', 340, 'no +CNMA acknowledgement expected'],
  ['numeric 500', '500', 500, 'unknown error'],
  ['vendor 517 (SIMCom SIM300 "SM BL not ready")', '517', 517, 'manufacturer-specific CMS error 517'],
  ['RP cause 38 from the network', '38', 38, 'network RP cause 38'],
  ['TP-FCS 208', '208', 208, 'network TP-FCS 208'],
  ['reserved 400', '400', 400, 'unknown CMS error 400'],
  ['verbose (U)SIM spelling', '(U)SIM not inserted', 310, 'SIM not inserted'],
  ['verbose ModemManager spelling', 'No network', 331, 'no network service'],
  ['verbose upper case', 'OPERATION NOT ALLOWED', 302, 'operation not allowed'],
  ['with the +CMS ERROR label', '+CMS ERROR: 500', 500, 'unknown error'],
  ['unknown verbose', 'SM BL NOT READY', null, 'SM BL NOT READY'],
];

for (const [name, code, cms, text] of CMS_ROWS) {
  test(`lookupCms: ${name}`, () => {
    assert.equal(lookupCms(code), { cms, name: text });
  });
}

test.run();
