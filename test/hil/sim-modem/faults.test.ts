import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type ActiveFaults,
  garbageBytes,
  planResponse,
  seededRandom,
  withFault,
  withoutFault,
} from '../../../hil/sim-modem/faults.js';
import { okReply, type Reply } from '../../../hil/sim-modem/reply.js';

const CSQ: Reply = okReply(['+CSQ: 20,99']);
const fixed = (): number => 0.25;

function faultsOf(...steps: [Parameters<typeof withFault>[1], unknown][]): ActiveFaults {
  let f: ActiveFaults = {};
  for (const [name, params] of steps) {
    const r = withFault(f, name, params);
    if (!r.ok) throw new Error(r.reason);
    f = r.value;
  }
  return f;
}

const text = (plan: ReturnType<typeof planResponse>): string[] =>
  plan.chunks.map((c) => (typeof c.data === 'string' ? c.data : `<${c.data.length} bytes>`));

test('no faults: echo, info lines, final, then the URCs the command caused', () => {
  const plan = planResponse(CSQ, 'AT+CSQ\r', ['+CEREG: 1'], {}, fixed);
  assert.equal(text(plan), ['AT+CSQ\r', '\r\n+CSQ: 20,99\r\n', '\r\nOK\r\n\r\n+CEREG: 1\r\n']);
  assert.equal(plan.faults, {});
  assert.is(plan.rebootSilentMs, null);
});

test('an ignored line gets only its echo', () => {
  const ignored: Reply = { ...okReply(), final: null };
  assert.equal(text(planResponse(ignored, 'hello\r', [], {}, fixed)), ['hello\r']);
});

test('crcrlf: every line ends CR CR LF', () => {
  const plan = planResponse(CSQ, null, [], faultsOf(['crcrlf', {}]), fixed);
  assert.equal(text(plan), ['\r\n+CSQ: 20,99\r\r\n', '\r\nOK\r\r\n']);
});

test('garbage: non-UTF-8 bytes before the response, repeatable with a seed', () => {
  const f = faultsOf(['garbage', { bytes: 16, seed: 7 }]);
  const plan = planResponse(CSQ, 'AT+CSQ\r', [], f, seededRandom(7));
  assert.equal(text(plan), ['AT+CSQ\r', '<16 bytes>', '\r\n+CSQ: 20,99\r\n', '\r\nOK\r\n']);
  const bytes = plan.chunks[1]?.data;
  assert.ok(Buffer.isBuffer(bytes));
  if (Buffer.isBuffer(bytes)) {
    assert.ok(bytes.every((b) => b >= 0x80));
    assert.ok(bytes.toString('utf8').includes('\ufffd'));
    assert.equal(bytes, garbageBytes(seededRandom(7), 16));
  }
});

test('urc-inside-response: between the info lines and the final, counted', () => {
  const f = faultsOf(['urc-inside-response', { line: '+CEREG: 5', count: 2 }]);
  const first = planResponse(CSQ, null, [], f, fixed);
  assert.equal(text(first), ['\r\n+CSQ: 20,99\r\n\r\n+CEREG: 5\r\n', '\r\nOK\r\n']);
  const noLines = planResponse(okReply(), null, [], first.faults, fixed);
  assert.equal(text(noLines), ['\r\nOK\r\n']);
  assert.equal(noLines.faults, { 'urc-inside-response': { line: '+CEREG: 5', remaining: 1 } });
  const second = planResponse(CSQ, null, [], noLines.faults, fixed);
  assert.equal(second.faults, {});
});

test('final-delayed: the final comes delayMs later, for count commands', () => {
  const f = faultsOf(['final-delayed', { count: 2, delayMs: 1500 }]);
  const plan = planResponse(CSQ, null, [], f, fixed);
  assert.equal(
    plan.chunks.map((c) => c.afterMs),
    [0, 1500],
  );
  assert.equal(plan.faults, { 'final-delayed': { remaining: 1, delayMs: 1500 } });
  assert.equal(planResponse(CSQ, null, [], plan.faults, fixed).faults, {});
});

test('final-dropped: info lines but no final; URCs still go out', () => {
  const f = faultsOf(['final-dropped', { count: 1 }]);
  const plan = planResponse(CSQ, 'AT+CSQ\r', ['+CREG: 2'], f, fixed);
  assert.equal(text(plan), ['AT+CSQ\r', '\r\n+CSQ: 20,99\r\n', '\r\n+CREG: 2\r\n']);
  assert.equal(plan.faults, {});
});

test('reboot-mid-command: half a response, then the reboot', () => {
  const f = faultsOf(['reboot-mid-command', { silentMs: 700 }]);
  const plan = planResponse(CSQ, 'AT+CSQ\r', [], f, fixed);
  assert.equal(text(plan), ['AT+CSQ\r', '\r\n+CSQ: 20']);
  assert.is(plan.rebootSilentMs, 700);
  assert.equal(plan.faults, {});
});

test('parameters: defaults and rejections', () => {
  assert.equal(faultsOf(['final-delayed', {}]), { 'final-delayed': { remaining: 1, delayMs: 2000 } });
  assert.equal(faultsOf(['urc-storm', {}]), { 'urc-storm': { perSecond: 10, lines: null } });
  assert.equal(faultsOf(['urc-inside-response', {}]), {
    'urc-inside-response': { line: '+CEREG: 1', remaining: null },
  });
  assert.equal(faultsOf(['sim-busy-after-cfun', {}]), { 'sim-busy-after-cfun': { durationMs: 3000 } });
  const bad = [
    withFault({}, 'final-delayed', { delayMs: -1 }),
    withFault({}, 'garbage', { bytes: 'many' }),
    withFault({}, 'urc-storm', { lines: [1, 2] }),
    withFault({}, 'port-vanish', {}),
    withFault({}, 'port-vanish', { nextLinkName: '../etc/passwd' }),
    withFault({}, 'silence', 'loud'),
  ];
  assert.equal(
    bad.map((r) => (r.ok ? 'ok' : r.reason)),
    [
      'delayMs: expected a number in 0..3600000',
      'bytes: expected a number in 1..4096',
      'lines: expected an array of strings',
      'nextLinkName: expected a file name such as ttyUSB3',
      'nextLinkName: expected a file name such as ttyUSB3',
      'params: expected an object',
    ],
  );
  assert.equal(withoutFault(faultsOf(['silence', {}], ['crcrlf', {}]), 'silence'), { crcrlf: true });
});

test.run();
