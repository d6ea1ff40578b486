/**
 * Aggregation of `policy.denied`, pure: a denial storm (a misconfigured sensor retrying 100 times a
 * second) becomes one audit record per sensor and rule per window, with the count, instead of
 * flooding the trail. Time is an argument; the caller's timer calls {@link flushDenials}.
 *
 *   addDenial(state, d, nowMs) ──▶ state' (+ summaries of windows that closed)
 *   flushDenials(state, nowMs) ──▶ state' + summaries of windows that closed
 *
 * A window opens at the first denial of a key and closes `windowMs` later (tumbling, per key).
 */
import type { AuditEventInput } from './record.js';

export interface DenialAggregatorOptions {
  /** Window length per sensor+rule, ms. Default 60 000. */
  readonly windowMs: number;
  /** Most distinct sensor+rule keys held; further keys fold into one `*` key. Default 1000. */
  readonly maxKeys: number;
}

export const DEFAULT_DENIAL_AGGREGATOR: DenialAggregatorOptions = { windowMs: 60_000, maxKeys: 1000 };

export interface Denial {
  readonly sensor: string;
  readonly rule: string;
  readonly reason?: string;
}

interface Window {
  readonly sensor: string;
  readonly rule: string;
  readonly count: number;
  readonly firstMs: number;
  readonly lastMs: number;
  readonly reason: string | undefined;
}

export interface DenialState {
  readonly windows: ReadonlyMap<string, Window>;
}

/** One closed window, ready to append as `policy.denied`. */
export interface DenialSummary {
  readonly sensor: string;
  readonly rule: string;
  readonly count: number;
  readonly firstMs: number;
  readonly lastMs: number;
  readonly windowMs: number;
  readonly reason: string | undefined;
}

export interface DenialStep {
  readonly state: DenialState;
  readonly closed: readonly DenialSummary[];
}

export const EMPTY_DENIALS: DenialState = { windows: new Map() };

/** The key folded into when `maxKeys` is reached. */
export const OVERFLOW_KEY = '*';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const keyOf = (sensor: string, rule: string): string => `${sensor}\u0000${rule}`;

/** Counts one denial at `nowMs`; windows that ended by `nowMs` are closed first and returned. */
export function addDenial(
  state: DenialState,
  d: Denial,
  nowMs: number,
  opts: DenialAggregatorOptions = DEFAULT_DENIAL_AGGREGATOR,
): DenialStep {
  const flushed = flushDenials(state, nowMs, opts);
  const windows = new Map(flushed.state.windows);
  let key = keyOf(d.sensor, d.rule);
  let sensor = d.sensor;
  let rule = d.rule;
  if (!windows.has(key) && windows.size >= opts.maxKeys) {
    key = keyOf(OVERFLOW_KEY, OVERFLOW_KEY);
    sensor = OVERFLOW_KEY;
    rule = OVERFLOW_KEY;
  }
  const w = windows.get(key);
  windows.set(
    key,
    w === undefined
      ? { sensor, rule, count: 1, firstMs: nowMs, lastMs: nowMs, reason: d.reason }
      : { ...w, count: w.count + 1, lastMs: nowMs, reason: d.reason ?? w.reason },
  );
  return { state: { windows }, closed: flushed.closed };
}

/** Closes every window opened at least `windowMs` before `nowMs`, oldest first. */
export function flushDenials(
  state: DenialState,
  nowMs: number,
  opts: DenialAggregatorOptions = DEFAULT_DENIAL_AGGREGATOR,
): DenialStep {
  const closed: DenialSummary[] = [];
  let windows: Map<string, Window> | null = null;
  for (const [key, w] of state.windows) {
    if (nowMs - w.firstMs < opts.windowMs) continue;
    windows ??= new Map(state.windows);
    windows.delete(key);
    closed.push({ ...w, windowMs: opts.windowMs });
  }
  closed.sort((a, b) => a.firstMs - b.firstMs || cmp(a.sensor, b.sensor) || cmp(a.rule, b.rule));
  return { state: windows === null ? state : { windows }, closed };
}

/** Closes every open window now (at shutdown), whatever its age. */
export function drainDenials(
  state: DenialState,
  opts: DenialAggregatorOptions = DEFAULT_DENIAL_AGGREGATOR,
): DenialStep {
  return flushDenials(state, Number.POSITIVE_INFINITY, opts);
}

/** The `policy.denied` event of a closed window. */
export function denialEvent(s: DenialSummary): AuditEventInput & { readonly ev: 'policy.denied' } {
  return {
    ev: 'policy.denied',
    actor: s.sensor === OVERFLOW_KEY ? 'sensor:*' : `sensor:${s.sensor}`,
    subject: s.rule === OVERFLOW_KEY ? 'rule:*' : `rule:${s.rule}`,
    outcome: 'denied',
    ...(s.reason === undefined ? {} : { reason: s.reason }),
    data: { count: s.count, firstMs: s.firstMs, lastMs: s.lastMs, windowMs: s.windowMs },
  };
}
