import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCgact, parseCgdcont, parseCgpaddr } from '../../../../modem/at/parsers/pdp.js';
import type { PdpActivation, PdpAddress, PdpContext } from '../../../../modem/at/types.js';

const CGDCONT: ReadonlyArray<readonly [string, readonly string[], PdpContext[]]> = [
  ['no contexts', [], []],
  [
    'context with 0.0.0.0 and trailing fields',
    ['+CGDCONT: 1,"IP","internet","0.0.0.0",0,0,0,0'],
    [{ cid: 1, pdpType: 'IP', apn: 'internet', address: null }],
  ],
  [
    'trailing empty fields',
    ['+CGDCONT: 1,"IP","CMNET","0.0.0.0",0,0,,,,'],
    [{ cid: 1, pdpType: 'IP', apn: 'CMNET', address: null }],
  ],
  [
    'Nokia unquoted empty APN (ModemManager fixture)',
    ['+CGDCONT: 1,"IP",,,0,0'],
    [{ cid: 1, pdpType: 'IP', apn: '', address: null }],
  ],
  [
    'Samsung three contexts (ModemManager fixture)',
    [
      '+CGDCONT: 1,"IP","nate.sktelecom.com","",0,0',
      '+CGDCONT: 2,"IP","epc.tmobile.com","",0,0',
      '+CGDCONT: 3,"IP","MAXROAM.com","",0,0',
    ],
    [
      { cid: 1, pdpType: 'IP', apn: 'nate.sktelecom.com', address: null },
      { cid: 2, pdpType: 'IP', apn: 'epc.tmobile.com', address: null },
      { cid: 3, pdpType: 'IP', apn: 'MAXROAM.com', address: null },
    ],
  ],
  [
    'default bearer cid 0 with an address',
    ['+CGDCONT: 0,"IP","telenor.smart","10.81.132.60",0,0'],
    [{ cid: 0, pdpType: 'IP', apn: 'telenor.smart', address: '10.81.132.60' }],
  ],
  [
    'IPv4v6 with both addresses, IPv6 dotted',
    ['+CGDCONT: 1,"IPV4V6","ims","10.0.0.2 32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.1",0,0'],
    [{ cid: 1, pdpType: 'IPV4V6', apn: 'ims', address: '10.0.0.2' }],
  ],
  [
    'IPv6 only, unspecified first',
    ['+CGDCONT: 2,"IPV6","ims","0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.1",0,0'],
    [{ cid: 2, pdpType: 'IPV6', apn: 'ims', address: '2001:db8::1' }],
  ],
  [
    'spaces after the commas',
    ['+CGDCONT: 1, "IP", "web.vodafone.de", "", 0, 0'],
    [{ cid: 1, pdpType: 'IP', apn: 'web.vodafone.de', address: null }],
  ],
  ['lower-case PDP type', ['+cgdcont: 1,"ip","web"'], [{ cid: 1, pdpType: 'IP', apn: 'web', address: null }]],
  [
    'address that is not an address is kept as written',
    ['+CGDCONT: 1,"IP","web","N/A",0,0'],
    [{ cid: 1, pdpType: 'IP', apn: 'web', address: 'N/A' }],
  ],
  [
    'other lines ignored',
    ['', '+CGDCONT: 1,"IP","web"', 'some echo'],
    [{ cid: 1, pdpType: 'IP', apn: 'web', address: null }],
  ],
];

for (const [name, lines, expected] of CGDCONT) {
  test(`parseCgdcont: ${name}`, () => {
    assert.equal(parseCgdcont(lines), { ok: true, value: expected });
  });
}

const CGACT: ReadonlyArray<readonly [string, readonly string[], PdpActivation[]]> = [
  ['none', [], []],
  ['one active', ['+CGACT: 1,1'], [{ cid: 1, isActive: true }]],
  [
    'three contexts',
    ['+CGACT: 1,1', '+CGACT: 2,0', '+CGACT: 3,0'],
    [
      { cid: 1, isActive: true },
      { cid: 2, isActive: false },
      { cid: 3, isActive: false },
    ],
  ],
  ['no space, lower case', ['+cgact:1,0'], [{ cid: 1, isActive: false }]],
];

for (const [name, lines, expected] of CGACT) {
  test(`parseCgact: ${name}`, () => {
    assert.equal(parseCgact(lines), { ok: true, value: expected });
  });
}

const CGPADDR: ReadonlyArray<readonly [string, readonly string[], PdpAddress[]]> = [
  ['none', [], []],
  ['quoted IPv4', ['+CGPADDR: 1,"10.167.4.201"'], [{ cid: 1, addresses: ['10.167.4.201'] }]],
  ['unquoted IPv4', ['+CGPADDR: 1,10.71.155.118'], [{ cid: 1, addresses: ['10.71.155.118'] }]],
  ['no address yet', ['+CGPADDR: 1'], [{ cid: 1, addresses: [] }]],
  ['unspecified address', ['+CGPADDR: 1,"0.0.0.0"'], [{ cid: 1, addresses: [] }]],
  ['empty quoted address', ['+CGPADDR: 2,""'], [{ cid: 2, addresses: [] }]],
  [
    'IPv4v6 in two fields, IPv6 dotted',
    ['+CGPADDR: 1,"10.2.3.4","32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.1"'],
    [{ cid: 1, addresses: ['10.2.3.4', '2001:db8::1'] }],
  ],
  [
    'IPv4v6 in one field separated by a space',
    ['+CGPADDR: 1,"10.2.3.4 254.128.0.0.0.0.0.0.2.160.198.255.254.17.34.51"'],
    [{ cid: 1, addresses: ['10.2.3.4', 'fe80::2a0:c6ff:fe11:2233'] }],
  ],
  [
    'IPv6 in colon form (after AT+CGPIAF=1), upper case',
    ['+CGPADDR: 3,"2001:0DB8:0000:0000:0000:0000:0000:0001"'],
    [{ cid: 3, addresses: ['2001:db8::1'] }],
  ],
  [
    'IPv6 colon form with ::',
    ['+CGPADDR: 3,"2A01:598:8080:1::5"'],
    [{ cid: 3, addresses: ['2a01:598:8080:1::5'] }],
  ],
  ['leading zeros in IPv4 octets', ['+CGPADDR: 1,"010.001.002.003"'], [{ cid: 1, addresses: ['10.1.2.3'] }]],
  [
    'several contexts',
    ['+CGPADDR: 1,"100.64.12.1"', '+CGPADDR: 2', '+CGPADDR: 3,"0.0.0.0"'],
    [
      { cid: 1, addresses: ['100.64.12.1'] },
      { cid: 2, addresses: [] },
      { cid: 3, addresses: [] },
    ],
  ],
  [
    '20 dotted bytes (IPv4 then IPv6 in one token)',
    ['+CGPADDR: 1,"10.2.3.4.32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.1"'],
    [{ cid: 1, addresses: ['10.2.3.4', '2001:db8::1'] }],
  ],
];

for (const [name, lines, expected] of CGPADDR) {
  test(`parseCgpaddr: ${name}`, () => {
    assert.equal(parseCgpaddr(lines), { ok: true, value: expected });
  });
}

const BAD: ReadonlyArray<readonly [string, () => unknown, string]> = [
  [
    'CGDCONT cid not a number',
    () => parseCgdcont(['+CGDCONT: x,"IP","web"']),
    '+CGDCONT: <cid> "x" is not a number',
  ],
  ['CGDCONT no PDP type', () => parseCgdcont(['+CGDCONT: 1']), '+CGDCONT: context 1 has no <PDP_type>'],
  ['CGACT state 2', () => parseCgact(['+CGACT: 1,2']), '+CGACT: context 1 <state> "2" is not 0 or 1'],
  ['CGACT state missing', () => parseCgact(['+CGACT: 1']), '+CGACT: context 1 <state> "" is not 0 or 1'],
  ['CGACT negative cid', () => parseCgact(['+CGACT: -1,1']), '+CGACT: <cid> "-1" is not a number'],
  [
    'CGPADDR octet 256',
    () => parseCgpaddr(['+CGPADDR: 1,"10.0.0.256"']),
    '+CGPADDR: context 1 address "10.0.0.256" is not an IP address',
  ],
  [
    'CGPADDR 5 octets',
    () => parseCgpaddr(['+CGPADDR: 1,"10.0.0.1.2"']),
    '+CGPADDR: context 1 address "10.0.0.1.2" is not an IP address',
  ],
  [
    'CGPADDR text',
    () => parseCgpaddr(['+CGPADDR: 1,"none"']),
    '+CGPADDR: context 1 address "none" is not an IP address',
  ],
  [
    'CGPADDR two ::',
    () => parseCgpaddr(['+CGPADDR: 1,"1::2::3"']),
    '+CGPADDR: context 1 address "1::2::3" is not an IP address',
  ],
  [
    'CGPADDR garbage',
    () => parseCgpaddr(['+CGPADDR: 1,"\uFFFD"']),
    '+CGPADDR: context 1 address "\uFFFD" is not an IP address',
  ],
  ['CGPADDR cid missing', () => parseCgpaddr(['+CGPADDR: ']), '+CGPADDR: <cid> "" is not a number'],
];

for (const [name, run, reason] of BAD) {
  test(`pdp rejects: ${name}`, () => {
    assert.equal(run(), { ok: false, reason });
  });
}

test.run();
