import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DEFAULT_RECOVERY,
  FRESH_RECOVERY,
  planRecovery,
  type RecoveryConfig,
  type RecoveryState,
  recordRecovery,
} from '../../../modem/service/recovery.js';

const HOUR = 3_600_000;
const withPower: RecoveryConfig = { ...DEFAULT_RECOVERY, hasPowerCycle: true };

/** Climbs the ladder failing every rung; returns the rungs and delays in order. */
function climb(cfg: RecoveryConfig, startMs = 0) {
  let s: RecoveryState = FRESH_RECOVERY;
  let now = startMs;
  const seen: string[] = [];
  for (let i = 0; i < 10; i++) {
    const p = planRecovery(s, now, cfg);
    if (p.kind === 'give-up') {
      seen.push('give-up');
      break;
    }
    seen.push(`${p.rung}+${p.delayMs}`);
    now += p.delayMs;
    s = recordRecovery(s, p.rung, false, now);
  }
  return seen;
}

test('the ladder climbs in order with doubling waits, then gives up', () => {
  assert.equal(climb(withPower), [
    'reprobe+0',
    'cfun-cycle+1000',
    'vendor-reset+2000',
    'reopen-port+4000',
    'power-cycle+8000',
    'give-up',
  ]);
});

test('without a power-cycle command the ladder stops after reopening the port', () => {
  const seen = climb(DEFAULT_RECOVERY);
  assert.equal(seen.at(-2), 'reopen-port+4000');
  assert.equal(seen.at(-1), 'give-up');
});

test('give-up names the rungs tried and the missing power-cycle hook', () => {
  const p = planRecovery({ failedRungs: 4, resetTimesMs: [] }, 0, DEFAULT_RECOVERY);
  assert.ok(p.kind === 'give-up');
  if (p.kind === 'give-up') {
    assert.match(p.reason, /reprobe → cfun-cycle → vendor-reset → reopen-port/);
    assert.match(p.reason, /no power-cycle command configured/);
  }
});

test('waits are capped at backoffMaxMs', () => {
  const cfg: RecoveryConfig = { ...withPower, backoffBaseMs: 40_000, backoffMaxMs: 50_000 };
  const p = planRecovery({ failedRungs: 3, resetTimesMs: [] }, 0, cfg);
  assert.ok(p.kind === 'run' && p.delayMs === 50_000);
});

test('a success starts the ladder over at the bottom', () => {
  const s = recordRecovery({ failedRungs: 3, resetTimesMs: [] }, 'reopen-port', true, 10);
  assert.is(s.failedRungs, 0);
  const p = planRecovery(s, 10, withPower);
  assert.ok(p.kind === 'run' && p.rung === 'reprobe');
});

test('never more resets per hour than configured: the next reset waits for the window', () => {
  const now = 10 * HOUR;
  const resets = [now - 50 * 60_000, now - 40 * 60_000, now - 30 * 60_000, now - 20 * 60_000];
  const p = planRecovery({ failedRungs: 1, resetTimesMs: resets }, now, DEFAULT_RECOVERY);
  assert.ok(p.kind === 'wait-reset-budget');
  if (p.kind === 'wait-reset-budget') assert.is(p.delayMs, 10 * 60_000); // oldest leaves the window in 10 min
});

test('resets older than an hour do not count; reprobe and reopen are not resets', () => {
  const now = 10 * HOUR;
  const old = [now - 2 * HOUR, now - 2 * HOUR, now - 2 * HOUR, now - 2 * HOUR];
  const p = planRecovery({ failedRungs: 1, resetTimesMs: old }, now, DEFAULT_RECOVERY);
  assert.ok(p.kind === 'run' && p.rung === 'cfun-cycle');
  const s = recordRecovery(FRESH_RECOVERY, 'reprobe', false, now);
  assert.equal(s.resetTimesMs, []);
  const s2 = recordRecovery(s, 'cfun-cycle', false, now);
  assert.equal(s2.resetTimesMs, [now]);
});

test('a port that is gone skips to reopening it, and the ladder still ends', () => {
  const p = planRecovery(FRESH_RECOVERY, 0, DEFAULT_RECOVERY, true);
  assert.ok(p.kind === 'run' && p.rung === 'reopen-port' && p.delayMs === 0);
  const after = recordRecovery(FRESH_RECOVERY, 'reopen-port', false, 0);
  const p2 = planRecovery(after, 0, DEFAULT_RECOVERY, true);
  assert.ok(p2.kind === 'run' && p2.rung === 'reopen-port' && p2.delayMs === 1000);
  const spent = { failedRungs: 4, resetTimesMs: [] };
  assert.is(planRecovery(spent, 0, DEFAULT_RECOVERY, true).kind, 'give-up');
});

test('a restricted ladder (the CLI: no resets) climbs only its rungs', () => {
  const cli: RecoveryConfig = { ...DEFAULT_RECOVERY, rungs: ['reprobe', 'reopen-port'] };
  assert.equal(climb(cli), ['reprobe+0', 'reopen-port+1000', 'give-up']);
  const gone = planRecovery(FRESH_RECOVERY, 0, { ...DEFAULT_RECOVERY, rungs: ['reprobe'] }, true);
  assert.ok(gone.kind === 'run' && gone.rung === 'reprobe');
});

test.run();
