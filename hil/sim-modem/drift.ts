/**
 * A slow random walk of the signal, so a watcher of the standalone simulator sees changes.
 */
import type { Signal } from './state.js';

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** One step of at most ±1 per value, kept inside plausible ranges; `random` returns [0, 1). */
export function driftSignal(signal: Signal, random: () => number): Signal {
  const stepOf = (): number => Math.floor(random() * 3) - 1;
  return {
    csq: signal.csq === 99 ? 99 : clamp(signal.csq + stepOf(), 2, 31),
    rsrpDbm: clamp(Math.round(signal.rsrpDbm) + stepOf(), -125, -70),
    rsrqDb: clamp(Math.round(signal.rsrqDb) + stepOf(), -19, -5),
    sinrDb: clamp(Math.round(signal.sinrDb) + stepOf(), -5, 25),
  };
}
