import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type ClockInputs, decideClock, EARLIEST_PLAUSIBLE_MS } from '../../../agent/identity/clock-trust.js';

const NOT_BEFORE = Date.UTC(2026, 10, 30, 12);
const NETWORK = Date.UTC(2026, 11, 1, 19, 5, 23);
const base: ClockInputs = {
  nowMs: Date.UTC(1970, 0, 1, 0, 0, 5),
  certNotBeforeMs: NOT_BEFORE,
  networkTimeMs: NETWORK,
  networkTimeAgeMs: 2000,
  maxNetworkTimeAgeMs: 86_400_000,
  mayStepClock: true,
};

test('a clock after notBefore is trusted', () => {
  assert.equal(decideClock({ ...base, nowMs: NETWORK }), { kind: 'trusted' });
});

test('booted in 1970 with network time and permission: step to network time plus its age', () => {
  const d = decideClock(base);
  assert.is(d.kind, 'step');
  if (d.kind === 'step') {
    assert.is(d.toMs, NETWORK + 2000);
    assert.match(
      d.reason,
      /1970-01-01T00:00:05.000Z\) is before the certificate's notBefore \(2026-11-30T12:00:00.000Z\)/,
    );
  }
});

test('not allowed to step: wait, and say the network time and the setting', () => {
  const d = decideClock({ ...base, mayStepClock: false });
  assert.is(d.kind, 'wait');
  if (d.kind === 'wait')
    assert.match(d.reason, /network says 2026-12-01T19:05:25.000Z but clock.mayStepClock is false/);
});

test('no network time yet, or too old, or itself in the past: wait with the reason', () => {
  const a = decideClock({ ...base, networkTimeMs: null });
  assert.ok(a.kind === 'wait' && /no network time from the modem yet/.test(a.reason));
  const b = decideClock({ ...base, networkTimeAgeMs: 90_000_000 });
  assert.ok(b.kind === 'wait' && /network time is 90000 s old/.test(b.reason));
  const c = decideClock({ ...base, networkTimeMs: Date.UTC(1980, 0, 6), networkTimeAgeMs: 0 });
  assert.ok(c.kind === 'wait' && /and so is the network time \(1980-01-06/.test(c.reason));
});

test('without a certificate the floor is the earliest plausible time', () => {
  const d = decideClock({ ...base, certNotBeforeMs: null, mayStepClock: false });
  assert.ok(d.kind === 'wait' && d.reason.includes(new Date(EARLIEST_PLAUSIBLE_MS).toISOString()));
  assert.equal(decideClock({ ...base, certNotBeforeMs: null, nowMs: EARLIEST_PLAUSIBLE_MS }), {
    kind: 'trusted',
  });
});

test.run();
