import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TELIT_LE910 as P } from '../../../../hil/sim-modem/profiles/telit-le910.js';
import type { StatePatch } from '../../../../hil/sim-modem/state.js';
import { answer, run } from '../sim-kit.js';

const ROWS: readonly {
  name: string;
  commands: readonly string[];
  expected: readonly string[];
  patch?: StatePatch;
}[] = [
  { name: 'AT+CGMI', commands: ['AT+CGMI'], expected: ['Telit', 'OK'] },
  { name: 'AT+CGMM', commands: ['AT+CGMM'], expected: ['LE910C1-EU', 'OK'] },
  { name: 'AT+CGMR', commands: ['AT+CGMR'], expected: ['25.21.663', 'OK'] },
  { name: 'AT#CCID', commands: ['AT#CCID'], expected: ['#CCID: 89460100001234567896', 'OK'] },
  { name: 'AT+ICCID', commands: ['AT+ICCID'], expected: ['+ICCID: 89460100001234567896', 'OK'] },
  {
    name: 'AT#CCID without SIM',
    commands: ['AT+CMEE=1', 'AT#CCID'],
    patch: { sim: 'absent' },
    expected: ['+CME ERROR: 10'],
  },
  {
    name: 'AT#RFSTS on LTE',
    commands: ['AT#RFSTS'],
    expected: [
      '#RFSTS: "240 01",1795,-101,-67,-15,2242,255,,128,19,0,0B5D121,"240011234567890","Telia",3,3,108',
      'OK',
    ],
  },
  {
    name: 'AT#RFSTS with a data session (RRC connected)',
    commands: ['AT+CGACT=1,1', 'AT#RFSTS'],
    expected: [
      '#RFSTS: "240 01",1795,-101,-67,-15,2242,255,,128,19,2,0B5D121,"240011234567890","Telia",3,3,108',
      'OK',
    ],
  },
  {
    name: 'AT#RFSTS without service',
    commands: ['AT#RFSTS'],
    patch: { registration: { eps: { state: 'searching' } } },
    expected: ['#RFSTS: "",0,,,,0000,,,,,0,0000000,"240011234567890","",0,0,0', 'OK'],
  },
  { name: 'COPS numeric', commands: ['AT+COPS=3,2', 'AT+COPS?'], expected: ['+COPS: 0,2,"24001",7', 'OK'] },
];

for (const row of ROWS) {
  test(`telit-le910 (LE910C1-EU 25.21.663): ${row.name}`, () => {
    assert.equal(answer(P, row.commands, row.patch), [...row.expected]);
  });
}

test('telit-le910: AT#REBOOT reboots', () => {
  const t = run(P, ['AT#REBOOT']);
  assert.is(t.replies[0]?.final, 'OK');
  assert.is(t.replies[0]?.effect, 'reboot');
});

test.run();
