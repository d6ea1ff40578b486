/**
 * The Unix socket listener: for sensor drivers on the gateway itself (RS-485 pollers, BLE bridges)
 * that talk JSON lines (unix-protocol.ts). The socket file is mode 0660, so access is the group's;
 * the sensor still authenticates, because a file mode is not an identity.
 *
 * At start, a socket file left by a crashed agent is removed, but only after a connect to it is
 * refused: a live listener that answers means another agent runs, and starting fails. Anything at
 * the path that is not a socket is never removed.
 */
import { chmod, lstat, unlink } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { ZtgwError } from '../../modem/errors.js';
import type { Logger } from '../../modem/log.js';
import { ConnectionAdmission } from './admission.js';
import { ConnectionTable, closeSessions } from './connection-table.js';
import { type Counters, newCounters, snapshot } from './counters.js';
import type { ListenerLimits } from './limits.js';
import { listenOn } from './listen.js';
import { reportEvent } from './safe-gate.js';
import type { Listener, ListenerEvent, SensorGate } from './types.js';
import { UnixConnection, type UnixHost } from './unix-connection.js';

/** Mode of the socket file: owner and group may connect. */
export const SOCKET_MODE = 0o660;

const bindError = (path: string, why: string, cause: string): ZtgwError<'LISTENER_BIND'> =>
  new ZtgwError('LISTENER_BIND', `cannot listen on unix ${path}: ${why}`, {
    listener: `unix ${path}`,
    cause,
  });

/** Probes `path` for a live listener, `timeoutMs` at most; true when one accepted the connect. */
function isAnswering(path: string, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = connect({ path });
    const done = (isLive: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      resolve(isLive);
    };
    // A listener that accepts but is too busy to do so in time is still alive.
    const timer = setTimeout(() => done(true), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', (err: NodeJS.ErrnoException) =>
      done(err.code !== 'ECONNREFUSED' && err.code !== 'ENOENT'),
    );
  });
}

/** Clears a stale socket at `path`, or throws `LISTENER_BIND` saying why it cannot. */
export async function clearStaleSocket(path: string, probeTimeoutMs: number): Promise<void> {
  let st: Awaited<ReturnType<typeof lstat>>;
  try {
    st = await lstat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
    if (code === 'ENOENT') return;
    throw bindError(path, `cannot inspect the path (${code})`, code);
  }
  if (!st.isSocket()) throw bindError(path, 'the path exists and is not a socket', 'EEXIST');
  if (await isAnswering(path, probeTimeoutMs)) {
    throw bindError(path, 'another listener answers on this socket', 'EADDRINUSE');
  }
  await unlink(path);
}

export async function startUnixListener(
  path: string,
  limits: ListenerLimits,
  gate: SensorGate,
  log: Logger,
): Promise<Listener> {
  await clearStaleSocket(path, limits.connectTimeoutMs);
  const l = new UnixListener(path, limits, gate, log.child({ component: 'unix-listener' }));
  // Created 0660 from the start (umask 0117 while binding): no window in which others may connect.
  // The chmod after it is what makes the mode exact whatever the umask was.
  await listenOn(l.server, { path, umask: 0o117 }, `unix ${path}`);
  try {
    await chmod(path, SOCKET_MODE);
  } catch (err) {
    await l.close();
    throw bindError(
      path,
      `cannot set mode 0660 (${(err as NodeJS.ErrnoException).code ?? 'unknown'})`,
      'EPERM',
    );
  }
  l.started();
  return l;
}

class UnixListener implements Listener, UnixHost {
  readonly server: Server;
  readonly counters: Counters = newCounters();
  private readonly admission: ConnectionAdmission;
  private readonly table = new ConnectionTable<UnixConnection>();
  private clockMs = performance.now();
  private seq = 0;
  private sweep: ReturnType<typeof setInterval> | null = null;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly path: string,
    readonly limits: ListenerLimits,
    readonly gate: SensorGate,
    readonly log: Logger,
  ) {
    this.admission = new ConnectionAdmission(limits.maxConnections, null);
    // Half-open: a client may send its requests, shut its side (`socat`, `nc -N`) and still read
    // every answer; the connection ends once the last one is written.
    this.server = createServer({ allowHalfOpen: true });
    this.server.on('connection', (s: Socket) => this.onConnection(s));
    this.server.on('error', (err) => log.error({ err }, 'unix listener error'));
  }

  started(): void {
    this.sweep = setInterval(() => this.onSweep(), this.limits.timerResolutionMs);
  }

  nowMs(): number {
    return this.clockMs;
  }

  emit(e: ListenerEvent): void {
    const isInfo = e.kind === 'connect' || e.kind === 'disconnect' || e.kind === 'takeover';
    if (isInfo) this.log.info({ ...e }, `sensor.${e.kind}`);
    else this.log.warn({ ...e }, `listener.${e.kind}`);
    reportEvent(this.gate, this.log, this.counters, e);
  }

  claim(c: UnixConnection): void {
    const id = c.sensorId;
    if (id === null) return;
    const old = this.table.claim(id, c);
    if (old !== null) {
      this.emit({ kind: 'takeover', via: 'unix', sensorId: id, peer: c.peer, previousPeer: old.peer });
      old.takenOver(c.peer);
    }
  }

  released(c: UnixConnection, reason: string): void {
    this.admission.release();
    this.table.release(c);
    const id = c.sensorId;
    if (id === null) return;
    this.emit({ kind: 'disconnect', via: 'unix', sensorId: id, peer: c.peer, reason });
  }

  private onConnection(socket: Socket): void {
    const peer = `unix#${++this.seq}`;
    this.clockMs = performance.now();
    const a =
      this.closing === null
        ? this.admission.admit('unix', this.clockMs)
        : { ok: false as const, limit: 'maxConnections' as const, reason: 'listener closing' };
    if (!a.ok) {
      socket.on('error', () => undefined); // destroyed at once; a reset is no news
      socket.destroy();
      this.emit({ kind: 'limit', via: 'unix', sensorId: null, peer, limit: a.limit, reason: a.reason });
      return;
    }
    this.counters.accepted++;
    this.table.add(new UnixConnection(socket, peer, this));
  }

  private onSweep(): void {
    this.clockMs = performance.now();
    this.table.checkDeadlines(this.clockMs);
  }

  address(): string {
    return this.path;
  }

  deliver(sensorId: string, topic: string, payload: Uint8Array): boolean {
    if (!this.table.deliver(sensorId, topic, payload)) return false;
    this.counters.delivered++;
    return true;
  }

  disconnect(sensorId: string, reason: string): boolean {
    return this.table.revoke(sensorId, reason);
  }

  stats() {
    return snapshot('unix', this.counters, this.table.size, this.table.sensors);
  }

  close(): Promise<void> {
    // node:net unlinks the socket file when the server closes.
    this.closing ??= closeSessions(this.server, this.table, () => {
      if (this.sweep !== null) clearInterval(this.sweep);
      this.sweep = null;
    });
    return this.closing;
  }
}
