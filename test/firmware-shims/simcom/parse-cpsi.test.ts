import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCpsiServingCell } from '../../../firmware-shims/simcom/parse-cpsi.js';
import type { ServingCell } from '../../../modem/at/types.js';
import { pickFields, UNKNOWN_CELL } from '../serving-cell-rows.js';

const OK_ROWS: ReadonlyArray<readonly [string, string, Partial<ServingCell>]> = [
  [
    'SIM7600 (ArduPilot LTE_modem.lua), LTE band 3, tenths',
    '+CPSI: LTE,Online,505-02,0xCBE8,36519691,101,EUTRAN-BAND3,1800,5,5,-147,-1143,-764,11',
    {
      rat: 'lte',
      mcc: '505',
      mnc: '02',
      tac: 52200,
      cellId: 36519691,
      pci: 101,
      band: 'B3',
      earfcn: 1800,
      rsrqDb: -14.7,
      rsrpDbm: -114.3,
      rssiDbm: -76.4,
      sinrDb: 2,
    },
  ],
  [
    'SIM7500/SIM7600 AT manual example, LTE band 40 (TDD)',
    '+CPSI: LTE,Online,404-45,0x21F9,322642,453,EUTRAN-BAND40,39275,4,4,-168,-1126,-773,7',
    {
      rat: 'lte',
      mcc: '404',
      mnc: '45',
      tac: 8697,
      band: 'B40',
      earfcn: 39275,
      rsrqDb: -16.8,
      rsrpDbm: -112.6,
      rssiDbm: -77.3,
      sinrDb: -6,
    },
  ],
  [
    'SIM7600 band 7 (URC mix test capture)',
    '+CPSI: LTE,Online,250-20,0x4D07,200468759,468,EUTRAN-BAND7,3400,3,3,-69,-900,-661,20',
    {
      rat: 'lte',
      pci: 468,
      band: 'B7',
      earfcn: 3400,
      rsrqDb: -6.9,
      rsrpDbm: -90,
      rssiDbm: -66.1,
      sinrDb: 20,
    },
  ],
  [
    'SIM7000/SIM7080 (esp-modem log), LTE CAT-M1 band 20, whole units',
    '+CPSI: LTE CAT-M1,Online,238-01,0x07D0,12024586,465,EUTRAN-BAND20,6350,5,5,-16,-83,-53,10',
    {
      rat: 'cat-m',
      mcc: '238',
      mnc: '01',
      tac: 2000,
      cellId: 12024586,
      pci: 465,
      band: 'B20',
      earfcn: 6350,
      rsrqDb: -16,
      rsrpDbm: -83,
      rssiDbm: -53,
      sinrDb: 10,
    },
  ],
  [
    'SIM7080 (embassy driver test), LTE CAT-M1 band 20',
    '+CPSI: LTE CAT-M1,Online,240-07,0x2AFE,34564631,149,EUTRAN-BAND20,6400,3,3,-12,-81,-52,10',
    { rat: 'cat-m', mcc: '240', mnc: '07', tac: 11006, cellId: 34564631, pci: 149, rsrpDbm: -81 },
  ],
  [
    'SIM7000 (Telia EE log), LTE NB-IOT band 20',
    '+CPSI: LTE NB-IOT,Online,248-01,0x2AFA,51716400,177,EUTRAN-BAND20,6254,0,0,-10,-63,-54,15',
    {
      rat: 'nb-iot',
      mcc: '248',
      mnc: '01',
      tac: 11002,
      pci: 177,
      band: 'B20',
      earfcn: 6254,
      rsrqDb: -10,
      sinrDb: 15,
    },
  ],
  [
    'SIM7080 AT manual example, LTE NB-IOT with a space before the band',
    '+CPSI: LTE NB-IOT,Online,460-11,0x5AE1,187212754,82, EUTRAN-BAND5,2506,0,0,-7,-115,-110,13',
    { rat: 'nb-iot', mcc: '460', mnc: '11', tac: 23265, band: 'B5', earfcn: 2506, rsrpDbm: -115 },
  ],
  [
    'SIM7000 (embassy driver test), GSM EGSM 900',
    '+CPSI: GSM,Online,240-24,0x28a0,50183,61 EGSM 900,-53,0,58-58',
    {
      rat: 'gsm',
      mcc: '240',
      mnc: '24',
      lac: 10400,
      cellId: 50183,
      band: 'EGSM 900',
      rssiDbm: -53,
      tac: null,
    },
  ],
  [
    'SIM7600 (lua module comment), WCDMA 850',
    '+CPSI: WCDMA,Online,505-01,0x0152,14302219,WCDMA 850,214,4436,0,12.5,83,23,36,500',
    { rat: 'umts', mcc: '505', mnc: '01', lac: 338, cellId: 14302219, band: 'WCDMA 850', rssiDbm: null },
  ],
  [
    'SIM7500/SIM7600 AT manual example, WCDMA IMT 2000',
    '+CPSI: WCDMA,Online,460-01,0xA809,11122855,WCDMA IMT 2000,279,10663,0,1.5,62,33,52,500',
    { rat: 'umts', mcc: '460', mnc: '01', lac: 43017, cellId: 11122855, band: 'WCDMA IMT 2000' },
  ],
];

for (const [name, line, expected] of OK_ROWS) {
  test(`+CPSI ok: ${name}`, () => {
    const r = parseCpsiServingCell([line]);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    if (r.ok) assert.equal(pickFields(r.value, expected), expected);
  });
}

test('+CPSI ok: LTE CAT-M1,Online without cell fields (embassy driver test) is camped, all else unknown', () => {
  assert.equal(parseCpsiServingCell(['+CPSI: LTE CAT-M1,Online']), {
    ok: true,
    value: { ...UNKNOWN_CELL, rat: 'cat-m' },
  });
});

const BAD_ROWS: ReadonlyArray<readonly [string, readonly string[], string]> = [
  ['NO SERVICE (embassy driver test)', ['+CPSI: NO SERVICE,Online'], '+CPSI: no service'],
  ['no +CPSI line', ['OK'], '+CPSI: no +CPSI line in the response'],
  [
    'truncated LTE line',
    ['+CPSI: LTE,Online,505-02,0xCBE8,36519691'],
    '+CPSI: LTE line has 5 fields, expected 14',
  ],
  ['unknown system mode', ['+CPSI: CDMA,Online,1,2,3'], '+CPSI: unknown system mode "CDMA"'],
];

for (const [name, lines, reason] of BAD_ROWS) {
  test(`+CPSI bad: ${name}`, () => {
    assert.equal(parseCpsiServingCell(lines), { ok: false, reason });
  });
}

test.run();
