import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type CommandAction,
  type CommandInput,
  expectedPrefix,
  startCommand,
  stepCommand,
} from '../../../modem/at/command-machine.js';
import { type Dialect, GENERIC_DIALECT } from '../../../modem/at/urc.js';

const QUECTEL: Dialect = { finals: [{ line: 'SEND OK', isSuccess: true }], urcPrefixes: ['+QIND:', 'RDY'] };

/** Runs a command through the machine; returns the actions in order. */
function run(
  command: string,
  inputs: Array<string | CommandInput>,
  dialect = GENERIC_DIALECT,
  payload: string | null = null,
) {
  let state = startCommand(command, payload);
  const actions: CommandAction[] = [];
  for (const i of inputs) {
    const step = stepCommand(state, typeof i === 'string' ? { kind: 'line', text: i } : i, dialect);
    state = step.state;
    actions.push(...step.actions);
  }
  return { state, actions };
}

const done = (r: ReturnType<typeof run>) => r.actions.find((a) => a.kind === 'done');
const urcs = (r: ReturnType<typeof run>) =>
  r.actions.filter((a) => a.kind === 'urc').map((a) => (a.kind === 'urc' ? a.line : ''));

test('expected prefix from the command text', () => {
  assert.is(expectedPrefix('AT+CSQ'), '+CSQ:');
  assert.is(expectedPrefix('AT+CREG?'), '+CREG:');
  assert.is(expectedPrefix('AT+COPS=3,2'), '+COPS:');
  assert.is(expectedPrefix('AT!GSTATUS?'), '!GSTATUS:');
  assert.is(expectedPrefix('AT#RFSTS'), '#RFSTS:');
  assert.is(expectedPrefix('AT+QENG="servingcell"'), '+QENG:');
  assert.is(expectedPrefix('ATI'), null);
});

test('echo is stripped even when the modem ignores ATE0', () => {
  const r = run('AT+CSQ', ['AT+CSQ', '+CSQ: 17,99', 'OK']);
  const d = done(r);
  assert.ok(d && d.kind === 'done');
  if (d?.kind === 'done') assert.equal(d.lines, ['+CSQ: 17,99']);
  assert.ok(r.state.hasEcho);
});

test('echo with different spacing or case is still echo', () => {
  const d = done(run('AT+CGDCONT=1,"IP","internet"', ['at+cgdcont=1, "IP","internet"', 'OK']));
  if (d?.kind === 'done') assert.equal(d.lines, []);
  else assert.unreachable('no done');
});

test('a URC between the info lines and OK is handed out, not kept', () => {
  const r = run('AT+CGDCONT?', [
    '+CGDCONT: 1,"IP","internet","0.0.0.0",0,0',
    '+CEREG: 5,"1A2B","01A2B3C4",7',
    '+CGDCONT: 2,"IPV6","ims","",0,0',
    'OK',
  ]);
  assert.equal(urcs(r), ['+CEREG: 5,"1A2B","01A2B3C4",7']);
  const d = done(r);
  if (d?.kind === 'done') assert.is(d.lines.length, 2);
  else assert.unreachable('no done');
});

test('+CREG read answer vs URC: read shape kept, URC shape handed out', () => {
  const r = run('AT+CREG?', ['+CREG: 1,"00A1","1234ABC",7', '+CREG: 2,1,"00A1","1234ABC",7', 'OK']);
  assert.equal(urcs(r), ['+CREG: 1,"00A1","1234ABC",7']);
  const d = done(r);
  if (d?.kind === 'done') assert.equal(d.lines, ['+CREG: 2,1,"00A1","1234ABC",7']);
  else assert.unreachable('no done');
});

test('+CEREG: a second +CEREG line after the answer is a URC', () => {
  const r = run('AT+CEREG?', ['+CEREG: 2,1,"1A2B","01A2B3C4",7', '+CEREG: 2', 'OK']);
  assert.equal(urcs(r), ['+CEREG: 2']);
});

test('+CREG URC while another command runs is a URC', () => {
  const r = run('AT+CSQ', ['+CREG: 5', '+CSQ: 20,99', 'OK']);
  assert.equal(urcs(r), ['+CREG: 5']);
});

test('+CPIN: READY is the answer to AT+CPIN? but a URC during other commands', () => {
  const a = run('AT+CPIN?', ['+CPIN: READY', 'OK']);
  assert.equal(urcs(a), []);
  const b = run('AT+CGMM', ['+CPIN: READY', 'EC25', 'OK']);
  assert.equal(urcs(b), ['+CPIN: READY']);
});

test('vendor URCs and finals come from the dialect', () => {
  const r = run('AT+QISEND=0,5', ['+QIND: SMS DONE', 'RDY', 'SEND OK'], QUECTEL);
  assert.equal(urcs(r), ['+QIND: SMS DONE', 'RDY']);
  const d = done(r);
  assert.ok(d?.kind === 'done' && d.final.kind === 'ok');
});

test('a vendor prefix that is not a URC is an answer line (SIMCom +ICCID to AT+CICCID)', () => {
  const d = done(run('AT+CICCID', ['+ICCID: 89860318760206501234', 'OK']));
  if (d?.kind === 'done') assert.equal(d.lines, ['+ICCID: 89860318760206501234']);
  else assert.unreachable('no done');
});

test('+CME ERROR and +CMS ERROR end the command with their codes', () => {
  const d = done(run('AT+CPIN?', ['+CME ERROR: 10']));
  assert.ok(d?.kind === 'done' && d.final.kind === 'cme' && d.final.code === 10);
  const v = done(run('AT+CPIN?', ['+CME ERROR: SIM not inserted']));
  assert.ok(v?.kind === 'done' && v.final.kind === 'cme' && v.final.code === 10);
  const s = done(run('AT+CMGS=20', ['+CMS ERROR: 500']));
  assert.ok(s?.kind === 'done' && s.final.kind === 'cms' && s.final.code === 500);
});

test('noise lines (not UTF-8, no letters or digits) are dropped and counted', () => {
  const r = run('AT+CGMI', ['\uFFFD\uFFFD\uFFFD', '\uFFFDQuectel', 'OK']);
  const d = done(r);
  if (d?.kind === 'done') assert.equal(d.lines, ['Quectel']);
  else assert.unreachable('no done');
  assert.is(r.state.noiseLines, 1);
});

test('prompt: payload written once, its echo dropped, then the final', () => {
  const r = run(
    'AT+CMGS=23',
    ['AT+CMGS=23', { kind: 'prompt' }, '0011000B91', '+CMGS: 12', 'OK'],
    GENERIC_DIALECT,
    '0011000B91',
  );
  const kinds = r.actions.map((a) => a.kind);
  assert.equal(kinds, ['write-payload', 'done']);
  const d = done(r);
  if (d?.kind === 'done') assert.equal(d.lines, ['+CMGS: 12']);
});

test('timeout phases: nothing at all → echo; echo or lines seen → final; prompt missing → prompt', () => {
  const phase = (r: ReturnType<typeof run>) => {
    const t = r.actions.find((a) => a.kind === 'timed-out');
    return t?.kind === 'timed-out' ? t.phase : null;
  };
  assert.is(phase(run('AT', [{ kind: 'timeout' }])), 'echo');
  assert.is(phase(run('AT+CSQ', ['AT+CSQ', { kind: 'timeout' }])), 'final');
  assert.is(phase(run('AT+CSQ', ['+CSQ: 1,2', { kind: 'timeout' }])), 'final');
  assert.is(phase(run('AT+CMGS=5', [{ kind: 'timeout' }], GENERIC_DIALECT, 'ABCDE')), 'prompt');
});

test('CONNECT with a rate is a success final', () => {
  const d = done(run('ATD*99#', ['CONNECT 150000000']));
  assert.ok(d?.kind === 'done' && d.final.kind === 'connect');
});

test.run();
