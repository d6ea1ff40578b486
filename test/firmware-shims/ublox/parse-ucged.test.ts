import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseUcgedServingCell } from '../../../firmware-shims/ublox/parse-ucged.js';
import type { ServingCell } from '../../../modem/at/types.js';
import { pickFields, UNKNOWN_CELL } from '../serving-cell-rows.js';

const OK_ROWS: ReadonlyArray<readonly [string, readonly string[], Partial<ServingCell>]> = [
  [
    'SARA-R410M, mode 5 (particle device-os NCP trace)',
    ['+RSRP: 476,5110,"-096.50",', '+RSRQ: 476,5110,"-20.00",'],
    { rat: null, pci: 476, earfcn: 5110, rsrpDbm: -96.5, rsrqDb: -20, cellId: null, mcc: null },
  ],
  [
    'SARA-R4/N4, mode 5 with three cells, serving cell first (NB-IoT set-up guide capture)',
    [
      '+RSRP: 030,3547,"-044.00",127,3547,"-091.90",254,3547,"-089.90",',
      '+RSRQ: 030,3547,"-14.40",127,3547,"-14.70",254,3547,"-11.20",',
    ],
    { pci: 30, earfcn: 3547, rsrpDbm: -44, rsrqDb: -14.4 },
  ],
  [
    'SARA-R5, mode 2 (ubxlib u_cell_info.c example)',
    [
      '+UCGED: 2',
      '6,4,001,01',
      '2525,5,50,50,e8fe,1a2d001,1,d60814d1,8001,01,28,31,13.75,3,1,10,28,-50,-6,0,255,255,0',
    ],
    {
      rat: 'cat-m',
      mcc: '001',
      mnc: '01',
      earfcn: 2525,
      band: 'B5',
      tac: 59646,
      cellId: 27447297,
      pci: 1,
      rsrpDbm: -113,
      rsrqDb: -4.5,
      sinrDb: 13.75,
    },
  ],
  [
    'SARA-R5, mode 2, PLMN and TAC unknown (fff/ffff) but registered',
    [
      '+UCGED: 2',
      '6,4,fff,fff',
      '5110,13,50,50,ffff,0000000,254,d0fafd59,ff49,b1,27,15,0.50,1,255,255,28,255,255,0,255,255,0',
    ],
    {
      rat: 'cat-m',
      mcc: null,
      mnc: null,
      earfcn: 5110,
      band: 'B13',
      tac: null,
      cellId: null,
      pci: 254,
      rsrpDbm: -114,
      rsrqDb: -12.5,
      sinrDb: 0.5,
    },
  ],
  [
    'SARA-R422, mode 2 (ubxlib u_cell_info.c example)',
    ['+UCGED: 2', '6,310,410', '5110,12,10,10,830e,162,-86,-14,131,-1,3,255,128,"FB306E02"'],
    {
      rat: 'cat-m',
      mcc: '310',
      mnc: '410',
      earfcn: 5110,
      band: 'B12',
      tac: 0x830e,
      pci: 162,
      rsrpDbm: -86,
      rsrqDb: -14,
      cellId: null,
    },
  ],
];

for (const [name, lines, expected] of OK_ROWS) {
  test(`+UCGED ok: ${name}`, () => {
    const r = parseUcgedServingCell(lines);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    if (r.ok) assert.equal(pickFields(r.value, expected), expected);
  });
}

test('+UCGED ok: SARA-R410M mode 5 gives nothing it was not told', () => {
  assert.equal(parseUcgedServingCell(['+RSRP: 476,5110,"-096.50",', '+RSRQ: 476,5110,"-20.00",']), {
    ok: true,
    value: { ...UNKNOWN_CELL, pci: 476, earfcn: 5110, rsrpDbm: -96.5, rsrqDb: -20 },
  });
});

const BAD_ROWS: ReadonlyArray<readonly [string, readonly string[], string]> = [
  [
    'SARA-R510, mode 2 while searching (particle device-os comment)',
    [
      '+UCGED: 2',
      '6,2,fff,fff',
      '65535,255,255,255,ffff,0000000,65535,00000000,ffff,ff,255,255,255,1,255,255,255,255,255,0,255,255,0',
    ],
    '+UCGED: no serving cell (svc 2)',
  ],
  ['reporting off', ['+UCGED: 0'], '+UCGED: reporting mode 0 gives no cell data'],
  ['mode 2 header without data lines', ['+UCGED: 2'], '+UCGED: 2 without its two data lines'],
  ['nothing at all', [], '+UCGED: no +RSRP line (mode 5 answer expected)'],
  [
    'mode 5 line that does not parse',
    ['+RSRP: ,,'],
    '+UCGED: +RSRP line does not read as <PCI>,<EARFCN>,"<RSRP>"',
  ],
  [
    'SARA-R5 cell line cut short',
    ['+UCGED: 2', '6,4,001,01', '2525,5,50,50,e8fe'],
    '+UCGED: cell line has 5 fields, expected 13+',
  ],
];

for (const [name, lines, reason] of BAD_ROWS) {
  test(`+UCGED bad: ${name}`, () => {
    assert.equal(parseUcgedServingCell(lines), { ok: false, reason });
  });
}

test.run();
