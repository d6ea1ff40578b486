import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  countBytes,
  emptyBudget,
  laneOfTopic,
  mayUseTelemetry,
  parseBudget,
  publishWireBytes,
} from '../../../agent/uplink/budget.js';

const DAY1 = Date.UTC(2026, 11, 1, 23, 59, 0);
const DAY2 = Date.UTC(2026, 11, 2, 0, 0, 1);

test('lanes follow the topic table', () => {
  assert.is(laneOfTopic('ztgw/gw-1/up/t'), 'telemetry');
  assert.is(laneOfTopic('ztgw/gw-1/up/audit'), 'audit');
  assert.is(laneOfTopic('ztgw/gw-1/up/alert'), 'alert');
  assert.is(laneOfTopic('ztgw/gw-1/up/state'), 'control');
});

test('MQTT wire size: header, varint, topic, packet id, payload and the PUBACK', () => {
  // 14-byte topic, 100-byte payload, QoS 1: 1 + 1 + (2 + 14 + 2 + 100) + 4.
  assert.is(publishWireBytes(14, 100, 1), 124);
  // Remaining length 130 needs a 2-byte varint.
  assert.is(publishWireBytes(14, 112, 1), 1 + 2 + 130 + 4);
  assert.is(publishWireBytes(14, 100, 0), 1 + 1 + 116);
});

test('counts per lane, and a new UTC day starts from zero', () => {
  let s = emptyBudget(DAY1);
  s = countBytes(s, 'telemetry', 500, DAY1);
  s = countBytes(s, 'telemetry', 250, DAY1);
  s = countBytes(s, 'audit', 40, DAY1);
  assert.equal(s.bytes, { telemetry: 750, audit: 40, alert: 0, control: 0 });
  assert.equal(s.publishes, { telemetry: 2, audit: 1, alert: 0, control: 0 });
  s = countBytes(s, 'alert', 10, DAY2);
  assert.is(s.day, '2026-12-02');
  assert.equal(s.bytes, { telemetry: 0, audit: 0, alert: 10, control: 0 });
});

test('the cap holds telemetry until the next UTC midnight', () => {
  const s = countBytes(emptyBudget(DAY1), 'telemetry', 900, DAY1);
  assert.equal(mayUseTelemetry(s, undefined, 10_000, DAY1), { ok: true });
  assert.equal(mayUseTelemetry(s, 1000, 100, DAY1), { ok: true });
  assert.equal(mayUseTelemetry(s, 1000, 101, DAY1), { ok: false, retryInMs: 60_000 });
  assert.equal(mayUseTelemetry(s, 1000, 101, DAY2), { ok: true });
});

test('a persisted budget is read back for the same day only, and junk starts from zero', () => {
  const s = countBytes(emptyBudget(DAY1), 'telemetry', 77, DAY1);
  const back = parseBudget(JSON.parse(JSON.stringify(s)), DAY1);
  assert.equal(back, s);
  assert.equal(parseBudget(JSON.parse(JSON.stringify(s)), DAY2), emptyBudget(DAY2));
  assert.equal(
    parseBudget({ day: '2026-12-01', bytes: { telemetry: -5, audit: 'x' } }, DAY1),
    emptyBudget(DAY1),
  );
  assert.equal(parseBudget(null, DAY1), emptyBudget(DAY1));
});

test.run();
