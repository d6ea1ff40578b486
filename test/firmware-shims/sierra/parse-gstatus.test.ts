import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseGstatusServingCell } from '../../../firmware-shims/sierra/parse-gstatus.js';
import type { ServingCell } from '../../../modem/at/types.js';
import { pickFields, UNKNOWN_CELL } from '../serving-cell-rows.js';

// MC7455/EM7455 (SWI9X30C) with carrier aggregation, from a public MC74xx set-up guide. Its TAC and
// Cell ID decimals in parentheses do not match the hex (the guide's author edited them): hex is used.
const MC7455_CA = [
  '!GSTATUS: ',
  'Current Time:  22016\t\tTemperature: 40',
  'Reset Counter: 1\t\tMode:        ONLINE         ',
  'System mode:   LTE        \tPS state:    Attached     ',
  'LTE band:      B2     \t\tLTE bw:      20 MHz  ',
  'LTE Rx chan:   800\t\tLTE Tx chan: 18800',
  'LTE CA state:  ACTIVE      \t\tLTE Scell band:B12    ',
  'LTE Scell bw:10 MHz  \t\tLTE Scell chan:5110',
  'EMM state:     Registered     \tNormal Service ',
  'RRC state:     RRC Connected  ',
  'IMS reg state: No Srv  \t\t',
  '',
  'PCC RxM RSSI:  -45\t\tRSRP (dBm):  -81',
  'PCC RxD RSSI:  -44\t\tRSRP (dBm):  -79',
  'SCC RxM RSSI:  -52\t\tRSRP (dBm):  -83',
  'SCC RxD RSSI:  -51\t\tRSRP (dBm):  -81',
  'Tx Power:      15\t\tTAC:         8C65 (35666)',
  'RSRQ (dB):     -14.0\t\tCell ID:     0A14666A (169106666)',
  'SINR (dB):     23.8',
];

// EM75xx (SWI9X50C_01.09.04.00, Generic-M2M PRI), from a public engineering log: "PCC RxM RSRP:" keys.
const EM75XX_SWI9X50 = [
  '!GSTATUS: ',
  'Current Time:  4306\t\tTemperature: 35',
  'Reset Counter: 2\t\tMode:        ONLINE         ',
  'System mode:   LTE        \tPS state:    Attached     ',
  'LTE band:      B66    \t\tLTE bw:      20 MHz  ',
  'LTE Rx chan:   0\t\tLTE Tx chan: 132272',
  'LTE SSC1 state:NOT ASSIGNED',
  'EMM state:     Registered     \tNormal Service ',
  'RRC state:     RRC Idle       ',
  'IMS reg state: No Srv  \t\t',
  '',
  'PCC RxM RSSI:  -87\t\tPCC RxM RSRP:  -119',
  'PCC RxD RSSI:  -55\t\tPCC RxD RSRP:  -86',
  'Tx Power:      --\t\tTAC:         550d (21773)',
  'RSRQ (dB):     -11.6\t\tCell ID:     00a51b02 (10820354)',
  'SINR (dB):     12.2',
];

// EM7455 on "3 UK Things Mobile" (Raspberry Pi PPP guide), space-aligned columns, RSRQ without decimals.
const EM7455_SPACES = [
  '!GSTATUS:',
  'Current Time:  1426             Temperature: 26',
  'Modem Mitigate Level: 0         ModemProc Mitigate Level: 0',
  'Reset Counter: 1                Mode:        ONLINE',
  'System mode:   LTE              PS state:    Attached',
  'IMS reg state: NOT REGISTERED   IMS mode:    Normal',
  'IMS Srv State: NO SMS,NO VoIP',
  'LTE band:      B3               LTE bw:      15 MHz',
  'LTE Rx chan:   1392             LTE Tx chan: 19392',
  'LTE CA state:  INACTIVE',
  'EMM state:     Registered       Normal Service',
  'RRC state:     RRC Connected',
  '',
  'PCC RxM RSSI:  -72              RSRP (dBm):  -105',
  'PCC RxD RSSI:  -94              RSRP (dBm):  -132',
  'Tx Power:      --               TAC:         0E62 (3682)',
  'RSRQ (dB):     -14              Cell ID:     002AC602 (2803202)',
  'SINR (dB):      8.4',
];

// MC8xxx-class WCDMA report, from a public forum thread (iklymov, 2012).
const WCDMA_C0 = [
  '!GSTATUS: ',
  'Current Time:  1350             Temperature: 32',
  'Bootup Time:   1                Mode:        ONLINE         ',
  'System mode:   WCDMA            PS state:    Attached     ',
  'WCDMA band:    WCDMA 2100 ',
  'WCDMA channel: 10662',
  'GMM (PS) state:REGISTERED       NORMAL SERVICE ',
  'MM (CS) state: IDLE             NORMAL SERVICE ',
  '',
  'WCDMA L1 State:L1M_PCH_SLEEP    RRC State:   DISCONNECTED   ',
  'RX level C0:   -68              LAC:         1389 (5001)',
  'RX level C1:   -106             Cell ID:     01F5C481 (32883841)',
];

// Sierra 320U WCDMA report (collectd-sierrausb README), "RX level Carrier 0 (dBm):" spelling; the
// README replaced LAC and Cell ID with placeholders, so only the other fields are checked.
const WCDMA_CARRIER = [
  '!GSTATUS: ',
  'Current Time:  90551            Temperature: 45',
  'System mode:   WCDMA            PS state:    Attached     ',
  'WCDMA band:    WCDMA 2100 ',
  'WCDMA channel: 10812',
  'WCDMA L1 State:L1M_FACH         RRC State:   CELL_FACH      ',
  'RX level Carrier 0 (dBm):-71    LAC:         123A (987)',
  'RX level Carrier 1 (dBm):-106   Cell ID:    123456789 (98765432)',
];

const OK_ROWS: ReadonlyArray<readonly [string, readonly string[], Partial<ServingCell>]> = [
  [
    'MC7455 SWI9X30C, LTE B2 with CA',
    MC7455_CA,
    {
      rat: 'lte',
      band: 'B2',
      earfcn: 800,
      tac: 35941,
      cellId: 169109098,
      rsrpDbm: -81,
      rssiDbm: -45,
      rsrqDb: -14,
      sinrDb: 23.8,
      pci: null,
      mcc: null,
    },
  ],
  [
    'EM75xx SWI9X50C_01.09.04.00, LTE B66, PCC RxM RSRP key',
    EM75XX_SWI9X50,
    {
      rat: 'lte',
      band: 'B66',
      earfcn: 0,
      tac: 21773,
      cellId: 10820354,
      rsrpDbm: -119,
      rssiDbm: -87,
      rsrqDb: -11.6,
      sinrDb: 12.2,
    },
  ],
  [
    'EM7455, LTE B3, space-aligned columns',
    EM7455_SPACES,
    {
      rat: 'lte',
      band: 'B3',
      earfcn: 1392,
      tac: 3682,
      cellId: 2803202,
      rsrpDbm: -105,
      rssiDbm: -72,
      rsrqDb: -14,
      sinrDb: 8.4,
    },
  ],
  [
    'MC8xxx WCDMA 2100, RX level C0',
    WCDMA_C0,
    { rat: 'umts', band: 'WCDMA 2100', lac: 5001, cellId: 32883841, rssiDbm: -68, earfcn: null },
  ],
  [
    'Sierra 320U WCDMA 2100, RX level Carrier 0 (dBm)',
    WCDMA_CARRIER,
    { rat: 'umts', band: 'WCDMA 2100', rssiDbm: -71 },
  ],
];

for (const [name, lines, expected] of OK_ROWS) {
  test(`!GSTATUS ok: ${name}`, () => {
    const r = parseGstatusServingCell(lines);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    if (r.ok) assert.equal(pickFields(r.value, expected), expected);
  });
}

test('!GSTATUS ok: EM7455 LTE report, every field (no PLMN, PCI or LAC in GSTATUS)', () => {
  assert.equal(parseGstatusServingCell(EM7455_SPACES), {
    ok: true,
    value: {
      ...UNKNOWN_CELL,
      rat: 'lte',
      band: 'B3',
      earfcn: 1392,
      tac: 3682,
      cellId: 2803202,
      rsrpDbm: -105,
      rssiDbm: -72,
      rsrqDb: -14,
      sinrDb: 8.4,
    },
  });
});

const BAD_ROWS: ReadonlyArray<readonly [string, readonly string[], string]> = [
  [
    'malformed, no key/values (mdlayher atmodem test)',
    ['!GSTATUS:', 'foo'],
    '!GSTATUS: no system mode in the report',
  ],
  [
    'constructed: low power report without a system mode',
    [
      '!GSTATUS: ',
      'Current Time:  6334\t\tTemperature: 37',
      'Reset Counter: 2\t\tMode:        LOW POWER MODE',
    ],
    '!GSTATUS: no system mode in the report (mode LOW POWER MODE)',
  ],
  [
    'constructed: system mode No service',
    ['!GSTATUS: ', 'System mode:   No service\tPS state:    Not attached'],
    '!GSTATUS: no serving cell (system mode No service)',
  ],
  ['constructed: empty answer', [], '!GSTATUS: no system mode in the report'],
];

for (const [name, lines, reason] of BAD_ROWS) {
  test(`!GSTATUS bad: ${name}`, () => {
    assert.equal(parseGstatusServingCell(lines), { ok: false, reason });
  });
}

test.run();
