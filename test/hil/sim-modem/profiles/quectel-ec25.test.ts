import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { QUECTEL_EC25 as P } from '../../../../hil/sim-modem/profiles/quectel-ec25.js';
import type { StatePatch } from '../../../../hil/sim-modem/state.js';
import { answer, run } from '../sim-kit.js';

const REV = 'EC25EFAR06A06M4G';
const ROWS: readonly {
  name: string;
  commands: readonly string[];
  expected: readonly string[];
  patch?: StatePatch;
}[] = [
  { name: 'ATI', commands: ['ATI'], expected: ['Quectel', 'EC25', `Revision: ${REV}`, 'OK'] },
  { name: 'AT+CGMI', commands: ['AT+CGMI'], expected: ['Quectel', 'OK'] },
  { name: 'AT+CGMM', commands: ['AT+CGMM'], expected: ['EC25', 'OK'] },
  { name: 'AT+CGMR', commands: ['AT+CGMR'], expected: [REV, 'OK'] },
  { name: 'AT+CGSN', commands: ['AT+CGSN'], expected: ['861677031234563', 'OK'] },
  {
    name: 'AT+QCCID pads a 19-digit ICCID with F (quectel-ec25-qccid-trailing-f)',
    commands: ['AT+QCCID'],
    expected: ['+QCCID: 8949010000123456780F', 'OK'],
  },
  {
    name: 'AT+QCCID with a 20-digit ICCID has no F',
    commands: ['AT+QCCID'],
    patch: { identity: { iccid: '89490200001234567897' } },
    expected: ['+QCCID: 89490200001234567897', 'OK'],
  },
  {
    name: 'AT+QCCID while the SIM asks for its PIN',
    commands: ['AT+QCCID'],
    patch: { sim: 'pin' },
    expected: ['+QCCID: 8949010000123456780F', 'OK'],
  },
  {
    name: 'AT+QCCID without SIM',
    commands: ['AT+CMEE=1', 'AT+QCCID'],
    patch: { sim: 'absent' },
    expected: ['+CME ERROR: 10'],
  },
  { name: 'AT+CCID is not an EC25 command', commands: ['AT+CCID'], expected: ['ERROR'] },
  { name: 'AT+ICCID is not an EC25 command', commands: ['AT+ICCID'], expected: ['ERROR'] },
  {
    name: 'AT+QENG="servingcell" idle on LTE',
    commands: ['AT+QENG="servingcell"'],
    expected: [
      '+QENG: "servingcell","NOCONN","LTE","FDD",262,01,8F381C5,107,6300,20,3,3,3193,-98,-13,-71,11,0,0,21',
      'OK',
    ],
  },
  {
    name: 'AT+QENG="servingcell" with a data session is CONNECT',
    commands: ['AT+CGACT=1,1', 'AT+QENG="servingcell"'],
    expected: [
      '+QENG: "servingcell","CONNECT","LTE","FDD",262,01,8F381C5,107,6300,20,3,3,3193,-98,-13,-71,11,0,0,21',
      'OK',
    ],
  },
  {
    name: 'AT+QENG="servingcell" while searching',
    commands: ['AT+QENG="servingcell"'],
    patch: { registration: { eps: { state: 'searching' } } },
    expected: ['+QENG: "servingcell","SEARCH"', 'OK'],
  },
  {
    name: 'AT+QENG="servingcell" when denied is LIMSRV',
    commands: ['AT+QENG="servingcell"'],
    patch: { registration: { eps: { state: 'denied' } } },
    expected: [
      '+QENG: "servingcell","LIMSRV","LTE","FDD",262,01,8F381C5,107,6300,20,3,3,3193,-98,-13,-71,11,0,0,21',
      'OK',
    ],
  },
  { name: 'AT+QENG with another cell list', commands: ['AT+QENG="neighbourcell"'], expected: ['ERROR'] },
  {
    name: 'CEREG n=2',
    commands: ['AT+CEREG=2', 'AT+CEREG?'],
    expected: ['+CEREG: 2,1,"3193","08F381C5",7', 'OK'],
  },
  {
    name: 'CREG n=2 on LTE: 28-bit cell id',
    commands: ['AT+CREG=2', 'AT+CREG?'],
    expected: ['+CREG: 2,1,"3193","08F381C5",7', 'OK'],
  },
  { name: 'COPS', commands: ['AT+COPS?'], expected: ['+COPS: 0,0,"Telekom.de",7', 'OK'] },
  { name: 'COPS numeric', commands: ['AT+COPS=3,2', 'AT+COPS?'], expected: ['+COPS: 0,2,"26201",7', 'OK'] },
  { name: 'CSQ', commands: ['AT+CSQ'], expected: ['+CSQ: 21,99', 'OK'] },
  { name: 'CESQ', commands: ['AT+CESQ'], expected: ['+CESQ: 99,99,255,255,14,43', 'OK'] },
  {
    name: 'CRSM EF_ICCID',
    commands: ['AT+CRSM=176,12258,0,0,10'],
    expected: ['+CRSM: 144,0,"989410000021436587F0"', 'OK'],
  },
  {
    name: 'CGDCONT zero-filled',
    commands: ['AT+CGDCONT?'],
    expected: ['+CGDCONT: 1,"IP","internet.telekom","0.0.0.0",0,0,0,0', 'OK'],
  },
  { name: 'CGPADDR idle', commands: ['AT+CGPADDR=1'], expected: ['+CGPADDR: 1,"0.0.0.0"', 'OK'] },
  {
    name: 'CGPADDR all',
    commands: ['AT+CGACT=1,1', 'AT+CGPADDR'],
    expected: ['+CGPADDR: 1,"10.64.1.2"', 'OK'],
  },
  { name: 'C5GREG', commands: ['AT+C5GREG?'], expected: ['ERROR'] },
];

for (const row of ROWS) {
  test(`quectel-ec25 (EC25 ${REV}): ${row.name}`, () => {
    assert.equal(answer(P, row.commands, row.patch), [...row.expected]);
  });
}

test(`quectel-ec25 (EC25 ${REV}): boot URCs`, () => {
  assert.equal(P.bootUrcs(P.initialState), [
    'RDY',
    '+CFUN: 1',
    '+CPIN: READY',
    '+QUSIM: 1',
    '+QIND: SMS DONE',
    '+QIND: PB DONE',
  ]);
  assert.equal(P.bootUrcs({ ...P.initialState, sim: 'pin' }), ['RDY', '+CFUN: 1', '+CPIN: SIM PIN']);
  assert.equal(P.bootUrcs({ ...P.initialState, sim: 'absent' }), ['RDY', '+CFUN: 1']);
});

test(`quectel-ec25 (EC25 ${REV}): CFUN=1,1 is a reboot`, () => {
  assert.is(run(P, ['AT+CFUN=1,1']).replies[0]?.effect, 'reboot');
});

test.run();
