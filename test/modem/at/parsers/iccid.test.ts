import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCrsmIccid, parseIccid } from '../../../../modem/at/parsers/iccid.js';
import type { IccidInfo } from '../../../../modem/at/types.js';

const GOOD: ReadonlyArray<readonly [string, readonly string[], IccidInfo]> = [
  [
    'any other CCID label (ZTE +ZGETICCID)',
    ['+ZGETICCID: 89014103211118510720'],
    { iccid: '89014103211118510720', valid: true },
  ],
  [
    'u-blox +CCID form, 19 digits',
    ['+CCID: 8939104520002046137'],
    { iccid: '8939104520002046137', valid: true },
  ],
  ['+CCID quoted', ['+CCID: "8939104520002046137"'], { iccid: '8939104520002046137', valid: true }],
  [
    'Quectel +QCCID form with F filler',
    ['+QCCID: 8939104520002046137F'],
    { iccid: '8939104520002046137', valid: true },
  ],
  ['lower-case f filler', ['+QCCID: 8939104520002046137f'], { iccid: '8939104520002046137', valid: true }],
  [
    'SIMCom SIM7600 AT+CICCID form, +ICCID',
    ['+ICCID: 89014103211118510720'],
    { iccid: '89014103211118510720', valid: true },
  ],
  ['+CICCID label', ['+CICCID: 89014103211118510720'], { iccid: '89014103211118510720', valid: true }],
  [
    'Huawei ^ICCID form, quoted',
    ['^ICCID: "89014103211118510720"'],
    { iccid: '89014103211118510720', valid: true },
  ],
  [
    'Sierra !ICCID form (ModemManager sierra plugin)',
    ['!ICCID: 89014103211118510720'],
    { iccid: '89014103211118510720', valid: true },
  ],
  ['bare ICCID: label', ['ICCID: 89014103211118510720'], { iccid: '89014103211118510720', valid: true }],
  ['Telit #CCID form', ['#CCID: 89014103211118510720'], { iccid: '89014103211118510720', valid: true }],
  ['Cinterion ^SCID form', ['^SCID: 89014103211118510720'], { iccid: '89014103211118510720', valid: true }],
  ['nRF91 %XICCID form', ['%XICCID: 8939104520002046137F'], { iccid: '8939104520002046137', valid: true }],
  [
    'SIMCom SIM800 AT+CCID form, bare digits',
    ['89014103211118510720'],
    { iccid: '89014103211118510720', valid: true },
  ],
  [
    'bare digits with F after blank lines',
    ['', '  8939104520002046137F  '],
    { iccid: '8939104520002046137', valid: true },
  ],
  [
    'nibble-swapped 19 digits, quoted (ModemManager test vector)',
    ['+CCID: "984402003576012594F9"'],
    { iccid: '8944200053671052499', valid: false },
  ],
  [
    'nibble-swapped 20 digits (ModemManager test vector)',
    ['98231420326409614067'],
    { iccid: '89324102234690160476', valid: false },
  ],
  [
    'bad check digit is reported, not enforced',
    ['+CCID: 89014103211118510721'],
    { iccid: '89014103211118510721', valid: false },
  ],
  [
    'lower-case label, no space',
    ['+ccid:89014103211118510720'],
    { iccid: '89014103211118510720', valid: true },
  ],
  [
    '22 digits (two zeros appended keep the Luhn sum)',
    ['+CCID: 8901410321111851072000'],
    { iccid: '8901410321111851072000', valid: true },
  ],
  ['18 digits', ['+CCID: 890141032111185107'], { iccid: '890141032111185107', valid: false }],
];

for (const [name, lines, expected] of GOOD) {
  test(`parseIccid: ${name}`, () => {
    assert.equal(parseIccid(lines), { ok: true, value: expected });
  });
}

const BAD: ReadonlyArray<readonly [string, readonly string[], string]> = [
  ['no line', ['OK'], 'ICCID: no ICCID line in the response'],
  ['nothing', [], 'ICCID: no ICCID line in the response'],
  [
    'letters inside',
    ['+CCID: 8901410321A118510720'],
    '+CCID: ICCID "8901410321A118510720" has non-digit characters',
  ],
  [
    'F in the middle',
    ['+QCCID: 8901F10321118510720'],
    '+QCCID: ICCID "8901F10321118510720" has non-digit characters',
  ],
  ['too short', ['+CCID: 8901410321'], '+CCID: ICCID has 10 digits, expected 18..22'],
  ['too long', ['+CCID: 890141032111185107201234'], '+CCID: ICCID has 24 digits, expected 18..22'],
  ['empty', ['+CCID: ""'], '+CCID: no ICCID in "\\"\\""'],
  ['only filler', ['+QCCID: FFFF'], '+QCCID: no ICCID in "FFFF"'],
  ['garbage', ['+CCID: \uFFFD\uFFFD'], '+CCID: ICCID "\uFFFD\uFFFD" has non-digit characters'],
];

for (const [name, lines, reason] of BAD) {
  test(`parseIccid rejects: ${name}`, () => {
    assert.equal(parseIccid(lines), { ok: false, reason });
  });
}

const CRSM_GOOD: ReadonlyArray<readonly [string, readonly string[], IccidInfo]> = [
  [
    'EF_ICCID, 20 digits',
    ['+CRSM: 144,0,"98940100000000000004"'],
    { iccid: '89491000000000000040', valid: false },
  ],
  [
    'EF_ICCID, 19 digits with F',
    ['+CRSM: 144,0,"984402003576012594F9"'],
    { iccid: '8944200053671052499', valid: false },
  ],
  [
    'sw1 0x91, proactive command pending',
    ['+CRSM: 145,16,"98101430121181157002"'],
    { iccid: '89014103211118510720', valid: true },
  ],
  [
    'unquoted, lower case',
    ['+CRSM: 144,0,98101430121181157002'],
    { iccid: '89014103211118510720', valid: true },
  ],
  [
    'already swapped by the modem',
    ['+CRSM: 144,0,"89014103211118510720"'],
    { iccid: '89014103211118510720', valid: true },
  ],
];

for (const [name, lines, expected] of CRSM_GOOD) {
  test(`parseCrsmIccid: ${name}`, () => {
    assert.equal(parseCrsmIccid(lines), { ok: true, value: expected });
  });
}

const CRSM_BAD: ReadonlyArray<readonly [string, readonly string[], string]> = [
  ['file not found', ['+CRSM: 106,130'], '+CRSM: SIM refused the read, sw1=106 sw2=130 (0x6A82)'],
  ['wrong length', ['+CRSM: 103,0'], '+CRSM: SIM refused the read, sw1=103 sw2=0 (0x6700)'],
  ['security status', ['+CRSM: 105,130,""'], '+CRSM: SIM refused the read, sw1=105 sw2=130 (0x6982)'],
  ['ok without data', ['+CRSM: 144,0'], '+CRSM: sw1=144 sw2=0 (0x9000) but no response data'],
  [
    'odd number of nibbles',
    ['+CRSM: 144,0,"989401000"'],
    '+CRSM: response "989401000" is not hexadecimal bytes',
  ],
  ['not hex', ['+CRSM: 144,0,"98ZZ"'], '+CRSM: response "98ZZ" is not hexadecimal bytes'],
  ['sw not numbers', ['+CRSM: OK'], '+CRSM: sw1/sw2 "OK" are not numbers'],
  ['no line', ['+CCID: 89014103211118510720'], '+CRSM: no +CRSM line in the response'],
  ['too short after decoding', ['+CRSM: 144,0,"9894"'], '+CRSM: ICCID has 4 digits, expected 18..22'],
];

for (const [name, lines, reason] of CRSM_BAD) {
  test(`parseCrsmIccid rejects: ${name}`, () => {
    assert.equal(parseCrsmIccid(lines), { ok: false, reason });
  });
}

test.run();
