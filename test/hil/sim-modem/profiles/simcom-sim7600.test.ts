import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SIMCOM_SIM7600 as P } from '../../../../hil/sim-modem/profiles/simcom-sim7600.js';
import type { StatePatch } from '../../../../hil/sim-modem/state.js';
import { answer, run } from '../sim-kit.js';

const REV = 'LE20B04SIM7600M22';
const ROWS: readonly {
  name: string;
  commands: readonly string[];
  expected: readonly string[];
  patch?: StatePatch;
}[] = [
  {
    name: 'ATI',
    commands: ['ATI'],
    expected: [
      'Manufacturer: SIMCOM INCORPORATED',
      'Model: SIMCOM_SIM7600E-H',
      'Revision: SIM7600M22_V1.1',
      'IMEI: 867584039999904',
      '+GCAP: +CGSM',
      'OK',
    ],
  },
  { name: 'AT+CGMI', commands: ['AT+CGMI'], expected: ['SIMCOM INCORPORATED', 'OK'] },
  { name: 'AT+CGMM', commands: ['AT+CGMM'], expected: ['SIMCOM_SIM7600E-H', 'OK'] },
  { name: 'AT+CGMR has a +CGMR: prefix', commands: ['AT+CGMR'], expected: [`+CGMR: ${REV}`, 'OK'] },
  {
    name: 'AT+CICCID answers +ICCID:',
    commands: ['AT+CICCID'],
    expected: ['+ICCID: 89441000001234567897', 'OK'],
  },
  {
    name: 'AT+CICCID without SIM',
    commands: ['AT+CMEE=2', 'AT+CICCID'],
    patch: { sim: 'absent' },
    expected: ['+CME ERROR: SIM not inserted'],
  },
  { name: 'AT+CCID is not a SIM7600 command', commands: ['AT+CCID'], expected: ['ERROR'] },
  {
    name: 'AT+CPSI? on LTE, tenths of dB',
    commands: ['AT+CPSI?'],
    expected: ['+CPSI: LTE,Online,234-15,0x9CA4,20964356,46,EUTRAN-BAND20,6200,3,3,-178,-1089,-750,8', 'OK'],
  },
  {
    name: 'AT+CPSI? without service',
    commands: ['AT+CPSI?'],
    patch: { registration: { eps: { state: 'searching' } } },
    expected: ['+CPSI: NO SERVICE,Online', 'OK'],
  },
  {
    name: 'AT+CPSI? radio off',
    commands: ['AT+CFUN=4', 'AT+CPSI?'],
    expected: ['+CPSI: NO SERVICE,Low Power', 'OK'],
  },
  { name: 'COPS', commands: ['AT+COPS?'], expected: ['+COPS: 0,0,"Vodafone UK",7', 'OK'] },
  {
    name: 'CEREG n=2',
    commands: ['AT+CEREG=2', 'AT+CEREG?'],
    expected: ['+CEREG: 2,1,"9CA4","013FE404",7', 'OK'],
  },
];

for (const row of ROWS) {
  test(`simcom-sim7600 (SIM7600E-H ${REV}): ${row.name}`, () => {
    assert.equal(answer(P, row.commands, row.patch), [...row.expected]);
  });
}

test(`simcom-sim7600 (SIM7600E-H ${REV}): AT+CRESET reboots, boot URCs`, () => {
  const t = run(P, ['AT+CRESET']);
  assert.is(t.replies[0]?.final, 'OK');
  assert.is(t.replies[0]?.effect, 'reboot');
  assert.equal(P.bootUrcs(P.initialState), ['RDY', '+CPIN: READY', 'SMS DONE', 'PB DONE']);
  assert.equal(P.bootUrcs({ ...P.initialState, sim: 'pin' }), ['RDY', '+CPIN: SIM PIN']);
});

test.run();
