import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UBLOX_SARA_R5 as P } from '../../../../hil/sim-modem/profiles/ublox-sara-r5.js';
import type { StatePatch } from '../../../../hil/sim-modem/state.js';
import { answer, run } from '../sim-kit.js';

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
      'Manufacturer: u-blox',
      'Model: SARA-R510S-01B',
      'Revision: 03.15',
      'SVN: 01',
      'IMEI: 356083104321753',
      'OK',
    ],
  },
  { name: 'AT+CGMR', commands: ['AT+CGMR'], expected: ['03.15', 'OK'] },
  {
    name: 'AT+CCID, 19 digits unpadded',
    commands: ['AT+CCID'],
    expected: ['+CCID: 8931080000123456783', 'OK'],
  },
  {
    name: 'AT+UCGED=2 then AT+UCGED?: three lines, 36.133 indices, RBs, lower-case hex',
    commands: ['AT+UCGED=2', 'AT+UCGED?'],
    expected: [
      '+UCGED: 2',
      '6,4,204,08',
      '6300,20,50,50,0cbc,1a2d001,211,d60814d1,8001,01,41,16,13.75,3,1,10,41,-50,-6,0,255,255,0',
      'OK',
    ],
  },
  {
    name: 'AT+UCGED? mode 2 while searching',
    commands: ['AT+UCGED=2', 'AT+UCGED?'],
    patch: { registration: { eps: { state: 'searching' } } },
    expected: [
      '+UCGED: 2',
      '6,2,fff,fff',
      '65535,255,255,255,ffff,0000000,65535,00000000,ffff,ff,255,255,255,1,255,255,255,255,255,0,255,255,0',
      'OK',
    ],
  },
  {
    name: 'AT+UCGED? mode 2 radio off',
    commands: ['AT+UCGED=2', 'AT+CFUN=0', 'AT+UCGED?'],
    expected: [
      '+UCGED: 2',
      '6,1,fff,fff',
      '65535,255,255,255,ffff,0000000,65535,00000000,ffff,ff,255,255,255,1,255,255,255,255,255,0,255,255,0',
      'OK',
    ],
  },
  {
    name: 'AT+UCGED=5 is the SARA-R4 mode',
    commands: ['AT+CMEE=2', 'AT+UCGED=5'],
    expected: ['+CME ERROR: operation not supported'],
  },
  { name: 'COPS: Cat-M1 as AcT 7', commands: ['AT+COPS?'], expected: ['+COPS: 0,0,"NL KPN",7', 'OK'] },
];

for (const row of ROWS) {
  test(`ublox-sara-r5 (SARA-R510S-01B 03.15): ${row.name}`, () => {
    assert.equal(answer(P, row.commands, row.patch), [...row.expected]);
  });
}

test('ublox-sara-r5: AT+CFUN=16 resets', () => {
  assert.is(run(P, ['AT+CFUN=16']).replies[0]?.effect, 'reboot');
});

test.run();
