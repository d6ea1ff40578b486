import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseRegUrc } from '../../../../modem/at/parsers/registration.js';
import type { RegInfo } from '../../../../modem/at/types.js';

/** A RegInfo with defaults for the fields a row does not care about. */
function reg(p: Partial<RegInfo> & Pick<RegInfo, 'domain' | 'form' | 'stat' | 'state'>): RegInfo {
  return { n: null, lac: null, tac: null, cellId: null, act: null, actName: null, rejectCause: null, ...p };
}

// Lines from ModemManager src/tests/test-modem-helpers.c (MM), the u-blox SARA-R4 AT manual
// (UBX-17003787) and 27.007 §7.2/§10.1.22/§10.1.47.
const URC: ReadonlyArray<readonly [string, string, RegInfo]> = [
  ['CREG=1 (MM)', '+CREG: 3', reg({ domain: 'cs', form: 'urc', stat: 3, state: 'denied' })],
  [
    'Sierra Mercury (MM)',
    '+CREG: 1,84CD,00D30156',
    reg({ domain: 'cs', form: 'urc', stat: 1, state: 'home', lac: 0x84cd, cellId: 0xd30156 }),
  ],
  [
    'Sony Ericsson K850i (MM)',
    '+CREG: 1,"CE00","00005449"',
    reg({ domain: 'cs', form: 'urc', stat: 1, state: 'home', lac: 0xce00, cellId: 0x5449 }),
  ],
  [
    'Novatel XU870 unregistered, empty LAC/CI (MM)',
    '+CREG: 2,,',
    reg({ domain: 'cs', form: 'urc', stat: 2, state: 'searching' }),
  ],
  [
    'leading zeros everywhere (MM)',
    '+CREG: 001,"0001","0010",000',
    reg({ domain: 'cs', form: 'urc', stat: 1, state: 'home', lac: 1, cellId: 0x10, act: 0, actName: 'gsm' }),
  ],
  [
    'u-blox TOBY-L2 (MM)',
    '+CREG: 6,"8B37","0A265185",7',
    reg({
      domain: 'cs',
      form: 'urc',
      stat: 6,
      state: 'home',
      lac: 0x8b37,
      cellId: 0x0a265185,
      act: 7,
      actName: 'lte',
    }),
  ],
  [
    'Sony-Ericsson MD400 CGREG roaming on UMTS (MM)',
    '+CGREG: 5,"0502","0404736D",2',
    reg({
      domain: 'gprs',
      form: 'urc',
      stat: 5,
      state: 'roaming',
      lac: 0x0502,
      cellId: 0x0404736d,
      act: 2,
      actName: 'umts',
    }),
  ],
  [
    'u-blox SARA-R4 manual example',
    '+CEREG: 1,"3a9b","0000c33d",7',
    reg({
      domain: 'eps',
      form: 'urc',
      stat: 1,
      state: 'home',
      tac: 0x3a9b,
      cellId: 0xc33d,
      act: 7,
      actName: 'lte',
    }),
  ],
  [
    'CEREG=5 with cause and timers',
    '+CEREG: 1,"0001","01A2D001",7,,,"00100100","01000111"',
    reg({
      domain: 'eps',
      form: 'urc',
      stat: 1,
      state: 'home',
      tac: 1,
      cellId: 0x01a2d001,
      act: 7,
      actName: 'lte',
    }),
  ],
  [
    'C5GREG NR',
    '+C5GREG: 1,"000001","000000010A2B3C4D",11',
    reg({
      domain: '5gs',
      form: 'urc',
      stat: 1,
      state: 'home',
      tac: 1,
      cellId: 0x10a2b3c4d,
      act: 11,
      actName: 'nr-5gc',
    }),
  ],
  ['searching', '+CEREG: 2', reg({ domain: 'eps', form: 'urc', stat: 2, state: 'searching' })],
  ['out of coverage', '+CEREG: 4', reg({ domain: 'eps', form: 'urc', stat: 4, state: 'unknown' })],
  [
    'emergency bearer only',
    '+CEREG: 8',
    reg({ domain: 'eps', form: 'urc', stat: 8, state: 'not-registered' }),
  ],
  [
    'CSFB not preferred, roaming',
    '+CEREG: 10',
    reg({ domain: 'eps', form: 'urc', stat: 10, state: 'roaming' }),
  ],
  ['trailing CR and spaces', '  +CGREG: 1 \r', reg({ domain: 'gprs', form: 'urc', stat: 1, state: 'home' })],
];

for (const [name, line, expected] of URC) {
  test(`parseRegUrc: ${name}`, () => {
    assert.equal(parseRegUrc(line), { ok: true, value: expected });
  });
}

const BAD: ReadonlyArray<readonly [string, string, string]> = [
  ['urc: empty', '+CEREG:', '+CEREG: missing <stat>'],
  ['urc: garbage stat', '+CEREG: \uFFFD', '+CEREG: <stat> "\uFFFD" is not a number'],
  ['urc: quoted stat', '+CEREG: "1"', '+CEREG: <stat> "1" is not a number'],
  ['urc: negative stat', '+CREG: -1', '+CREG: <stat> -1 out of range 0..11'],
  [
    'urc: no prefix',
    '1,"00A1","1234"',
    'expected +CREG/+CGREG/+CEREG/+C5GREG, got "1,\\"00A1\\",\\"1234\\""',
  ],
];

for (const [name, line, reason] of BAD) {
  test(`parseRegUrc rejects: ${name}`, () => {
    assert.equal(parseRegUrc(line), { ok: false, reason });
  });
}

test.run();
