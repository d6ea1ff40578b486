/**
 * A bare MQTT 3.1.1 client over one socket, built on mqtt-packet: no queue, no reconnect, no
 * timers of its own. The load generator runs 100 of these in one process and the checker one, so
 * the per-packet cost is what mqtt-packet's generator and parser cost.
 *
 *   socket 'data' ─▶ cork ─▶ parser ─▶ onPacket (may send) ─▶ uncork: every reply one write
 */
import type { Socket } from 'node:net';
import { generate, parser as mqttParser, type Packet } from 'mqtt-packet';

export interface WireConnect {
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  /** Keep-alive in seconds; 0 turns it off (the benchmark's sessions are short and busy). */
  readonly keepaliveS: number;
  readonly isClean: boolean;
}

/** One MQTT session on a connected socket. */
export class MqttWire {
  /** Why the session ended, once it has. */
  closedReason: string | null = null;
  private readonly parser = mqttParser({ protocolVersion: 4 });
  private onConnack: ((code: number) => void) | null = null;
  private readonly closeWaiters: (() => void)[] = [];

  constructor(
    readonly socket: Socket,
    private readonly onPacket: (p: Packet) => void,
  ) {
    socket.setNoDelay(true);
    this.parser.on('packet', (p: Packet) => {
      if (p.cmd === 'connack') this.onConnack?.(p.returnCode ?? p.reasonCode ?? 0);
      else this.onPacket(p);
    });
    this.parser.on('error', (err: Error) => this.close(`bad MQTT from the peer: ${err.message}`));
    socket.on('data', (chunk: Buffer) => {
      socket.cork();
      try {
        this.parser.parse(chunk);
      } finally {
        socket.uncork();
      }
    });
    socket.on('error', (err) => this.close(`socket error: ${err.message}`));
    socket.on('close', () => this.close('socket closed'));
  }

  /** Sends CONNECT and resolves on a CONNACK that accepts; rejects naming the return code otherwise. */
  connect(c: WireConnect, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.onConnack = null;
        reject(new Error(`no CONNACK for ${c.clientId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.closeWaiters.push(() => {
        clearTimeout(timer);
        reject(new Error(`${c.clientId}: ${this.closedReason ?? 'closed'} before CONNACK`));
      });
      this.onConnack = (code) => {
        clearTimeout(timer);
        this.onConnack = null;
        if (code === 0) resolve();
        else reject(new Error(`${c.clientId}: CONNACK refused with return code ${code}`));
      };
      this.send({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clientId: c.clientId,
        clean: c.isClean,
        keepalive: c.keepaliveS,
        ...(c.username === undefined ? {} : { username: c.username }),
        ...(c.password === undefined ? {} : { password: Buffer.from(c.password, 'utf8') }),
      });
    });
  }

  send(p: Packet): void {
    if (this.closedReason === null) this.socket.write(generate(p));
  }

  /** Resolves once the session has ended (at once when it already has). */
  closed(): Promise<void> {
    if (this.closedReason !== null) return Promise.resolve();
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  close(reason = 'closed by the benchmark'): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    this.socket.destroy();
    for (const w of this.closeWaiters.splice(0)) w();
  }
}
