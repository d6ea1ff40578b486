import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { regShape } from '../../../../modem/at/parsers/reg-shape.js';

// Solicited/unsolicited pairs from ModemManager src/tests/test-modem-helpers.c (MM) and others.
const ROWS: ReadonlyArray<readonly [string, string, 'read' | 'urc' | 'ambiguous']> = [
  ['stat only', '+CEREG: 5', 'urc'],
  ['stat only, CREG=1 (MM)', '+CREG: 3', 'urc'],
  ['n,stat', '+CREG: 1,3', 'read'],
  ['n,stat on 5GS', '+C5GREG: 0,1', 'read'],
  ['Sierra Mercury read (MM)', '+CREG: 1,1,84CD,00D30173', 'read'],
  ['Sierra Mercury URC, 3 fields (MM)', '+CREG: 1,84CD,00D30156', 'urc'],
  ['Sony Ericsson K850i read (MM)', '+CREG: 2,1,"CE00","01CEAD8F"', 'read'],
  ['Sony Ericsson K850i URC, quoted LAC (MM)', '+CREG: 1,"CE00","00005449"', 'urc'],
  ['Huawei E160G read, both readings valid (MM)', '+CREG: 2,0,00,0', 'ambiguous'],
  ['Huawei E160G read (MM)', '+CREG: 2,1,8BE3,2BAF', 'read'],
  ['Huawei E160G URC (MM)', '+CREG: 1,8BE3,2BAF', 'urc'],
  ['Novatel XU870 URC with empty LAC/CI (MM)', '+CREG: 2,,', 'urc'],
  ['Iridium read, 3-digit zero padding (MM)', '+CREG:002,001,"18d8","ffff"', 'read'],
  ['read without leading zeros (MM)', '+CREG:2,1,0001,0010', 'read'],
  ['URC without leading zeros, 4-digit LAC (MM)', '+CREG: 1,0001,0010,0', 'urc'],
  ['URC with leading zeros (MM)', '+CREG: 001,"0001","0010",000', 'urc'],
  ['u-blox TOBY-L2 read (MM)', '+CREG: 2,6,"8B37","0A265185",7', 'read'],
  ['u-blox TOBY-L2 URC (MM)', '+CREG: 6,"8B37","0A265185",7', 'urc'],
  ['Ericsson F3607gw CGREG read (MM)', '+CGREG: 2,1,"8BE3","00002B5D",3', 'read'],
  ['Ericsson F3607gw CGREG URC (MM)', '+CGREG: 1,"8BE3","00002B5D",3', 'urc'],
  ['Alcatel X220D, random spaces (MM)', '+CGREG: 2,1, 81ED, 1A9CEB', 'read'],
  ['Samsung Wave S8500, junk after CI (MM)', '+CREG: 2,1,000B,2816, B, C2816', 'read'],
  ['CGREG URC with RAC (MM)', '+CGREG: 1,"1422","00000142",3,"00"', 'urc'],
  ['CEREG read with spaces (MM)', '+CEREG: 2,1, 1F00, 79D903 ,7', 'read'],
  ['u-blox SARA-R4 read', '+CEREG: 2,1,"3a9b","0000c33d",7', 'read'],
  ['u-blox SARA-R4 URC', '+CEREG: 1,"3a9b","0000c33d",7', 'urc'],
  ['empty optional fields', '+CEREG: 2,1,,,7', 'read'],
  ['CEREG=4 read with PSM timers', '+CEREG: 4,1,"0001","01A2D001",7,,,"00000000","00111000"', 'read'],
  ['CEREG=4 URC with PSM timers', '+CEREG: 1,"0001","01A2D001",7,,,"00000000","00111000"', 'urc'],
  ['C5GREG read', '+C5GREG: 2,1,"000001","000000010A2B3C4D",11,3,"01.000001;02"', 'read'],
  ['C5GREG URC', '+C5GREG: 1,"000001","000000010A2B3C4D",11', 'urc'],
  ['second field 12 cannot be a stat', '+CREG: 1,12,5678,7', 'urc'],
  ['second field 10 can be a stat, 34 a LAC, 7 a CI or AcT', '+CREG: 1,10,34,7', 'ambiguous'],
  ['not a registration line', '+CSQ: 20,99', 'urc'],
  ['empty', '', 'urc'],
  ['garbage', '+CEREG: \uFFFD,\uFFFD', 'urc'],
];

for (const [name, line, expected] of ROWS) {
  test(`regShape: ${name}`, () => {
    assert.is(regShape(line), expected);
  });
}

test.run();
