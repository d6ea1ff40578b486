import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCfun } from '../../../../modem/at/parsers/cfun.js';
import type { CfunInfo } from '../../../../modem/at/types.js';

const GOOD: ReadonlyArray<readonly [string, readonly string[], CfunInfo]> = [
  ['full', ['+CFUN: 1'], { fun: 1, mode: 'full' }],
  ['minimum', ['+CFUN: 0'], { fun: 0, mode: 'minimum' }],
  ['flight mode', ['+CFUN: 4'], { fun: 4, mode: 'rf-off' }],
  ['transmit off only', ['+CFUN: 2'], { fun: 2, mode: 'other' }],
  ['Quectel receive-only 7', ['+CFUN: 7'], { fun: 7, mode: 'other' }],
  ['with a second value', ['+CFUN: 1,0'], { fun: 1, mode: 'full' }],
  ['no space, lower case', ['+cfun:4'], { fun: 4, mode: 'rf-off' }],
  [
    'after other lines (SIM300 boot: RDY, +CPIN, +CFUN; edaboard.com)',
    ['RDY', '+CFUN: 1'],
    { fun: 1, mode: 'full' },
  ],
];

for (const [name, lines, expected] of GOOD) {
  test(`parseCfun: ${name}`, () => {
    assert.equal(parseCfun(lines), { ok: true, value: expected });
  });
}

const BAD: ReadonlyArray<readonly [string, readonly string[], string]> = [
  ['no line', ['OK'], '+CFUN: no +CFUN line in the response'],
  ['empty', ['+CFUN:'], '+CFUN: <fun> "" is not a number'],
  ['text', ['+CFUN: on'], '+CFUN: <fun> "on" is not a number'],
  ['negative', ['+CFUN: -1'], '+CFUN: <fun> -1 out of range 0..255'],
  ['too big', ['+CFUN: 300'], '+CFUN: <fun> 300 out of range 0..255'],
  ['garbage', ['+CFUN: \uFFFD'], '+CFUN: <fun> "\uFFFD" is not a number'],
];

for (const [name, lines, reason] of BAD) {
  test(`parseCfun rejects: ${name}`, () => {
    assert.equal(parseCfun(lines), { ok: false, reason });
  });
}

test.run();
