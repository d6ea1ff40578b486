/**
 * A raw MQTT client over a plain TCP socket for the listener tests: sends exactly the bytes a test
 * wants (malformed, trickled, out of protocol) and records every packet the listener sends back.
 */
import { connect, type Socket } from 'node:net';
import { generate, type IConnectPacket, type IPublishPacket, type Packet, parser } from 'mqtt-packet';
import { deadline, Waiters } from './fake-gate.js';

/** A CONNECT as the tests send it, 3.1.1 with a clean session unless `fields` say otherwise. */
export function connectPacket(fields: Partial<IConnectPacket>): IConnectPacket {
  return {
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clientId: 'c',
    clean: true,
    keepalive: 30,
    ...fields,
  };
}

/** A PUBLISH of 'x', neither retained nor a duplicate unless `fields` say otherwise. */
export function publishPacket(
  topic: string,
  qos: 0 | 1 | 2,
  messageId: number,
  fields: Partial<IPublishPacket> = {},
): IPublishPacket {
  return {
    cmd: 'publish',
    topic,
    payload: Buffer.from('x'),
    qos,
    messageId,
    retain: false,
    dup: false,
    ...fields,
  };
}

export class RawMqtt {
  readonly received: Packet[] = [];
  /** What the client's parser could not read from the listener (a test failure, never expected). */
  readonly parseErrors: string[] = [];
  readonly socket: Socket;
  isClosed = false;
  private readonly waiters = new Waiters();
  readonly connected: Promise<void>;
  readonly closed: Promise<void>;

  constructor(port: number, opts: { localAddress?: string; protocolVersion?: 4 | 5 } = {}) {
    const p = parser({ protocolVersion: opts.protocolVersion ?? 4 });
    p.on('packet', (pk: Packet) => {
      this.received.push(pk);
      this.wake();
    });
    p.on('error', (err: Error) => {
      this.parseErrors.push(err.message);
      this.wake();
    });
    this.socket = connect({
      host: '127.0.0.1',
      port,
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
    });
    this.socket.on('data', (b: Buffer) => p.parse(b));
    this.socket.on('error', () => undefined); // a reset by the listener is what some tests expect
    this.connected = new Promise<void>((resolve) => this.socket.once('connect', () => resolve()));
    this.closed = new Promise<void>((resolve) =>
      this.socket.once('close', () => {
        this.isClosed = true;
        this.wake();
        resolve();
      }),
    );
  }

  send(packet: Packet, protocolVersion: 4 | 5 = 4): void {
    this.socket.write(generate(packet, { protocolVersion }));
  }

  sendBytes(b: Uint8Array): void {
    this.socket.write(b);
  }

  /** CONNECT with username/password and waits for the CONNACK. */
  async login(
    username: string,
    password: string,
    protocolVersion: 4 | 5 = 4,
    keepalive = 60,
  ): Promise<Packet> {
    await deadline(this.connected, 'tcp connect');
    this.send(
      connectPacket({ protocolVersion, clientId: '', keepalive, username, password: Buffer.from(password) }),
      protocolVersion,
    );
    return this.next('connack');
  }

  /** The first received packet of `cmd` not taken before. */
  async next(cmd: Packet['cmd'], timeoutMs = 5000): Promise<Packet> {
    await this.until(() => this.received.some((p) => p.cmd === cmd), `a ${cmd}`, timeoutMs);
    const i = this.received.findIndex((p) => p.cmd === cmd);
    const [p] = this.received.splice(i, 1);
    if (p === undefined) throw new Error(`no ${cmd}`);
    return p;
  }

  count(cmd: Packet['cmd']): number {
    return this.received.filter((p) => p.cmd === cmd).length;
  }

  until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    return this.waiters.until(cond, what, timeoutMs);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    this.waiters.wake();
  }
}
