import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCesq } from '../../../../modem/at/parsers/cesq.js';
import type { CesqInfo } from '../../../../modem/at/types.js';

const NONE = { rssiDbm: null, ber: null, rscpDbm: null, ecnoDb: null, rsrqDb: null, rsrpDbm: null };

const GOOD: ReadonlyArray<readonly [string, readonly string[], CesqInfo]> = [
  [
    'nRF9160 on LTE-M (public SORACOM note)',
    ['+CESQ: 99,99,255,255,15,39'],
    { ...NONE, rsrqDb: -12.5, rsrpDbm: -102 },
  ],
  [
    'nRF9160 strong cell (public driver comment)',
    ['+CESQ: 99,99,255,255,31,62'],
    { ...NONE, rsrqDb: -4.5, rsrpDbm: -79 },
  ],
  [
    'u-blox SARA-R5 (public driver test)',
    ['+CESQ: 99,99,255,255,26,50'],
    { ...NONE, rsrqDb: -7, rsrpDbm: -91 },
  ],
  ['no signal anywhere', ['+CESQ: 99,99,255,255,255,255'], NONE],
  [
    'Fibocom FM350 with Rel-15 NR fields (ignored)',
    ['+CESQ: 17,99,255,255,4,55,75,52,57'],
    { ...NONE, rssiDbm: -94, rsrqDb: -18, rsrpDbm: -86 },
  ],
  ['on NR only, first six unknown', ['+CESQ: 99,99,255,255,255,255,65,75,75'], NONE],
  [
    'GSM only (Telit ME910 manual form for 2G)',
    ['+CESQ: 40,0,255,255,255,255'],
    { ...NONE, rssiDbm: -71, ber: 0 },
  ],
  ['UMTS', ['+CESQ: 99,99,45,30,255,255'], { ...NONE, rscpDbm: -76, ecnoDb: -9.5 }],
  [
    'lowest indices: lower edges one step below the first range',
    ['+CESQ: 0,0,0,0,0,0'],
    { rssiDbm: -111, ber: 0, rscpDbm: -121, ecnoDb: -24.5, rsrqDb: -20, rsrpDbm: -141 },
  ],
  [
    'top indices: "this or more"',
    ['+CESQ: 63,7,96,49,34,97'],
    { rssiDbm: -48, ber: 7, rscpDbm: -25, ecnoDb: 0, rsrqDb: -3, rsrpDbm: -44 },
  ],
  ['99 used for unknown rsrp', ['+CESQ: 99,99,255,255,20,99'], { ...NONE, rsrqDb: -10 }],
  ['lower case, no space', ['+cesq:99,99,255,255,20,40'], { ...NONE, rsrqDb: -10, rsrpDbm: -101 }],
];

for (const [name, lines, expected] of GOOD) {
  test(`parseCesq: ${name}`, () => {
    assert.equal(parseCesq(lines), { ok: true, value: expected });
  });
}

const BAD: ReadonlyArray<readonly [string, readonly string[], string]> = [
  ['five fields', ['+CESQ: 99,99,255,255,20'], '+CESQ: expected 6 fields, got 5'],
  ['no line', ['+CSQ: 20,99'], '+CESQ: no +CESQ line in the response'],
  ['rsrp 98 out of range', ['+CESQ: 99,99,255,255,20,98'], '+CESQ: rsrp 98 out of range 0..97'],
  ['rsrq 35 out of range', ['+CESQ: 99,99,255,255,35,40'], '+CESQ: rsrq 35 out of range 0..34'],
  ['rxlev 64 out of range', ['+CESQ: 64,99,255,255,20,40'], '+CESQ: rxlev 64 out of range 0..63'],
  ['empty field', ['+CESQ: 99,99,,255,20,40'], '+CESQ: rscp "" is not a number'],
  ['non-numeric', ['+CESQ: 99,99,255,255,x,40'], '+CESQ: rsrq "x" is not a number'],
  ['negative', ['+CESQ: 99,99,255,255,-3,40'], '+CESQ: rsrq -3 out of range 0..34'],
];

for (const [name, lines, reason] of BAD) {
  test(`parseCesq rejects: ${name}`, () => {
    assert.equal(parseCesq(lines), { ok: false, reason });
  });
}

test.run();
