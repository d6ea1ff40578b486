/**
 * A TCP relay between the gateway and the cloud broker that counts the TCP payload bytes in each
 * direction and may hold every chunk for a fixed delay (a cellular-like round trip where the kernel
 * has no netem).
 *
 *   gateway ──▶ listen ──[count up, hold delayMs]──▶ target (cloud broker)
 *   gateway ◀──────────[count down, hold delayMs]◀──
 *
 * Order is kept (one FIFO and one timer per direction), and so is back-pressure: a direction whose
 * held bytes pass `maxHeldBytes`, or whose destination is not draining, stops reading its source.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

export interface RelayOptions {
  /** Address to listen on; the rig uses loopback. */
  readonly listenHost: string;
  /** Port to listen on; default 0 (a free one). */
  readonly listenPort?: number;
  readonly targetHost: string;
  readonly targetPort: number;
  /** How long each chunk is held before it is forwarded, in ms, each direction. Default 0. */
  readonly delayMs?: number;
  /** Bytes held per direction before the source is paused, in bytes. Default 1048576 (1 MiB). */
  readonly maxHeldBytes?: number;
}

export interface RelayCounts {
  /** Bytes from the gateway to the cloud. */
  readonly upBytes: number;
  /** Bytes from the cloud to the gateway. */
  readonly downBytes: number;
  /** Connections accepted so far. */
  readonly connections: number;
}

export interface Relay {
  readonly port: number;
  counts(): RelayCounts;
  /** Closes the listener and every relayed connection; idempotent. */
  stop(): Promise<void>;
}

/** One direction of one relayed connection. */
class Lane {
  private readonly held: { readonly dueMs: number; readonly chunk: Buffer }[] = [];
  private heldBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private isDstBlocked = false;
  private isSrcEnded = false;
  private isDstEnded = false;

  constructor(
    private readonly src: Socket,
    private readonly dst: Socket,
    private readonly delayMs: number,
    private readonly maxHeldBytes: number,
    private readonly count: (n: number) => void,
  ) {
    src.on('data', (chunk: Buffer) => this.onData(chunk));
    // A source that ended (or closed without a FIN) ends its destination once the held bytes are out.
    const onEnd = (): void => {
      this.isSrcEnded = true;
      this.endIfFlushed();
    };
    src.on('end', onEnd);
    src.on('close', onEnd);
    dst.on('drain', () => {
      this.isDstBlocked = false;
      this.resumeIfRoom();
    });
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.held.length = 0;
  }

  private onData(chunk: Buffer): void {
    this.count(chunk.length);
    if (this.delayMs === 0) {
      this.forward(chunk);
      return;
    }
    this.held.push({ dueMs: performance.now() + this.delayMs, chunk });
    this.heldBytes += chunk.length;
    if (this.heldBytes > this.maxHeldBytes) this.src.pause();
    if (this.timer === null) this.arm();
  }

  private arm(): void {
    const head = this.held[0];
    if (head === undefined) return;
    this.timer = setTimeout(() => this.release(), Math.max(0, head.dueMs - performance.now()));
  }

  private release(): void {
    this.timer = null;
    const now = performance.now();
    while (this.held.length > 0 && (this.held[0]?.dueMs ?? 0) <= now) {
      const h = this.held.shift();
      if (h === undefined) break;
      this.heldBytes -= h.chunk.length;
      this.forward(h.chunk);
    }
    this.resumeIfRoom();
    this.arm();
    this.endIfFlushed();
  }

  private forward(chunk: Buffer): void {
    if (this.dst.destroyed) return;
    if (!this.dst.write(chunk)) {
      this.isDstBlocked = true;
      this.src.pause();
    }
  }

  private resumeIfRoom(): void {
    if (!this.isDstBlocked && this.heldBytes <= this.maxHeldBytes && !this.src.destroyed) this.src.resume();
  }

  private endIfFlushed(): void {
    if (!this.isSrcEnded || this.isDstEnded || this.held.length > 0) return;
    this.isDstEnded = true;
    if (!this.dst.destroyed) this.dst.end();
  }
}

/** Starts a relay; resolves once it listens. */
export function startRelay(o: RelayOptions): Promise<Relay> {
  const delayMs = o.delayMs ?? 0;
  const maxHeldBytes = o.maxHeldBytes ?? 1_048_576;
  if (!(delayMs >= 0)) throw new TypeError(`delayMs must be ≥ 0, got ${delayMs}`);
  let upBytes = 0;
  let downBytes = 0;
  let connections = 0;
  const open = new Set<() => void>();

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    connections++;
    const upstream = tcpConnect({ host: o.targetHost, port: o.targetPort });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const up = new Lane(client, upstream, delayMs, maxHeldBytes, (n) => {
      upBytes += n;
    });
    const down = new Lane(upstream, client, delayMs, maxHeldBytes, (n) => {
      downBytes += n;
    });
    upstream.pause();
    const teardown = (): void => {
      up.stop();
      down.stop();
      client.destroy();
      upstream.destroy();
      open.delete(teardown);
    };
    open.add(teardown);
    upstream.once('connect', () => {
      client.resume();
      upstream.resume();
    });
    // An error on either side ends the relayed connection: half a TLS session is no use. A close
    // travels through its lane (held bytes first); the entry goes once both sides are closed.
    let closedSides = 0;
    for (const s of [client, upstream]) {
      s.on('error', teardown);
      s.on('close', () => {
        closedSides++;
        if (closedSides === 2) teardown();
      });
    }
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.listenPort ?? 0, o.listenHost, () => {
      server.off('error', reject);
      const addr = server.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      resolve({
        port,
        counts: () => ({ upBytes, downBytes, connections }),
        stop: () =>
          new Promise<void>((done) => {
            for (const t of [...open]) t();
            server.close(() => done());
          }),
      });
    });
  });
}
