import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { QUECTEL_BG96 as P } from '../../../../hil/sim-modem/profiles/quectel-bg96.js';
import type { StatePatch } from '../../../../hil/sim-modem/state.js';
import { answer } from '../sim-kit.js';

const REV = 'BG96MAR02A07M1G';
const ROWS: readonly {
  name: string;
  commands: readonly string[];
  expected: readonly string[];
  patch?: StatePatch;
}[] = [
  { name: 'ATI', commands: ['ATI'], expected: ['Quectel', 'BG96', `Revision: ${REV}`, 'OK'] },
  { name: 'AT+CGMR', commands: ['AT+CGMR'], expected: [REV, 'OK'] },
  {
    name: 'AT+QCCID, 19 digits + F',
    commands: ['AT+QCCID'],
    expected: ['+QCCID: 8901410432109876540F', 'OK'],
  },
  {
    name: 'AT+QENG="servingcell" on Cat-M1 (no CQI/tx_power, srxlev -)',
    commands: ['AT+QENG="servingcell"'],
    expected: [
      '+QENG: "servingcell","NOCONN","CAT-M","FDD",310,410,A2041B,187,5110,12,3,3,8B1E,-105,-11,-85,10,-',
      'OK',
    ],
  },
  { name: 'COPS: Cat-M1 is AcT 8 on BG96', commands: ['AT+COPS?'], expected: ['+COPS: 0,0,"AT&T",8', 'OK'] },
  {
    name: 'CEREG n=2, AcT 8',
    commands: ['AT+CEREG=2', 'AT+CEREG?'],
    expected: ['+CEREG: 2,1,"8B1E","00A2041B",8', 'OK'],
  },
  { name: 'CESQ on Cat-M1', commands: ['AT+CESQ'], expected: ['+CESQ: 99,99,255,255,18,36', 'OK'] },
  {
    name: 'CGDCONT IPV4V6 idle',
    commands: ['AT+CGDCONT?'],
    expected: ['+CGDCONT: 1,"IPV4V6","m2m.com.attz","0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0",0,0,0,0', 'OK'],
  },
  { name: 'CCLK US offset', commands: ['AT+CCLK?'], expected: ['+CCLK: "26/12/01,13:05:23-20"', 'OK'] },
];

for (const row of ROWS) {
  test(`quectel-bg96 (BG96 ${REV}): ${row.name}`, () => {
    assert.equal(answer(P, row.commands, row.patch), [...row.expected]);
  });
}

test(`quectel-bg96 (BG96 ${REV}): boot URCs have no PB DONE`, () => {
  assert.equal(P.bootUrcs(P.initialState), [
    'RDY',
    '+CFUN: 1',
    '+CPIN: READY',
    '+QUSIM: 1',
    '+QIND: SMS DONE',
  ]);
});

test.run();
