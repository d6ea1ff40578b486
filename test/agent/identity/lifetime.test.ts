import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { certLifetime, DAY_MS } from '../../../agent/identity/lifetime.js';

const NB = Date.UTC(2026, 0, 1);
const NA = NB + 90 * DAY_MS;
const ROTATE = NB + 60 * DAY_MS;

test('warnings by time left, rotation at 2/3', () => {
  const at = (nowMs: number) => {
    const l = certLifetime(NB, NA, nowMs);
    return [l.warning, l.isRotationDue, l.remainingMs];
  };
  assert.equal(at(NB - 1), ['not-yet-valid', false, 90 * DAY_MS + 1]);
  assert.equal(at(NB), [null, false, 90 * DAY_MS]);
  assert.equal(at(ROTATE - 1), [null, false, 30 * DAY_MS + 1]);
  assert.equal(at(ROTATE), ['30d', true, 30 * DAY_MS]);
  assert.equal(at(NA - 7 * DAY_MS - 1), ['30d', true, 7 * DAY_MS + 1]);
  assert.equal(at(NA - 7 * DAY_MS), ['7d', true, 7 * DAY_MS]);
  assert.equal(at(NA - DAY_MS), ['1d', true, DAY_MS]);
  assert.equal(at(NA), ['1d', true, 0]);
  assert.equal(at(NA + 1), ['expired', true, -1]);
  assert.is(certLifetime(NB, NA, NB).rotationAtMs, ROTATE);
});

test('more than 30 days left: no warning, even when rotation is due', () => {
  const nb = NB;
  const na = NB + 365 * DAY_MS;
  const l = certLifetime(nb, na, nb + 250 * DAY_MS);
  assert.equal(l, {
    remainingMs: 115 * DAY_MS,
    warning: null,
    isRotationDue: true,
    rotationAtMs: nb + 243 * DAY_MS + Math.floor(DAY_MS / 3),
  });
});

test('inverted validity is never valid', () => {
  assert.is(certLifetime(NA, NB, NB - 1).warning, 'not-yet-valid');
  assert.is(certLifetime(NA, NB, NA + 1).warning, 'expired');
});

test('non-finite input is a programmer error', () => {
  assert.throws(() => certLifetime(Number.NaN, NA, NB), TypeError);
});

test.run();
