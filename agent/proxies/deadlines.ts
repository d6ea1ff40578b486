/**
 * Which deadline of a connection has passed, if any. Pure: the listener's sweep passes the times
 * and the clock, and the connection carries out the answer.
 *
 *   opening  (before CONNECT / the auth line is accepted)  connectTimeoutMs from accept
 *   ready    silence past idleMs, or one packet incomplete past partialPacketTimeoutMs
 *            (neither counts while the listener itself has paused reading)
 *   closing  the peer has not taken the last bytes within closeLingerMs: destroy
 */
import type { ListenerLimits } from './limits.js';
import type { LimitName } from './types.js';

/** The times a connection's deadlines run from, in ms of the listener's clock. */
export interface ConnectionTimes {
  readonly phase: 'opening' | 'ready' | 'closing' | 'closed';
  readonly isPaused: boolean;
  readonly acceptedAtMs: number;
  readonly lastRxMs: number;
  /** When the packet still incomplete began arriving, or null. */
  readonly partialSinceMs: number | null;
  readonly closingSinceMs: number;
  /** Silence allowed while ready, in ms. */
  readonly idleMs: number;
}

export type Due =
  | { readonly kind: 'none' }
  | { readonly kind: 'destroy' }
  | { readonly kind: 'limit'; readonly limit: LimitName; readonly reason: string };

const NONE: Due = { kind: 'none' };

/** `opening` names what the peer must send first (`CONNECT`, `the auth line`), for the reason. */
export function dueDeadline(
  t: ConnectionTimes,
  limits: Pick<ListenerLimits, 'closeLingerMs' | 'connectTimeoutMs' | 'partialPacketTimeoutMs'>,
  nowMs: number,
  opening: string,
): Due {
  switch (t.phase) {
    case 'closing':
      return nowMs - t.closingSinceMs > limits.closeLingerMs ? { kind: 'destroy' } : NONE;
    case 'opening':
      return nowMs - t.acceptedAtMs > limits.connectTimeoutMs
        ? {
            kind: 'limit',
            limit: 'connectTimeoutMs',
            reason: `no ${opening} within ${limits.connectTimeoutMs} ms`,
          }
        : NONE;
    case 'ready':
      if (t.isPaused) return NONE;
      if (nowMs - t.lastRxMs > t.idleMs) {
        return { kind: 'limit', limit: 'idleTimeoutMs', reason: `silent for more than ${t.idleMs} ms` };
      }
      if (t.partialSinceMs !== null && nowMs - t.partialSinceMs > limits.partialPacketTimeoutMs) {
        const reason = `a packet incomplete for over ${limits.partialPacketTimeoutMs} ms`;
        return { kind: 'limit', limit: 'partialPacketTimeoutMs', reason };
      }
      return NONE;
    case 'closed':
      return NONE;
  }
}
