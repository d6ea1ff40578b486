/**
 * The open connections of one session listener (MQTT, Unix socket) and which of them speaks for each
 * authenticated sensor: at most one per sensor id, the newest. The listener owns the server, the
 * events and the sweep timer; this is the bookkeeping both kinds share.
 */

/** What the table needs from a connection. */
export interface TableConnection {
  /** The authenticated sensor id, or null before authentication. */
  readonly sensorId: string | null;
  deliver(topic: string, payload: Uint8Array): boolean;
  checkDeadlines(nowMs: number): void;
  /** Closed because the sensor's credential or policy was withdrawn. */
  revoke(reason: string): void;
  /** Closed because the listener stops. */
  shutdown(): void;
}

export class ConnectionTable<C extends TableConnection> {
  private readonly open = new Set<C>();
  private readonly bySensor = new Map<string, C>();
  private onDrained: (() => void) | null = null;

  /** Open connections, authenticated or not. */
  get size(): number {
    return this.open.size;
  }

  /** Authenticated sensors with a connection. */
  get sensors(): number {
    return this.bySensor.size;
  }

  add(c: C): void {
    this.open.add(c);
  }

  /** Makes `c` the connection of sensor `id`; returns the one it replaces, if another. */
  claim(id: string, c: C): C | null {
    const old = this.bySensor.get(id);
    this.bySensor.set(id, c);
    return old !== undefined && old !== c ? old : null;
  }

  /** Forgets a closed connection (and its sensor's entry, unless a newer one took it over). */
  release(c: C): void {
    this.open.delete(c);
    if (this.open.size === 0) this.onDrained?.();
    const id = c.sensorId;
    if (id !== null && this.bySensor.get(id) === c) this.bySensor.delete(id);
  }

  /** Sends a command to sensor `id`'s connection; false when there is none or it cannot take it. */
  deliver(id: string, topic: string, payload: Uint8Array): boolean {
    return this.bySensor.get(id)?.deliver(topic, payload) ?? false;
  }

  /** Revokes sensor `id`'s connection; false when it has none. */
  revoke(id: string, reason: string): boolean {
    const c = this.bySensor.get(id);
    if (c === undefined) return false;
    c.revoke(reason);
    return true;
  }

  checkDeadlines(nowMs: number): void {
    for (const c of this.open) c.checkDeadlines(nowMs);
  }

  /** Shuts every connection down; resolves once each has been released. */
  shutdownAll(): Promise<void> {
    const released = new Promise<void>((r) => {
      this.onDrained = r;
      if (this.open.size === 0) r();
    });
    for (const c of this.open) c.shutdown();
    return released;
  }
}

/**
 * Closes a session listener: stops accepting and shuts every connection down, then stops its sweep.
 * node:net reports the server closed before the sockets' own close events have run, so this waits
 * for both: stats and disconnect events are complete when it resolves. The sweep runs until the last
 * socket is gone: it destroys those that linger.
 */
export async function closeSessions<C extends TableConnection>(
  server: { close(cb: () => void): unknown },
  table: ConnectionTable<C>,
  stopSweep: () => void,
): Promise<void> {
  const serverClosed = new Promise<void>((r) => server.close(() => r()));
  await Promise.all([serverClosed, table.shutdownAll()]);
  stopSweep();
}
