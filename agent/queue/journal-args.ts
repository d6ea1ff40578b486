/**
 * Checks of the arguments callers pass to the journal, pure: a wrong lane, payload, time or limit
 * is a caller's mistake, answered with a TypeError that names it.
 */
import { LANES, type Lane } from './journal-types.js';

export function isLane(lane: unknown): lane is Lane {
  return typeof lane === 'string' && LANES.some((l) => l === lane);
}

export function appendArgsProblem(
  lane: unknown,
  payload: unknown,
  atMs: unknown,
  maxRecordBytes: number,
): TypeError | null {
  if (!isLane(lane)) return new TypeError(`unknown journal lane ${String(lane)}`);
  if (!(payload instanceof Uint8Array)) return new TypeError('journal payload must be a Uint8Array');
  if (payload.length > maxRecordBytes) {
    return new TypeError(
      `journal payload of ${payload.length} bytes is over maxRecordBytes ${maxRecordBytes}`,
    );
  }
  if (typeof atMs !== 'number' || !Number.isFinite(atMs)) {
    return new TypeError(`journal record time must be a finite number of ms, got ${String(atMs)}`);
  }
  return null;
}

export function readArgsProblem(
  lane: unknown,
  afterSeq: unknown,
  maxRecords: unknown,
  maxBytes: unknown,
): TypeError | null {
  if (!isLane(lane)) return new TypeError(`unknown journal lane ${String(lane)}`);
  const isCount = (v: unknown, min: number): boolean =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
  if (!isCount(afterSeq, 0))
    return new TypeError(`read afterSeq must be a whole number ≥ 0, got ${String(afterSeq)}`);
  if (!isCount(maxRecords, 1)) return new TypeError(`read maxRecords must be ≥ 1, got ${String(maxRecords)}`);
  if (!isCount(maxBytes, 1)) return new TypeError(`read maxBytes must be ≥ 1, got ${String(maxBytes)}`);
  return null;
}
