import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseControlLine } from '../../../hil/sim-modem/control.js';
import { driftSignal } from '../../../hil/sim-modem/drift.js';

test('state patch with nested fields', () => {
  const r = parseControlLine(
    '{"state":{"sim":"pin","registration":{"eps":{"state":"roaming","tac":12}},"signal":{"csq":9},"networkTime":null,"vendorModes":{"ucged":2}}}',
  );
  assert.equal(r, {
    ok: true,
    value: {
      kind: 'state',
      patch: {
        sim: 'pin',
        registration: { eps: { tac: 12, state: 'roaming' } },
        signal: { csq: 9 },
        networkTime: null,
        vendorModes: { ucged: 2 },
      },
    },
  });
});

test('state patch: pdp and networkTime', () => {
  const r = parseControlLine(
    '{"state":{"pdp":[{"cid":1,"type":"IP","apn":"x"}],"networkTime":{"iso":"2026-12-01T19:05:23","tzQuarterHours":4}}}',
  );
  assert.equal(r, {
    ok: true,
    value: {
      kind: 'state',
      patch: {
        pdp: [{ cid: 1, type: 'IP', apn: 'x', isActive: false, addresses: [] }],
        networkTime: { iso: '2026-12-01T19:05:23', tzQuarterHours: 4 },
      },
    },
  });
});

test('fault, clear, urc', () => {
  assert.equal(parseControlLine('{"fault":"final-delayed","params":{"delayMs":50}}'), {
    ok: true,
    value: { kind: 'fault', name: 'final-delayed', params: { delayMs: 50 } },
  });
  assert.equal(parseControlLine('{"fault":"silence"}'), {
    ok: true,
    value: { kind: 'fault', name: 'silence', params: {} },
  });
  assert.equal(parseControlLine('{"clear":"silence"}'), {
    ok: true,
    value: { kind: 'clear', name: 'silence' },
  });
  assert.equal(parseControlLine('{"urc":"+CEREG: 5"}'), {
    ok: true,
    value: { kind: 'urc', line: '+CEREG: 5' },
  });
});

test('bad lines say what is wrong', () => {
  const reasons = [
    'not json',
    '[1]',
    '{"state":{"simm":"pin"}}',
    '{"state":{"sim":"gone"}}',
    '{"state":{"registration":{"lte":{}}}}',
    '{"state":{"registration":{"eps":{"state":"home","lac":"1"}}}}',
    '{"state":{"networkTime":{"iso":"yesterday","tzQuarterHours":0}}}',
    '{"fault":"melt"}',
    '{"fault":"final-delayed","params":{"delayMs":"soon"}}',
    '{"clear":"melt"}',
    '{"hello":1}',
  ].map((l) => {
    const r = parseControlLine(l);
    return r.ok ? 'ok' : r.reason;
  });
  assert.equal(reasons, [
    'not JSON: not json',
    'expected a JSON object',
    'state.simm: unknown field',
    'state.sim: expected ready | pin | puk | absent',
    'state.registration.lte: unknown domain',
    'state.registration.eps.lac: expected a number',
    'state.networkTime: expected null or { iso: "YYYY-MM-DDThh:mm:ss", tzQuarterHours }',
    'fault: unknown name "melt"',
    'fault final-delayed: delayMs: expected a number in 0..3600000',
    'clear: unknown fault "melt"',
    'expected one of "state", "fault", "clear", "urc"',
  ]);
});

test('drift moves each value by at most one step and stays in range', () => {
  const s = { csq: 31, rsrpDbm: -70, rsrqDb: -5, sinrDb: 25 };
  assert.equal(
    driftSignal(s, () => 0.99),
    { csq: 31, rsrpDbm: -70, rsrqDb: -5, sinrDb: 25 },
  );
  assert.equal(
    driftSignal(s, () => 0),
    { csq: 30, rsrpDbm: -71, rsrqDb: -6, sinrDb: 24 },
  );
  assert.equal(driftSignal({ ...s, csq: 99 }, () => 0).csq, 99);
});

test.run();
