import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SIERRA_EM7455 as P } from '../../../../hil/sim-modem/profiles/sierra-em7455.js';
import type { StatePatch } from '../../../../hil/sim-modem/state.js';
import { answer, run } from '../sim-kit.js';

const REV = 'SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 06:23:09';
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
      'Manufacturer: Sierra Wireless, Incorporated',
      'Model: EM7455',
      `Revision: ${REV}`,
      'MEID: 35907206222233',
      'IMEI: 359072062222332',
      'IMEI SV: 9',
      'FSN: LF709207040210',
      '+GCAP: +CGSM',
      'OK',
    ],
  },
  { name: 'AT+CGMI', commands: ['AT+CGMI'], expected: ['Sierra Wireless, Incorporated', 'OK'] },
  { name: 'AT+CGMR', commands: ['AT+CGMR'], expected: [REV, 'OK'] },
  { name: 'AT!ICCID?', commands: ['AT!ICCID?'], expected: ['!ICCID: 89302720001234567890', 'OK'] },
  {
    name: 'at!iccid? in lower case',
    commands: ['at!iccid?'],
    expected: ['!ICCID: 89302720001234567890', 'OK'],
  },
  {
    name: 'AT!ICCID? without SIM',
    commands: ['AT+CMEE=1', 'AT!ICCID?'],
    patch: { sim: 'absent' },
    expected: ['+CME ERROR: 10'],
  },
  { name: 'AT+CCID is not an EM7455 command', commands: ['AT+CCID'], expected: ['ERROR'] },
  {
    name: 'AT!GSTATUS? on LTE',
    commands: ['AT!GSTATUS?'],
    expected: [
      '!GSTATUS: ',
      'Current Time:  4306\t\tTemperature: 38',
      'Reset Counter: 1\t\tMode:        ONLINE',
      'System mode:   LTE\tPS state:    Attached',
      'LTE band:      B4\t\tLTE bw:      20 MHz',
      'LTE Rx chan:   2175\t\tLTE Tx chan: 20175',
      'LTE CA state:  NOT ASSIGNED',
      'EMM state:     Registered\tNormal Service',
      'RRC state:     RRC Idle',
      'IMS reg state: No Srv\t\t',
      '',
      'PCC RxM RSSI:  -65\t\tRSRP (dBm):  -91',
      'PCC RxD RSSI:  -67\t\tRSRP (dBm):  -93',
      'Tx Power:      --\t\tTAC:         550d (21773)',
      'RSRQ (dB):     -11.6\t\tCell ID:     0a14666a (169109098)',
      'SINR (dB):     9.4',
      'OK',
    ],
  },
  {
    name: 'AT!GSTATUS? radio off',
    commands: ['AT+CFUN=4', 'AT!GSTATUS?'],
    expected: [
      '!GSTATUS: ',
      'Current Time:  4306\t\tTemperature: 38',
      'Reset Counter: 1\t\tMode:        LOW POWER MODE',
      'System mode:   No service\tPS state:    Not attached',
      'EMM state:     Deregistered\tNo Service',
      'OK',
    ],
  },
  { name: 'COPS', commands: ['AT+COPS?'], expected: ['+COPS: 0,0,"Rogers Wireless",7', 'OK'] },
];

for (const row of ROWS) {
  test(`sierra-em7455 (EM7455 SWI9X30C_02.24.05.06): ${row.name}`, () => {
    assert.equal(answer(P, row.commands, row.patch), [...row.expected]);
  });
}

test('sierra-em7455: AT!RESET reboots', () => {
  const t = run(P, ['AT!RESET']);
  assert.is(t.replies[0]?.final, 'OK');
  assert.is(t.replies[0]?.effect, 'reboot');
});

test.run();
