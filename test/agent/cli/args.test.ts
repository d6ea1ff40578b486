import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { intFlag, parseArgs } from '../../../agent/cli/args.js';
import { hasCode } from '../../../modem/errors.js';

const SPEC = { values: ['port', 'baud'], booleans: ['json'] };

test('values, booleans, positionals, = form and --', () => {
  const a = parseArgs(['--port', '/dev/ttyUSB2', '--json', 'AT+CSQ', '--baud=9600', '--', '--json'], SPEC);
  assert.is(a.values.get('port'), '/dev/ttyUSB2');
  assert.is(a.values.get('baud'), '9600');
  assert.ok(a.booleans.has('json'));
  assert.equal(a.positionals, ['AT+CSQ', '--json']);
});

test('unknown option and missing value are usage errors naming the flag', () => {
  try {
    parseArgs(['--prot', 'x'], SPEC);
    assert.unreachable();
  } catch (e) {
    assert.ok(hasCode(e, 'CLI_USAGE'));
    assert.match(String(e), /--prot/);
  }
  assert.throws(() => parseArgs(['--port'], SPEC), /--port needs a value/);
  assert.throws(() => parseArgs(['--json=1'], SPEC), /takes no value/);
});

test('intFlag checks digits and range', () => {
  const a = parseArgs(['--baud', '12x'], SPEC);
  assert.throws(() => intFlag(a, 'baud', 1, 1, 10), /whole number/);
  const b = parseArgs(['--baud', '99'], SPEC);
  assert.throws(() => intFlag(b, 'baud', 1, 1, 10), /between 1 and 10/);
  assert.is(intFlag(parseArgs([], SPEC), 'baud', 7, 1, 10), 7);
});

test.run();
