/**
 * Resynchronisation after a timeout. Pure.
 *
 * A reply that comes late (after its command timed out) must never be taken as the next command's
 * answer. After any timeout the engine writes `ATS<r>=<nonce>` then `ATS<r>?` (V.250 §6.3: an
 * S-parameter read answers its value in three digits) and discards everything until the nonce comes
 * back followed by OK. A modem answers in order, so once the nonce is read every earlier reply is
 * behind us. The nonce differs from the previous one, so an old readback cannot match either.
 */
import { classifyFinal } from './final.js';
import type { Dialect } from './urc.js';

/** The S-register used for the readback. S7 (wait for carrier, V.250 §6.3.8) is harmless on data modems. */
export const RESYNC_REGISTER = 7;

export interface ResyncState {
  readonly nonce: number;
  readonly hasNonce: boolean;
  readonly discarded: number;
}

export type ResyncOutcome = 'pending' | 'synced';

/** Picks the next nonce in 1..254, never equal to the previous one; `random` is in [0, 1). */
export function nextNonce(previous: number | null, random: number): number {
  let n = 1 + Math.floor(random * 254);
  if (n === previous) n = (n % 254) + 1;
  return n;
}

export function resyncCommands(nonce: number): readonly [string, string] {
  return [`ATS${RESYNC_REGISTER}=${nonce}`, `ATS${RESYNC_REGISTER}?`];
}

export function startResync(nonce: number): ResyncState {
  return { nonce, hasNonce: false, discarded: 0 };
}

export function stepResync(
  state: ResyncState,
  line: string,
  dialect: Dialect,
): { state: ResyncState; outcome: ResyncOutcome } {
  const t = line.trim();
  if (/^\d{1,3}$/.test(t) && Number.parseInt(t, 10) === state.nonce) {
    return { state: { ...state, hasNonce: true }, outcome: 'pending' };
  }
  const final = classifyFinal(t, dialect.finals);
  if (final?.kind === 'ok' && state.hasNonce) return { state, outcome: 'synced' };
  // Anything else is a late reply, the echo of our own probe, or a URC: dropped. A final that is not
  // the OK right after the nonce means the nonce line belonged to something else.
  const hasNonce = final === null ? state.hasNonce : false;
  return { state: { ...state, hasNonce, discarded: state.discarded + 1 }, outcome: 'pending' };
}
