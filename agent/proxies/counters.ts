/**
 * The counters a listener keeps while it runs; `ListenerStats` is a snapshot of them.
 */

import type { ListenerSpec, ListenerStats } from './types.js';

export interface Counters {
  accepted: number;
  refused: number;
  authFailures: number;
  malformed: number;
  limitsHit: number;
  publishes: number;
  acked: number;
  denied: number;
  unavailable: number;
  inFlight: number;
  pauses: number;
  delivered: number;
  bytesIn: number;
}

export function newCounters(): Counters {
  return {
    accepted: 0,
    refused: 0,
    authFailures: 0,
    malformed: 0,
    limitsHit: 0,
    publishes: 0,
    acked: 0,
    denied: 0,
    unavailable: 0,
    inFlight: 0,
    pauses: 0,
    delivered: 0,
    bytesIn: 0,
  };
}

export function snapshot(
  kind: ListenerSpec['kind'],
  c: Counters,
  connections: number,
  sensors: number,
): ListenerStats {
  return { kind, connections, sensors, ...c };
}

/** `address:port`, with brackets around an IPv6 address. */
export function formatPeer(address: string | undefined, port: number | undefined): string {
  const a = address ?? '?';
  return a.includes(':') ? `[${a}]:${port ?? 0}` : `${a}:${port ?? 0}`;
}

/** The source a per-source limit counts: the address, an IPv4-mapped IPv6 one as IPv4. */
export function sourceOf(address: string | undefined): string {
  const a = address ?? '?';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}
