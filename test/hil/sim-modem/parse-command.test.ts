import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { intArg, parseCommand, splitArgs } from '../../../hil/sim-modem/parse-command.js';

test('extended forms: read, test, set, exec', () => {
  assert.equal(parseCommand('AT+CREG?'), {
    raw: 'AT+CREG?',
    body: '+CREG?',
    name: '+CREG',
    form: 'read',
    args: [],
  });
  assert.is(parseCommand('AT+CREG=?')?.form, 'test');
  assert.equal(parseCommand('AT+CREG=2')?.args, ['2']);
  assert.is(parseCommand('AT+CIMI')?.form, 'exec');
});

test('case: names are upper-cased, quoted strings keep their case', () => {
  const c = parseCommand('at+cgdcont=1,"IP","Internet.Telekom"');
  assert.is(c?.name, '+CGDCONT');
  assert.equal(c?.args, ['1', 'IP', 'Internet.Telekom']);
  assert.is(c?.body, '+CGDCONT=1,"IP","Internet.Telekom"');
});

test('vendor prefixes ! and #', () => {
  assert.is(parseCommand('AT!GSTATUS?')?.name, '!GSTATUS');
  assert.is(parseCommand('AT#RFSTS')?.name, '#RFSTS');
  assert.is(parseCommand('AT+QENG="servingcell"')?.form, 'set');
});

test('basic commands keep their body as name', () => {
  assert.is(parseCommand('ATE0')?.name, 'E0');
  assert.is(parseCommand('ATS7=45')?.body, 'S7=45');
  assert.is(parseCommand('AT')?.body, '');
  assert.is(parseCommand('  AT  \n')?.raw, 'AT');
});

test('not a command', () => {
  assert.is(parseCommand('OK'), null);
  assert.is(parseCommand(''), null);
  assert.is(parseCommand('\u00ff\u00feAT'), null);
});

test('splitArgs and intArg', () => {
  assert.equal(splitArgs('1,"a,b", 3'), ['1', 'a,b', '3']);
  assert.equal(splitArgs(''), []);
  assert.equal(splitArgs('1,,2'), ['1', '', '2']);
  assert.is(intArg(['7'], 0), 7);
  assert.is(intArg(['-1'], 0), null);
  assert.is(intArg(['x'], 0), null);
  assert.is(intArg([], 0), null);
});

test.run();
