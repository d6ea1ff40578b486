import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GENERIC as P } from '../../../../hil/sim-modem/profiles/generic.js';
import { respond } from '../../../../hil/sim-modem/respond.js';
import type { StatePatch } from '../../../../hil/sim-modem/state.js';
import { answer, run } from '../sim-kit.js';

interface Row {
  readonly name: string;
  readonly commands: readonly string[];
  readonly expected: readonly string[];
  readonly patch?: StatePatch;
}

const ROWS: readonly Row[] = [
  { name: 'ATI', commands: ['ATI'], expected: ['Generic', 'TS27007-LTE', 'Revision: 1.0.0', 'OK'] },
  { name: 'AT+CGMI', commands: ['AT+CGMI'], expected: ['Generic', 'OK'] },
  { name: 'AT+CGMM', commands: ['AT+CGMM'], expected: ['TS27007-LTE', 'OK'] },
  { name: 'AT+CGMR', commands: ['AT+CGMR'], expected: ['1.0.0', 'OK'] },
  { name: 'no vendor ICCID: AT+CCID', commands: ['AT+CCID'], expected: ['ERROR'] },
  { name: 'no vendor ICCID: AT+ICCID', commands: ['AT+ICCID'], expected: ['ERROR'] },
  {
    name: 'EF_ICCID, 19 digits padded with F then nibble-swapped',
    commands: ['AT+CRSM=176,12258,0,0,10'],
    expected: ['+CRSM: 144,0,"983310000021436587F4"', 'OK'],
  },
  { name: 'CREG n=0', commands: ['AT+CREG?'], expected: ['+CREG: 0,1', 'OK'] },
  {
    name: 'CREG n=2',
    commands: ['AT+CREG=2', 'AT+CREG?'],
    expected: ['+CREG: 2,1,"1B58","00A1B2C3",7', 'OK'],
  },
  { name: 'CGREG n=1', commands: ['AT+CGREG=1', 'AT+CGREG?'], expected: ['+CGREG: 1,1', 'OK'] },
  {
    name: 'CEREG n=2',
    commands: ['AT+CEREG=2', 'AT+CEREG?'],
    expected: ['+CEREG: 2,1,"1B58","00A1B2C3",7', 'OK'],
  },
  {
    name: 'CEREG n=2 roaming',
    commands: ['AT+CEREG=2', 'AT+CEREG?'],
    patch: { registration: { eps: { state: 'roaming' } } },
    expected: ['+CEREG: 2,5,"1B58","00A1B2C3",7', 'OK'],
  },
  {
    name: 'CEREG n=2 searching has no location',
    commands: ['AT+CEREG=2', 'AT+CEREG?'],
    patch: { registration: { eps: { state: 'searching' } } },
    expected: ['+CEREG: 2,2', 'OK'],
  },
  {
    name: 'CEREG denied',
    commands: ['AT+CEREG?'],
    patch: { registration: { eps: { state: 'denied' } } },
    expected: ['+CEREG: 0,3', 'OK'],
  },
  {
    name: 'C5GREG n=2, not on NR',
    commands: ['AT+C5GREG=2', 'AT+C5GREG?'],
    expected: ['+C5GREG: 2,0', 'OK'],
  },
  {
    name: 'C5GREG registered: 6-digit TAC, 9-digit NR cell id',
    commands: ['AT+C5GREG=2', 'AT+C5GREG?'],
    patch: { registration: { '5gs': { state: 'home', tac: 0x1b58, cellId: 0x1c649d138, act: 11 } } },
    expected: ['+C5GREG: 2,1,"001B58","1C649D138",11', 'OK'],
  },
  { name: 'CREG n out of range', commands: ['AT+CMEE=1', 'AT+CREG=9'], expected: ['+CME ERROR: 50'] },
  { name: 'CEREG n=5 accepted', commands: ['AT+CEREG=5'], expected: ['OK'] },
  { name: 'COPS long name', commands: ['AT+COPS?'], expected: ['+COPS: 0,0,"Orange F",7', 'OK'] },
  {
    name: 'COPS short name',
    commands: ['AT+COPS=3,1', 'AT+COPS?'],
    expected: ['+COPS: 0,1,"Orange",7', 'OK'],
  },
  { name: 'COPS numeric', commands: ['AT+COPS=3,2', 'AT+COPS?'], expected: ['+COPS: 0,2,"20801",7', 'OK'] },
  {
    name: 'COPS not registered',
    commands: ['AT+COPS?'],
    patch: {
      registration: { cs: { state: 'searching' }, gprs: { state: 'searching' }, eps: { state: 'searching' } },
    },
    expected: ['+COPS: 0', 'OK'],
  },
  { name: 'CSQ', commands: ['AT+CSQ'], expected: ['+CSQ: 20,99', 'OK'] },
  {
    name: 'CESQ on LTE: RSRQ -10 dB → 20, RSRP -95 dBm → 46',
    commands: ['AT+CESQ'],
    expected: ['+CESQ: 99,99,255,255,20,46', 'OK'],
  },
  {
    name: 'CESQ on GSM: rxlev from CSQ 20 (-73 dBm) → 38',
    commands: ['AT+CESQ'],
    patch: { registration: { eps: { state: 'searching' }, cs: { act: 0 }, gprs: { act: 0 } } },
    expected: ['+CESQ: 38,99,255,255,255,255', 'OK'],
  },
  { name: 'CCLK', commands: ['AT+CCLK?'], expected: ['+CCLK: "26/12/01,19:05:23+04"', 'OK'] },
  {
    name: 'CCLK negative offset',
    commands: ['AT+CCLK?'],
    patch: { networkTime: { iso: '2026-01-31T23:59:59-05:00', tzQuarterHours: -20 } },
    expected: ['+CCLK: "26/01/31,23:59:59-20"', 'OK'],
  },
  {
    name: 'CCLK set',
    commands: ['AT+CCLK="27/03/04,05:06:07+08"', 'AT+CCLK?'],
    expected: ['+CCLK: "27/03/04,05:06:07+08"', 'OK'],
  },
  {
    name: 'CGDCONT read, 27.007 layout',
    commands: ['AT+CGDCONT?'],
    expected: ['+CGDCONT: 1,"IP","orange.fr","",0,0', 'OK'],
  },
  {
    name: 'CGDCONT define keeps the APN case',
    commands: ['AT+CGDCONT=2,"IPV4V6","Internet.Example"', 'AT+CGDCONT?'],
    expected: ['+CGDCONT: 1,"IP","orange.fr","",0,0', '+CGDCONT: 2,"IPV4V6","Internet.Example","",0,0', 'OK'],
  },
  { name: 'CGDCONT undefine', commands: ['AT+CGDCONT=1', 'AT+CGDCONT?'], expected: ['OK'] },
  {
    name: 'CGDCONT bad type',
    commands: ['AT+CMEE=1', 'AT+CGDCONT=1,"X25","a"'],
    expected: ['+CME ERROR: 50'],
  },
  { name: 'CGDCONT cid 0', commands: ['AT+CMEE=1', 'AT+CGDCONT=0,"IP","a"'], expected: ['+CME ERROR: 50'] },
  { name: 'CGACT read idle', commands: ['AT+CGACT?'], expected: ['+CGACT: 1,0', 'OK'] },
  { name: 'CGACT activate', commands: ['AT+CGACT=1,1', 'AT+CGACT?'], expected: ['+CGACT: 1,1', 'OK'] },
  { name: 'CGPADDR idle', commands: ['AT+CGPADDR=1'], expected: ['+CGPADDR: 1', 'OK'] },
  {
    name: 'CGPADDR active',
    commands: ['AT+CGACT=1,1', 'AT+CGPADDR=1'],
    expected: ['+CGPADDR: 1,"10.64.1.2"', 'OK'],
  },
  {
    name: 'CGPADDR active IPV4V6, IPv6 as dotted bytes',
    commands: ['AT+CGDCONT=3,"IPV4V6","ims"', 'AT+CGACT=1,3', 'AT+CGPADDR=3'],
    expected: ['+CGPADDR: 3,"10.64.3.2","32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.3"', 'OK'],
  },
  {
    name: 'CGPADDR scripted address',
    commands: ['AT+CGACT=1,1', 'AT+CGPADDR=1'],
    patch: { pdp: [{ cid: 1, type: 'IP', apn: 'orange.fr', isActive: false, addresses: ['100.79.1.9'] }] },
    expected: ['+CGPADDR: 1,"100.79.1.9"', 'OK'],
  },
  {
    name: 'CGDCONT active shows the address',
    commands: ['AT+CGACT=1,1', 'AT+CGDCONT?'],
    expected: ['+CGDCONT: 1,"IP","orange.fr","10.64.1.2",0,0', 'OK'],
  },
  {
    name: 'CGDCONT on an active context',
    commands: ['AT+CMEE=1', 'AT+CGACT=1,1', 'AT+CGDCONT=1,"IP","x"'],
    expected: ['+CME ERROR: 3'],
  },
  { name: 'CGACT undefined cid', commands: ['AT+CMEE=1', 'AT+CGACT=1,5'], expected: ['+CME ERROR: 50'] },
  {
    name: 'CGACT without service',
    commands: ['AT+CMEE=1', 'AT+CGACT=1,1'],
    patch: { registration: { eps: { state: 'searching' }, gprs: { state: 'searching' } } },
    expected: ['+CME ERROR: 30'],
  },
  {
    name: 'CGACT radio off',
    commands: ['AT+CMEE=2', 'AT+CFUN=4', 'AT+CGACT=1,1'],
    expected: ['+CME ERROR: no network service'],
  },
  { name: 'CGATT', commands: ['AT+CGATT?'], expected: ['+CGATT: 1', 'OK'] },
];

for (const row of ROWS) {
  test(`generic (TS27007-LTE 1.0.0): ${row.name}`, () => {
    assert.equal(answer(P, row.commands, row.patch), [...row.expected]);
  });
}

test('generic: the RTC runs from the time it was set when the shell passes nowMs', () => {
  const s = {
    ...P.initialState,
    networkTime: { iso: '2026-12-31T23:59:50', tzQuarterHours: 4, setAtMs: 1000 },
  };
  assert.equal(respond(s, P, 'AT+CCLK?', { nowMs: 21_000 }).lines, ['+CCLK: "27/01/01,00:00:10+04"']);
  assert.equal(respond(s, P, 'AT+CCLK?').lines, ['+CCLK: "26/12/31,23:59:50+04"']);
});

test('generic: radio off drops PDP contexts', () => {
  const t = run(P, ['AT+CGACT=1,1', 'AT+CFUN=0', 'AT+CGACT?']);
  assert.equal(t.replies[2]?.lines, ['+CGACT: 1,0']);
});

test.run();
