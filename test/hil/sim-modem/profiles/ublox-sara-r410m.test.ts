import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UBLOX_SARA_R410M as P } from '../../../../hil/sim-modem/profiles/ublox-sara-r410m.js';
import type { StatePatch } from '../../../../hil/sim-modem/state.js';
import { answer, run } from '../sim-kit.js';

const REV = 'L0.0.00.00.05.08 [Apr 17 2019 19:34:02]';
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
      'Model: SARA-R410M-02B',
      `Revision: ${REV}`,
      'SVN: 03',
      'IMEI: 352753091111227',
      'OK',
    ],
  },
  { name: 'AT+CGMI', commands: ['AT+CGMI'], expected: ['u-blox', 'OK'] },
  { name: 'AT+CGMM', commands: ['AT+CGMM'], expected: ['SARA-R410M-02B', 'OK'] },
  { name: 'AT+CGMR', commands: ['AT+CGMR'], expected: [REV, 'OK'] },
  { name: 'AT+CCID', commands: ['AT+CCID'], expected: ['+CCID: 89148000001234567898', 'OK'] },
  { name: 'AT+UCGED? before a mode is set', commands: ['AT+UCGED?'], expected: ['+UCGED: 0', 'OK'] },
  {
    name: 'AT+UCGED=5 then AT+UCGED?: +RSRP/+RSRQ lines with trailing commas',
    commands: ['AT+UCGED=5', 'AT+UCGED?'],
    expected: ['+RSRP: 162,5230,"-096.50",', '+RSRQ: 162,5230,"-14.20",', 'OK'],
  },
  {
    name: 'AT+UCGED? mode 5, 2-digit PCI is zero-padded',
    commands: ['AT+UCGED=5', 'AT+UCGED?'],
    patch: { servingCell: { pci: 30 }, signal: { rsrpDbm: -44, rsrqDb: -3 } },
    expected: ['+RSRP: 030,5230,"-044.00",', '+RSRQ: 030,5230,"-03.00",', 'OK'],
  },
  {
    name: 'AT+UCGED? mode 5 without service',
    commands: ['AT+UCGED=5', 'AT+UCGED?'],
    patch: { registration: { eps: { state: 'searching' } } },
    expected: ['OK'],
  },
  {
    name: 'AT+UCGED=2 is not supported on SARA-R410M',
    commands: ['AT+CMEE=1', 'AT+UCGED=2'],
    expected: ['+CME ERROR: 4'],
  },
  {
    name: 'COPS: Cat-M1 is AcT 8 on this firmware',
    commands: ['AT+COPS=3,2', 'AT+COPS?'],
    expected: ['+COPS: 0,2,"311480",8', 'OK'],
  },
  {
    name: 'CEREG n=2',
    commands: ['AT+CEREG=2', 'AT+CEREG?'],
    expected: ['+CEREG: 2,1,"0D00","0033C416",8', 'OK'],
  },
  { name: 'AT+CFUN=17 is not a reset', commands: ['AT+CMEE=1', 'AT+CFUN=17'], expected: ['+CME ERROR: 50'] },
];

for (const row of ROWS) {
  test(`ublox-sara-r410m (SARA-R410M-02B ${REV}): ${row.name}`, () => {
    assert.equal(answer(P, row.commands, row.patch), [...row.expected]);
  });
}

test('ublox-sara-r410m: AT+CFUN=15 and AT+CFUN=16 reset the module; the UCGED mode is lost', () => {
  for (const c of ['AT+CFUN=15', 'AT+CFUN=16']) {
    const t = run(P, [c]);
    assert.is(t.replies[0]?.final, 'OK', c);
    assert.is(t.replies[0]?.effect, 'reboot', c);
  }
  assert.equal(P.bootUrcs(P.initialState), []);
});

test.run();
