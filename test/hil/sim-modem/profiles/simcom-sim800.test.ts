import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SIMCOM_SIM800 as P } from '../../../../hil/sim-modem/profiles/simcom-sim800.js';
import type { StatePatch } from '../../../../hil/sim-modem/state.js';
import { answer } from '../sim-kit.js';

const REV = 'Revision:1418B04SIM800C32';
const ROWS: readonly {
  name: string;
  commands: readonly string[];
  expected: readonly string[];
  patch?: StatePatch;
}[] = [
  { name: 'ATI', commands: ['ATI'], expected: ['SIM800 R14.18', 'OK'] },
  { name: 'AT+CGMI', commands: ['AT+CGMI'], expected: ['SIMCOM_Ltd', 'OK'] },
  { name: 'AT+CGMM', commands: ['AT+CGMM'], expected: ['SIMCOM_SIM800', 'OK'] },
  { name: 'AT+CGMR', commands: ['AT+CGMR'], expected: [REV, 'OK'] },
  { name: 'AT+CCID is a bare digit line', commands: ['AT+CCID'], expected: ['89391000012345678900', 'OK'] },
  {
    name: 'AT+CCID without SIM',
    commands: ['AT+CMEE=1', 'AT+CCID'],
    patch: { sim: 'absent' },
    expected: ['+CME ERROR: 10'],
  },
  { name: 'AT+CICCID is not a SIM800 command', commands: ['AT+CICCID'], expected: ['ERROR'] },
  { name: 'AT+CEREG? (no EPS)', commands: ['AT+CEREG?'], expected: ['ERROR'] },
  { name: 'AT+CEREG=2 (no EPS)', commands: ['AT+CEREG=2'], expected: ['ERROR'] },
  { name: 'AT+CESQ', commands: ['AT+CESQ'], expected: ['ERROR'] },
  { name: 'AT+C5GREG?', commands: ['AT+C5GREG?'], expected: ['ERROR'] },
  {
    name: 'CREG n=2: 16-bit cell id, no AcT',
    commands: ['AT+CREG=2', 'AT+CREG?'],
    expected: ['+CREG: 2,1,"4E2D","1F3A"', 'OK'],
  },
  {
    name: 'CGREG n=2, no AcT',
    commands: ['AT+CGREG=2', 'AT+CGREG?'],
    expected: ['+CGREG: 2,1,"4E2D","1F3A"', 'OK'],
  },
  { name: 'COPS without AcT', commands: ['AT+COPS?'], expected: ['+COPS: 0,0,"vodafone IT"', 'OK'] },
  { name: 'CSQ', commands: ['AT+CSQ'], expected: ['+CSQ: 18,99', 'OK'] },
  {
    name: 'CGDCONT',
    commands: ['AT+CGDCONT?'],
    expected: ['+CGDCONT: 1,"IP","web.omnitel.it","0.0.0.0",0,0', 'OK'],
  },
  {
    name: 'CGDCONT cid 4 is out of range',
    commands: ['AT+CMEE=1', 'AT+CGDCONT=4,"IP","x"'],
    expected: ['+CME ERROR: 50'],
  },
  {
    name: 'CGACT on GPRS',
    commands: ['AT+CGACT=1,1', 'AT+CGPADDR=1'],
    expected: ['+CGPADDR: 1,"10.64.1.2"', 'OK'],
  },
  { name: 'CCLK never set', commands: ['AT+CCLK?'], expected: ['+CCLK: "80/01/06,00:00:08+00"', 'OK'] },
];

for (const row of ROWS) {
  test(`simcom-sim800 (SIM800 R14.18): ${row.name}`, () => {
    assert.equal(answer(P, row.commands, row.patch), [...row.expected]);
  });
}

test('simcom-sim800 (SIM800 R14.18): boot URCs', () => {
  assert.equal(P.bootUrcs(P.initialState), ['RDY', '+CFUN: 1', '+CPIN: READY', 'Call Ready', 'SMS Ready']);
});

test.run();
