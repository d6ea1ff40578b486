import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lookupCme, lookupCms } from '../../../../modem/at/cme.js';
import { luhnValid } from '../../../../modem/at/luhn.js';
import {
  combineRegistration,
  formatIpv6,
  normaliseAddress,
  parseAti,
  parseCclk,
  parseCesq,
  parseCfun,
  parseCgact,
  parseCgdcont,
  parseCgmi,
  parseCgmm,
  parseCgmr,
  parseCgpaddr,
  parseCgsn,
  parseCimi,
  parseCops,
  parseCpin,
  parseCrsmIccid,
  parseCsq,
  parseIccid,
  parseRegRead,
  parseRegUrc,
  regShape,
} from '../../../../modem/at/parsers/index.js';
import type { Result } from '../../../../modem/at/result.js';
import type { RegInfo } from '../../../../modem/at/types.js';

const LINE_PARSERS: ReadonlyArray<readonly [string, (lines: readonly string[]) => Result<unknown>]> = [
  ['parseCsq', parseCsq],
  ['parseCesq', parseCesq],
  ['parseCops', parseCops],
  ['parseCpin', parseCpin],
  ['parseIccid', parseIccid],
  ['parseCrsmIccid', parseCrsmIccid],
  ['parseCimi', parseCimi],
  ['parseCgsn', parseCgsn],
  ['parseCgmi', parseCgmi],
  ['parseCgmm', parseCgmm],
  ['parseCgmr', parseCgmr],
  ['parseCgdcont', parseCgdcont],
  ['parseCgact', parseCgact],
  ['parseCgpaddr', parseCgpaddr],
  ['parseCfun', parseCfun],
  ['parseCclk', parseCclk],
];

const PREFIXES = [
  '+CSQ:',
  '+CESQ:',
  '+COPS:',
  '+CPIN:',
  '+CCID:',
  '+QCCID:',
  '^ICCID:',
  '+CRSM:',
  '+CIMI:',
  '+CGSN:',
  'IMEI:',
  '+CGMI:',
  'Model:',
  'Revision:',
  '+CGDCONT:',
  '+CGACT:',
  '+CGPADDR:',
  '+CFUN:',
  '+CCLK:',
  '+CREG:',
  '+CGREG:',
  '+CEREG:',
  '+C5GREG:',
  '',
];

/** Characters modem lines are made of, plus a few that should never be there. */
const atChar = fc.constantFrom(...'0123456789abcdefABCDEFxF,". :/+-()\t\r\u0000\uFFFD'.split(''));
const field = fc.oneof(
  fc.integer({ min: -300, max: 70000 }).map(String),
  fc.string({ unit: atChar, maxLength: 24 }),
  fc.string({ unit: atChar, maxLength: 20 }).map((s) => `"${s}"`),
  fc.constantFrom('99', '255', '', '""', '"0.0.0.0"', '"32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.1"', '1e3', 'NaN'),
);
const atLine = fc
  .tuple(fc.constantFrom(...PREFIXES), fc.constantFrom('', ' ', '  '), fc.array(field, { maxLength: 10 }))
  .map(([prefix, space, fields]) => `${prefix}${space}${fields.join(',')}`);
const anyLine = fc.oneof(atLine, fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ maxLength: 40 }));
const anyLines = fc.array(anyLine, { maxLength: 6 });

function isResult(r: Result<unknown>): boolean {
  return r.ok ? 'value' in r : typeof r.reason === 'string' && r.reason.length > 0;
}

for (const [name, parse] of LINE_PARSERS) {
  test(`${name} never throws and always returns a Result`, () => {
    fc.assert(
      fc.property(anyLines, (lines) => isResult(parse(lines))),
      { numRuns: 600 },
    );
  });
}

test('parseAti never throws and always returns three fields', () => {
  fc.assert(
    fc.property(anyLines, (lines) => {
      const ident = parseAti(lines);
      return Object.keys(ident).sort().join() === 'manufacturer,model,revision';
    }),
    { numRuns: 600 },
  );
});

test('registration parsers and regShape never throw; forms are what they say', () => {
  fc.assert(
    fc.property(anyLine, (line) => {
      const read = parseRegRead(line);
      const urc = parseRegUrc(line);
      const shape = regShape(line);
      return (
        isResult(read) &&
        isResult(urc) &&
        (!read.ok || read.value.form === 'read') &&
        (!urc.ok || urc.value.form === 'urc') &&
        ['read', 'urc', 'ambiguous'].includes(shape)
      );
    }),
    { numRuns: 2000 },
  );
});

test('combineRegistration never throws on parsed lines', () => {
  fc.assert(
    fc.property(fc.array(anyLine, { maxLength: 8 }), (lines) => {
      const infos: RegInfo[] = [];
      for (const line of lines) {
        const r = regShape(line) === 'read' ? parseRegRead(line) : parseRegUrc(line);
        if (r.ok) infos.push(r.value);
      }
      const combined = combineRegistration(infos);
      const registered = infos.some((i) => i.state === 'home' || i.state === 'roaming');
      return registered === (combined.state === 'home' || combined.state === 'roaming');
    }),
    { numRuns: 1000 },
  );
});

test('error tables and Luhn never throw', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
      const cme = lookupCme(s);
      const cms = lookupCms(s);
      return (
        typeof cme.name === 'string' && typeof cms.name === 'string' && typeof luhnValid(s) === 'boolean'
      );
    }),
    { numRuns: 1000 },
  );
});

test('IPv6 text is stable: RFC 5952 output parses back to itself', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }),
      (groups) => {
        const text = formatIpv6(groups);
        assert.equal(normaliseAddress(text), [text]);
        return true;
      },
    ),
    { numRuns: 1000 },
  );
});

test.run();
