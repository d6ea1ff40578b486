import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseQengServingCell } from '../../../firmware-shims/quectel/parse-qeng.js';
import type { ServingCell } from '../../../modem/at/types.js';
import { pickFields, UNKNOWN_CELL } from '../serving-cell-rows.js';

const OK_ROWS: ReadonlyArray<readonly [string, readonly string[], Partial<ServingCell>]> = [
  [
    'EP06-E EP06ELAR04A22M4G, LTE NOCONN (4IceG/luci-app-3ginfo-lite#108)',
    ['+QENG: "servingcell","NOCONN","LTE","FDD",222,88,4CAA71F,28,1500,3,3,3,77B8,-84,-9,-56,21,35'],
    { rat: 'lte', mcc: '222', mnc: '88', cellId: 80389919, pci: 28, earfcn: 1500, band: 'B3', tac: 30648 },
  ],
  [
    'EC2x (quectel-CM log), LTE with CQI/tx_power fields and a negative SINR',
    ['+QENG: "servingcell","NOCONN","LTE","FDD",460,00,8F381C5,107,1300,3,5,5,3193,-98,-13,-70,-3,0,0,21'],
    { rat: 'lte', mcc: '460', mnc: '00', cellId: 150176197, pci: 107, tac: 12691, rsrpDbm: -98, sinrDb: -3 },
  ],
  [
    'EG25-G (openqti), LTE band 20',
    ['+QENG: "servingcell","NOCONN","LTE","FDD",214,01,7676A09,188,6300,20,3,3,603,-104,-9,-78,11,23'],
    { rat: 'lte', band: 'B20', earfcn: 6300, rsrpDbm: -104, rsrqDb: -9, rssiDbm: -78, sinrDb: 11 },
  ],
  [
    'BG95-M3 (Sixfab Pico LTE), eMTC band 12, 3-digit MNC',
    ['+QENG: "servingcell","NOCONN","eMTC","FDD",310,410,B0DD811,152,5110,12,3,3,5003,-88,-11,-62,11,41'],
    {
      rat: 'cat-m',
      mcc: '310',
      mnc: '410',
      cellId: 185456657,
      pci: 152,
      band: 'B12',
      tac: 20483,
      sinrDb: 11,
    },
  ],
  [
    'BG95, eMTC LIMSRV (camped, limited service)',
    ['+QENG: "servingcell","LIMSRV","eMTC","FDD",240,42,C511706,6,9435,28,2,2,8,-82,-5,-63,16,57'],
    { rat: 'cat-m', mcc: '240', mnc: '42', cellId: 206640902, pci: 6, band: 'B28', tac: 8, rsrqDb: -5 },
  ],
  [
    'BG96 (electricimp BG96 library), CAT-M CONNECT, srxlev "-"',
    ['+QENG: "servingcell","CONNECT","CAT-M","FDD",262,03,2FAA03,187,6200,20,3,3,2AFB,-105,-11,-76,10,-'],
    {
      rat: 'cat-m',
      mcc: '262',
      mnc: '03',
      cellId: 3123715,
      tac: 11003,
      rsrpDbm: -105,
      rssiDbm: -76,
      sinrDb: 10,
    },
  ],
  [
    'BG95 (ArduPilot LTE_modem.lua example), eMTC without srxlev',
    ['+QENG: "servingcell","CONNECT","eMTC","FDD",505,01,804A90D,238,9410,28,5,5,2036,-114,-18,-82,6'],
    {
      rat: 'cat-m',
      mcc: '505',
      mnc: '01',
      cellId: 0x804a90d,
      pci: 238,
      earfcn: 9410,
      band: 'B28',
      sinrDb: 6,
    },
  ],
  [
    'BG96 (electricimp BG96 library), GSM',
    [
      '+QENG: "servingcell","NOCONN","GSM",250,99,DC51,B919,26,50,-,-73,255,255,0,38,38,1,-,-,-,-,-,-,-,-,-,"-"',
    ],
    { rat: 'gsm', mcc: '250', mnc: '99', lac: 56401, cellId: 47385, rssiDbm: -73 },
  ],
  [
    'Quectel WCDMA NOCONN (modem driver capture)',
    ['+QENG: "servingcell","NOCONN","WCDMA",515,03,3AB2,B55EEFF,3037,352,1,-94,-15,-,-,-,-,-'],
    { rat: 'umts', mcc: '515', mnc: '03', lac: 15026, cellId: 190181119 },
  ],
  [
    'Quectel WCDMA CONNECT, 2-digit LAC',
    ['+QENG: "servingcell","CONNECT","WCDMA",440,10,75,6FE0090,10736,58,0,-78,-3,-,-,-,-,-'],
    { rat: 'umts', mcc: '440', mnc: '10', lac: 117, cellId: 117309584 },
  ],
  [
    'Quectel 5G module, NR5G-SA band n78 (4IceG/luci-app-3ginfo-lite#57), 36-bit NCI',
    [
      '+QENG: "servingcell","NOCONN","NR5G-SA","TDD", 515,66,100072000,538,114000,620640,78,12,-109,-12,14,1,-',
    ],
    {
      rat: 'nr5g-sa',
      mcc: '515',
      mnc: '66',
      cellId: 4295434240,
      pci: 538,
      tac: 1130496,
      band: 'n78',
      rsrpDbm: -109,
      rsrqDb: -12,
      sinrDb: 14,
    },
  ],
  [
    'RM520N-GL, EN-DC (LTE anchor + NR5G-NSA)',
    [
      '+QENG: "servingcell","NOCONN"',
      '+QENG: "LTE","FDD",222,01,4940206,427,1350,3,5,5,BFF,-94,-15,-58,9,5,100,-',
      '+QENG: "NR5G-NSA",222,01,920,-96,18,-10,648768,78,10,1',
    ],
    {
      rat: 'nr5g-nsa',
      mcc: '222',
      mnc: '01',
      cellId: 76808710,
      pci: 427,
      earfcn: 1350,
      band: 'B3',
      tac: 3071,
      rsrpDbm: -94,
      rsrqDb: -15,
      rssiDbm: -58,
      sinrDb: 9,
    },
  ],
  [
    'RM5xx, EN-DC form with an empty NR5G-NSA line: LTE only',
    [
      '+QENG: "servingcell","NOCONN"',
      '+QENG: "LTE","FDD",520,04,4D8002,167,250,1,3,3,7E7,-128,-17,-94,7,10,23-',
      '+QENG: "NR5G-NSA",',
    ],
    {
      rat: 'lte',
      mcc: '520',
      mnc: '04',
      cellId: 5079042,
      pci: 167,
      earfcn: 250,
      band: 'B1',
      tac: 2023,
      sinrDb: 7,
    },
  ],
];

for (const [name, lines, expected] of OK_ROWS) {
  test(`+QENG ok: ${name}`, () => {
    const r = parseQengServingCell(lines);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    if (r.ok) assert.equal(pickFields(r.value, expected), expected);
  });
}

test('+QENG ok: EP06-E line, every field (nothing invented)', () => {
  const r = parseQengServingCell([
    '+QENG: "servingcell","NOCONN","LTE","FDD",222,88,4CAA71F,28,1500,3,3,3,77B8,-84,-9,-56,21,35',
  ]);
  assert.equal(r, {
    ok: true,
    value: {
      ...UNKNOWN_CELL,
      rat: 'lte',
      band: 'B3',
      mcc: '222',
      mnc: '88',
      cellId: 80389919,
      pci: 28,
      tac: 30648,
      earfcn: 1500,
      rsrpDbm: -84,
      rsrqDb: -9,
      sinrDb: 21,
      rssiDbm: -56,
    },
  });
});

test('+QENG option sinrEncoding fifth-db: LTE line with SINR 53 (ArduPilot LTE_modem.lua example) is -9.4 dB', () => {
  const lines = [
    '+QENG: "servingcell","NOCONN","LTE","FDD",505,02,12AED4A,445,3750,8,3,3,CBE8,-99,-14,-71,53,30',
  ];
  const r = parseQengServingCell(lines, { sinrEncoding: 'fifth-db' });
  assert.equal(r.ok && r.value.sinrDb, -9.4);
  const plain = parseQengServingCell(lines);
  assert.equal(plain.ok && plain.value.sinrDb, 53);
});

const BAD_ROWS: ReadonlyArray<readonly [string, readonly string[], string]> = [
  [
    'SEARCH, no cell (state-only line)',
    ['+QENG: "servingcell","SEARCH"'],
    '+QENG: no serving cell (state SEARCH)',
  ],
  [
    'truncated LTE line',
    ['+QENG: "servingcell","NOCONN","LTE","FDD",460,00'],
    '+QENG: LTE line has 6 fields, expected at least 17',
  ],
  [
    'neighbour cells only',
    ['+QENG: "neighbourcell intra","LTE",6300,188,-12,-105,-75,-20,23,4,12,10,62'],
    '+QENG: no "servingcell" line in the response',
  ],
  ['empty answer', [], '+QENG: no "servingcell" line in the response'],
  ['unknown RAT', ['+QENG: "servingcell","NOCONN","CDMA",1,2,3'], '+QENG: unknown access technology "CDMA"'],
  [
    'EN-DC state line without its LTE line',
    ['+QENG: "servingcell","CONNECT"', '+QENG: "NR5G-NSA",222,01,920,-96,18,-10,648768,78,10,1'],
    '+QENG: servingcell state line without an LTE line',
  ],
];

for (const [name, lines, reason] of BAD_ROWS) {
  test(`+QENG bad: ${name}`, () => {
    assert.equal(parseQengServingCell(lines), { ok: false, reason });
  });
}

test.run();
