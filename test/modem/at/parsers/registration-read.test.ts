import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseRegRead } from '../../../../modem/at/parsers/registration.js';
import type { RegInfo } from '../../../../modem/at/types.js';

/** A RegInfo with defaults for the fields a row does not care about. */
function reg(p: Partial<RegInfo> & Pick<RegInfo, 'domain' | 'form' | 'stat' | 'state'>): RegInfo {
  return { n: null, lac: null, tac: null, cellId: null, act: null, actName: null, rejectCause: null, ...p };
}

// Lines from ModemManager src/tests/test-modem-helpers.c (MM), the u-blox SARA-R4 AT manual
// (UBX-17003787) and 27.007 §7.2/§10.1.22/§10.1.47.
const READ: ReadonlyArray<readonly [string, string, RegInfo]> = [
  ['CREG=1 denied (MM)', '+CREG: 1,3', reg({ domain: 'cs', form: 'read', n: 1, stat: 3, state: 'denied' })],
  [
    'Sierra USBConnect Mercury, unquoted (MM)',
    '+CREG: 1,1,84CD,00D30173',
    reg({ domain: 'cs', form: 'read', n: 1, stat: 1, state: 'home', lac: 0x84cd, cellId: 0xd30173 }),
  ],
  [
    'Sony Ericsson K850i, quoted (MM)',
    '+CREG: 2,1,"CE00","01CEAD8F"',
    reg({ domain: 'cs', form: 'read', n: 2, stat: 1, state: 'home', lac: 0xce00, cellId: 0x01cead8f }),
  ],
  [
    'Huawei E160G unregistered (MM)',
    '+CREG: 2,0,00,0',
    reg({ domain: 'cs', form: 'read', n: 2, stat: 0, state: 'not-registered', lac: 0, cellId: 0 }),
  ],
  [
    'Iridium, zero-padded integers, lower-case hex (MM)',
    '+CREG:002,001,"18d8","ffff"',
    reg({ domain: 'cs', form: 'read', n: 2, stat: 1, state: 'home', lac: 0x18d8, cellId: 0xffff }),
  ],
  [
    'u-blox TOBY-L2 on LTE, SMS only (MM)',
    '+CREG: 2,6,"8B37","0A265185",7',
    reg({
      domain: 'cs',
      form: 'read',
      n: 2,
      stat: 6,
      state: 'home',
      lac: 0x8b37,
      cellId: 0x0a265185,
      act: 7,
      actName: 'lte',
    }),
  ],
  [
    'Sony-Ericsson MD400 roaming (MM)',
    '+CREG: 2,5,"0502","0404736D"',
    reg({ domain: 'cs', form: 'read', n: 2, stat: 5, state: 'roaming', lac: 0x0502, cellId: 0x0404736d }),
  ],
  [
    'Samsung Wave S8500 junk after CI (MM)',
    '+CREG: 2,1,000B,2816, B, C2816',
    reg({ domain: 'cs', form: 'read', n: 2, stat: 1, state: 'home', lac: 0x000b, cellId: 0x2816 }),
  ],
  [
    'Qualcomm Gobi 1000 space inside the LAC (MM)',
    '+CREG: 2,1,  0 5, 2715',
    reg({ domain: 'cs', form: 'read', n: 2, stat: 1, state: 'home', lac: 5, cellId: 0x2715 }),
  ],
  [
    'Ericsson F3607gw CGREG=2 EDGE (MM)',
    '+CGREG: 2,1,"8BE3","00002B5D",3',
    reg({
      domain: 'gprs',
      form: 'read',
      n: 2,
      stat: 1,
      state: 'home',
      lac: 0x8be3,
      cellId: 0x2b5d,
      act: 3,
      actName: 'edge',
    }),
  ],
  [
    'Alcatel X220D random spaces (MM)',
    '+CGREG: 2,1, 81ED, 1A9CEB',
    reg({ domain: 'gprs', form: 'read', n: 2, stat: 1, state: 'home', lac: 0x81ed, cellId: 0x1a9ceb }),
  ],
  [
    'CGREG with RAC',
    '+CGREG: 2,1,"1422","00000142",3,"00"',
    reg({
      domain: 'gprs',
      form: 'read',
      n: 2,
      stat: 1,
      state: 'home',
      lac: 0x1422,
      cellId: 0x142,
      act: 3,
      actName: 'edge',
    }),
  ],
  [
    'CGREG=3 with reject cause after RAC',
    '+CGREG: 3,3,,,,,0,7',
    reg({ domain: 'gprs', form: 'read', n: 3, stat: 3, state: 'denied', rejectCause: 7 }),
  ],
  [
    'CEREG=1 denied (MM)',
    '+CEREG: 1,3',
    reg({ domain: 'eps', form: 'read', n: 1, stat: 3, state: 'denied' }),
  ],
  [
    'CEREG=2 unquoted with spaces (MM)',
    '+CEREG: 2,1, 1F00, 79D903 ,7',
    reg({
      domain: 'eps',
      form: 'read',
      n: 2,
      stat: 1,
      state: 'home',
      tac: 0x1f00,
      cellId: 0x79d903,
      act: 7,
      actName: 'lte',
    }),
  ],
  [
    'u-blox SARA-R4 manual example',
    '+CEREG: 2,1,"3a9b","0000c33d",7',
    reg({
      domain: 'eps',
      form: 'read',
      n: 2,
      stat: 1,
      state: 'home',
      tac: 0x3a9b,
      cellId: 0xc33d,
      act: 7,
      actName: 'lte',
    }),
  ],
  [
    'NB-IoT (nRF9160 style, AcT 9)',
    '+CEREG: 2,5,"0001","01A2D001",9',
    reg({
      domain: 'eps',
      form: 'read',
      n: 2,
      stat: 5,
      state: 'roaming',
      tac: 1,
      cellId: 0x01a2d001,
      act: 9,
      actName: 'nb-iot',
    }),
  ],
  [
    'empty optional fields',
    '+CEREG: 2,1,,,7',
    reg({ domain: 'eps', form: 'read', n: 2, stat: 1, state: 'home', act: 7, actName: 'lte' }),
  ],
  [
    'CEREG=3 denied with EMM cause 15',
    '+CEREG: 3,3,"1A2B","0C0A1B2C",7,0,15',
    reg({
      domain: 'eps',
      form: 'read',
      n: 3,
      stat: 3,
      state: 'denied',
      tac: 0x1a2b,
      cellId: 0x0c0a1b2c,
      act: 7,
      actName: 'lte',
      rejectCause: 15,
    }),
  ],
  [
    'CEREG=4 with PSM timers and empty cause',
    '+CEREG: 4,1,"0001","01A2D001",7,,,"00000000","00111000"',
    reg({
      domain: 'eps',
      form: 'read',
      n: 4,
      stat: 1,
      state: 'home',
      tac: 1,
      cellId: 0x01a2d001,
      act: 7,
      actName: 'lte',
    }),
  ],
  [
    'nRF91 UICC failure stat 90',
    '+CEREG: 5,90',
    reg({ domain: 'eps', form: 'read', n: 5, stat: 90, state: 'not-registered' }),
  ],
  [
    'C5GREG with 36-bit NR cell id and NSSAI',
    '+C5GREG: 2,1,"0000A1","000000010A2B3C4D",11,3,"01.000001;02"',
    reg({
      domain: '5gs',
      form: 'read',
      n: 2,
      stat: 1,
      state: 'home',
      tac: 0xa1,
      cellId: 0x10a2b3c4d,
      act: 11,
      actName: 'nr-5gc',
    }),
  ],
  [
    'C5GREG denied with 5GMM cause after NSSAI',
    '+C5GREG: 3,3,,,,,,0,7',
    reg({ domain: '5gs', form: 'read', n: 3, stat: 3, state: 'denied', rejectCause: 7 }),
  ],
  [
    'lower-case prefix, no space, TAC zero-padded unquoted',
    '+cereg:2,1,00a1,1A2B3C4,7',
    reg({
      domain: 'eps',
      form: 'read',
      n: 2,
      stat: 1,
      state: 'home',
      tac: 0xa1,
      cellId: 0x1a2b3c4,
      act: 7,
      actName: 'lte',
    }),
  ],
  [
    'AcT beyond 13 keeps the number, no name',
    '+CEREG: 2,1,"00A1","00001234",14',
    reg({ domain: 'eps', form: 'read', n: 2, stat: 1, state: 'home', tac: 0xa1, cellId: 0x1234, act: 14 }),
  ],
  [
    'stat 11 emergency only',
    '+C5GREG: 1,11',
    reg({ domain: '5gs', form: 'read', n: 1, stat: 11, state: 'not-registered' }),
  ],
];

for (const [name, line, expected] of READ) {
  test(`parseRegRead: ${name}`, () => {
    assert.equal(parseRegRead(line), { ok: true, value: expected });
  });
}

const BAD: ReadonlyArray<readonly [string, string, string]> = [
  [
    'read: wrong prefix',
    '+COPS: 0,0,"x",7',
    'expected +CREG/+CGREG/+CEREG/+C5GREG, got "+COPS: 0,0,\\"x\\",7"',
  ],
  ['read: one field', '+CREG: 1', '+CREG: expected <n>,<stat>, got 1 field(s)'],
  ['read: URC line given as read', '+CREG: 1,"CE00","00005449"', '+CREG: <stat> "CE00" is not a number'],
  ['read: n out of range', '+CEREG: 7,1', '+CEREG: <n> 7 out of range 0..5'],
  ['read: stat out of range', '+CEREG: 2,12', '+CEREG: <stat> 12 out of range 0..11'],
  ['read: stat missing', '+CREG: 2,,', '+CREG: missing <stat>'],
  ['read: non-numeric n', '+CREG: x,1', '+CREG: <n> "x" is not a number'],
  ['read: LAC not hex', '+CREG: 2,1,"XYZ","1234"', '+CREG: lac "XYZ" is not hexadecimal'],
  ['read: TAC not hex', '+CEREG: 2,1,"1G","1234",7', '+CEREG: tac "1G" is not hexadecimal'],
  ['read: CI not hex', '+CEREG: 2,1,"00A1","12:34",7', '+CEREG: ci "12:34" is not hexadecimal'],
  [
    'read: CI too long',
    '+C5GREG: 2,1,"01","123456789ABCDEF0",11',
    '+C5GREG: ci "123456789ABCDEF0" is not hexadecimal',
  ],
];

for (const [name, line, reason] of BAD) {
  test(`parseRegRead rejects: ${name}`, () => {
    assert.equal(parseRegRead(line), { ok: false, reason });
  });
}

test.run();
