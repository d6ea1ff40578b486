/**
 * Lane priority: telemetry waits behind unacknowledged audit records and pending alerts, for at
 * most maxHoldMs in one go. The decision is pure (time is an argument); the shell is run against a
 * fake backlog and a fake publish.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type AheadOfTelemetry,
  DEFAULT_HOLD,
  decideHold,
  type HoldState,
  NO_HOLD,
  TelemetryHold,
} from '../../../agent/daemon/telemetry-hold.js';
import { hasCode } from '../../../modem/errors.js';

const CLEAR: AheadOfTelemetry = { auditBacklogRecords: 0, pendingAlerts: 0 };
const AUDIT: AheadOfTelemetry = { auditBacklogRecords: 3, pendingAlerts: 0 };
const OPTS = { ...DEFAULT_HOLD, maxHoldMs: 1000, recheckMs: 50 };

test('nothing ahead: telemetry goes, and no hold is counted', () => {
  const r = decideHold(NO_HOLD, CLEAR, OPTS, 0);
  assert.equal(r.decision, { isHeld: false });
  assert.equal(r.state, NO_HOLD);
});

test('audit records ahead beyond the bound hold telemetry; at or under it they do not', () => {
  const opts = { ...OPTS, maxAuditBacklogRecords: 2 };
  assert.is(
    decideHold(NO_HOLD, { auditBacklogRecords: 2, pendingAlerts: 0 }, opts, 0).decision.isHeld,
    false,
  );
  const r = decideHold(NO_HOLD, { auditBacklogRecords: 3, pendingAlerts: 0 }, opts, 0);
  assert.equal(r.decision, { isHeld: true, reasons: ['audit'], recheckInMs: 50 });
  assert.is(r.state.holds, 1);
});

test('one pending alert holds telemetry; both reasons are named', () => {
  const r = decideHold(NO_HOLD, { auditBacklogRecords: 1, pendingAlerts: 1 }, OPTS, 0);
  assert.equal(r.decision, { isHeld: true, reasons: ['audit', 'alerts'], recheckInMs: 50 });
});

test('a hold lasts at most maxHoldMs, then telemetry goes until the backlog has cleared once', () => {
  let s: HoldState = NO_HOLD;
  const at = (nowMs: number, ahead: AheadOfTelemetry) => {
    const r = decideHold(s, ahead, OPTS, nowMs);
    s = r.state;
    return r.decision;
  };
  assert.is(at(0, AUDIT).isHeld, true);
  assert.is(s.heldSinceMs, 0);
  const late = at(980, AUDIT);
  assert.equal(late, { isHeld: true, reasons: ['audit'], recheckInMs: 20 }, 'the recheck stops at the bound');
  assert.is(at(1000, AUDIT).isHeld, false, 'the bound reached: released');
  assert.equal(s, { heldSinceMs: null, hasExpired: true, holds: 1, expired: 1 });
  assert.is(at(5000, AUDIT).isHeld, false, 'the same backlog does not hold again');
  assert.is(at(5001, CLEAR).isHeld, false);
  assert.is(s.hasExpired, false, 'cleared once: the next backlog holds again');
  assert.is(at(6000, AUDIT).isHeld, true);
  assert.is(s.holds, 2);
});

test('a hold that clears before the bound is not counted as expired', () => {
  let s = decideHold(NO_HOLD, AUDIT, OPTS, 0).state;
  s = decideHold(s, CLEAR, OPTS, 10).state;
  assert.equal(s, { heldSinceMs: null, hasExpired: false, holds: 1, expired: 0 });
});

/** A publish that records the order it was called in. */
function recorder() {
  const calls: string[] = [];
  return {
    calls,
    publish: async (topic: string): Promise<void> => {
      calls.push(topic);
    },
  };
}

async function until(isDone: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!isDone()) {
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

test('shell: publishes wait in order while audit is ahead, and go once it is acknowledged', async () => {
  let ahead = AUDIT;
  const hold = new TelemetryHold({ ahead: () => ahead, nowMs: () => 0, options: { recheckMs: 1 } });
  const r = recorder();
  const publish = hold.gate(r.publish);
  const done = [publish('t1'), publish('t2')];
  await new Promise((res) => setTimeout(res, 20));
  assert.equal(r.calls, [], 'nothing goes while audit records wait');
  assert.equal(hold.status().heldBundles, 2);
  assert.equal(hold.status().reasons, ['audit']);
  ahead = CLEAR;
  await Promise.all(done);
  assert.equal(r.calls, ['t1', 't2']);
  await publish('t3');
  assert.equal(r.calls, ['t1', 't2', 't3'], 'nothing ahead: at once');
  assert.is(hold.status().heldBundles, 0);
  assert.is(hold.status().holds, 1);
  hold.stop();
});

test('shell: a hold past maxHoldMs lets telemetry go (no starvation) and counts it', async () => {
  let nowMs = 0;
  const hold = new TelemetryHold({
    ahead: () => ({ auditBacklogRecords: 0, pendingAlerts: 1 }),
    nowMs: () => nowMs,
    options: { maxHoldMs: 100, recheckMs: 1 },
  });
  const r = recorder();
  const p = hold.gate(r.publish)('t1');
  await new Promise((res) => setTimeout(res, 10));
  assert.equal(r.calls, []);
  nowMs = 100;
  await p;
  assert.equal(r.calls, ['t1']);
  assert.is(hold.status().expired, 1);
  hold.stop();
});

test('shell: stop rejects what is held with UPLINK_CLOSED and leaves no timer', async () => {
  const hold = new TelemetryHold({ ahead: () => AUDIT, nowMs: () => 0, options: { recheckMs: 1 } });
  const r = recorder();
  const p = hold.gate(r.publish)('t1');
  await until(() => hold.status().heldBundles === 1, 'held bundle');
  hold.stop();
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(hasCode(err, 'UPLINK_CLOSED'), String(err));
  assert.equal(r.calls, []);
});

test.run();
