import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCclk } from '../../../../modem/at/parsers/cclk.js';
import type { ClockInfo } from '../../../../modem/at/types.js';

const GOOD: ReadonlyArray<readonly [string, readonly string[], ClockInfo]> = [
  [
    'network time, +04 quarter hours',
    ['+CCLK: "26/12/01,19:05:23+04"'],
    {
      iso: '2026-12-01T19:05:23+01:00',
      utcMs: Date.UTC(2026, 11, 1, 18, 5, 23),
      tzQuarterHours: 4,
      isDefault: false,
    },
  ],
  [
    '27.007 §8.15 example, GMT+2',
    ['+CCLK: "94/05/06,22:10:00+08"'],
    {
      iso: '1994-05-06T22:10:00+02:00',
      utcMs: Date.UTC(1994, 4, 6, 20, 10, 0),
      tzQuarterHours: 8,
      isDefault: true,
    },
  ],
  [
    'China time +32',
    ['+CCLK: "19/07/24,06:30:48+32"'],
    {
      iso: '2019-07-24T06:30:48+08:00',
      utcMs: Date.UTC(2019, 6, 23, 22, 30, 48),
      tzQuarterHours: 32,
      isDefault: true,
    },
  ],
  [
    'negative offset, US Pacific -28',
    ['+CCLK: "25/03/09,01:59:59-28"'],
    {
      iso: '2025-03-09T01:59:59-07:00',
      utcMs: Date.UTC(2025, 2, 9, 8, 59, 59),
      tzQuarterHours: -28,
      isDefault: false,
    },
  ],
  [
    'negative offset -20',
    ['+CCLK: "24/11/05,10:00:00-20"'],
    {
      iso: '2024-11-05T10:00:00-05:00',
      utcMs: Date.UTC(2024, 10, 5, 15, 0, 0),
      tzQuarterHours: -20,
      isDefault: false,
    },
  ],
  [
    'India +22 (5:30)',
    ['+CCLK: "24/01/15,12:00:00+22"'],
    {
      iso: '2024-01-15T12:00:00+05:30',
      utcMs: Date.UTC(2024, 0, 15, 6, 30, 0),
      tzQuarterHours: 22,
      isDefault: false,
    },
  ],
  [
    'reset value read as 1980, not 2080',
    ['+CCLK: "80/01/06,00:00:00+00"'],
    { iso: '1980-01-06T00:00:00+00:00', utcMs: Date.UTC(1980, 0, 6), tzQuarterHours: 0, isDefault: true },
  ],
  [
    'reset value 2004',
    ['+CCLK: "04/01/01,00:03:52+00"'],
    {
      iso: '2004-01-01T00:03:52+00:00',
      utcMs: Date.UTC(2004, 0, 1, 0, 3, 52),
      tzQuarterHours: 0,
      isDefault: true,
    },
  ],
  [
    'Multi-Tech EDGE reset value without zone (manual)',
    ['+CCLK: "02/01/01,00:00:00"'],
    { iso: '2002-01-01T00:00:00Z', utcMs: Date.UTC(2002, 0, 1), tzQuarterHours: null, isDefault: true },
  ],
  [
    'no offset, UTC assumed',
    ['+CCLK: "26/06/15,08:00:00"'],
    { iso: '2026-06-15T08:00:00Z', utcMs: Date.UTC(2026, 5, 15, 8), tzQuarterHours: null, isDefault: false },
  ],
  [
    '4-digit year',
    ['+CCLK: "2026/06/15,08:00:00+08"'],
    {
      iso: '2026-06-15T08:00:00+02:00',
      utcMs: Date.UTC(2026, 5, 15, 6),
      tzQuarterHours: 8,
      isDefault: false,
    },
  ],
  [
    'missing quotes',
    ['+CCLK: 26/12/01,19:05:23+04'],
    {
      iso: '2026-12-01T19:05:23+01:00',
      utcMs: Date.UTC(2026, 11, 1, 18, 5, 23),
      tzQuarterHours: 4,
      isDefault: false,
    },
  ],
  [
    'Motorola G24 space after the comma (manual)',
    ['+CCLK: "21/01/01, 01:01:01-08"'],
    {
      iso: '2021-01-01T01:01:01-02:00',
      utcMs: Date.UTC(2021, 0, 1, 3, 1, 1),
      tzQuarterHours: -8,
      isDefault: false,
    },
  ],
  [
    'trailing daylight-saving field',
    ['+CCLK: "22/05/07,14:08:17+00",1'],
    {
      iso: '2022-05-07T14:08:17+00:00',
      utcMs: Date.UTC(2022, 4, 7, 14, 8, 17),
      tzQuarterHours: 0,
      isDefault: false,
    },
  ],
  [
    'minus zero is zero',
    ['+CCLK: "26/01/01,00:00:00-00"'],
    { iso: '2026-01-01T00:00:00+00:00', utcMs: Date.UTC(2026, 0, 1), tzQuarterHours: 0, isDefault: false },
  ],
  [
    'leap day',
    ['+CCLK: "24/02/29,23:59:59+00"'],
    {
      iso: '2024-02-29T23:59:59+00:00',
      utcMs: Date.UTC(2024, 1, 29, 23, 59, 59),
      tzQuarterHours: 0,
      isDefault: false,
    },
  ],
  [
    'offset crossing midnight backwards, 2069 is 20yy',
    ['+cclk:"69/01/01,00:30:00+08"'],
    {
      iso: '2069-01-01T00:30:00+02:00',
      utcMs: Date.UTC(2068, 11, 31, 22, 30),
      tzQuarterHours: 8,
      isDefault: false,
    },
  ],
  [
    '2070 side of the pivot is 1970',
    ['+CCLK: "70/01/01,00:00:00+00"'],
    { iso: '1970-01-01T00:00:00+00:00', utcMs: 0, tzQuarterHours: 0, isDefault: true },
  ],
];

for (const [name, lines, expected] of GOOD) {
  test(`parseCclk: ${name}`, () => {
    assert.equal(parseCclk(lines), { ok: true, value: expected });
  });
}

const BAD: ReadonlyArray<readonly [string, readonly string[], string]> = [
  ['no line', ['OK'], '+CCLK: no +CCLK line in the response'],
  ['month 13', ['+CCLK: "26/13/01,00:00:00+00"'], '+CCLK: month 13 out of range 1..12'],
  ['month 0', ['+CCLK: "26/00/01,00:00:00+00"'], '+CCLK: month 0 out of range 1..12'],
  ['day 32', ['+CCLK: "26/01/32,00:00:00+00"'], '+CCLK: day 32 out of range for 2026-01'],
  ['31 April', ['+CCLK: "26/04/31,00:00:00+00"'], '+CCLK: day 31 out of range for 2026-04'],
  ['29 February 2025', ['+CCLK: "25/02/29,00:00:00+00"'], '+CCLK: day 29 out of range for 2025-02'],
  ['day 0', ['+CCLK: "26/01/00,00:00:00+00"'], '+CCLK: day 0 out of range for 2026-01'],
  ['hour 24', ['+CCLK: "26/01/01,24:00:00+00"'], '+CCLK: time 24:00:00 out of range'],
  ['second 60', ['+CCLK: "26/01/01,23:59:60+00"'], '+CCLK: time 23:59:60 out of range'],
  ['zone 97', ['+CCLK: "26/01/01,00:00:00+97"'], '+CCLK: time zone 97 out of range -96..+96 quarter hours'],
  ['not a date', ['+CCLK: "hello"'], '+CCLK: "hello" is not yy/MM/dd,hh:mm:ss±zz'],
  ['empty', ['+CCLK: ""'], '+CCLK: "" is not yy/MM/dd,hh:mm:ss±zz'],
  ['year before 1970', ['+CCLK: "1969/12/31,23:59:59+00"'], '+CCLK: year 1969 before 1970'],
  [
    'garbage',
    ['+CCLK: "26/01/\uFFFD1,00:00:00+00"'],
    '+CCLK: "26/01/\uFFFD1,00:00:00+00" is not yy/MM/dd,hh:mm:ss±zz',
  ],
];

for (const [name, lines, reason] of BAD) {
  test(`parseCclk rejects: ${name}`, () => {
    assert.equal(parseCclk(lines), { ok: false, reason });
  });
}

test.run();
