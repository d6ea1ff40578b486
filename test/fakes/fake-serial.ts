/**
 * FakeSerial: a SerialLink with scripted replies, for engine tests. Each expectation names the
 * command line it waits for and the bytes to answer with (now, or after the test says so). Anything
 * written that was not planned is recorded and fails `assertDone()`, which also lists replies never used.
 */
import type { SerialLink } from '../../modem/engine/serial-link.js';

export interface Expectation {
  /** The command as written, without the CR, e.g. `AT+CSQ`; a RegExp for generated ones (resync). */
  readonly command: string | RegExp;
  /** Bytes to send back; a function gets the command (for echoing a nonce). */
  readonly reply?: string | ((command: string) => string);
  /** When true the reply is held until `release()`. */
  readonly isHeld?: boolean;
}

export class FakeSerial implements SerialLink {
  readonly path = '/dev/fake0';
  readonly writes: string[] = [];
  readonly unplanned: string[] = [];
  private readonly script: Expectation[] = [];
  private readonly dataListeners = new Set<(b: Buffer) => void>();
  private readonly closeListeners = new Set<(e: Error | null) => void>();
  private held: Array<() => void> = [];
  isEchoOn = false;
  isClosed = false;
  /** When set, write() resolves (the UART "drains") only when the test calls drain(). */
  isDrainHeld = false;
  private drains: Array<() => void> = [];

  /** Completes held drains. */
  drain(): void {
    const d = this.drains;
    this.drains = [];
    for (const f of d) f();
  }

  expect(...e: Expectation[]): this {
    this.script.push(...e);
    return this;
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.isClosed) throw new Error('write after close');
    const text = Buffer.from(data).toString('latin1');
    this.writes.push(text);
    const command = text.replace(/\r$/, '');
    if (this.isEchoOn) this.emit(`${command}\r`);
    const next = this.script[0];
    const matches =
      next !== undefined &&
      (typeof next.command === 'string' ? next.command === command : next.command.test(command));
    if (!next || !matches) {
      this.unplanned.push(command);
      if (this.isDrainHeld) await new Promise<void>((resolve) => this.drains.push(resolve));
      return;
    }
    this.script.shift();
    const reply = typeof next.reply === 'function' ? next.reply(command) : next.reply;
    if (reply === undefined) return;
    const send = (): void => this.emit(reply);
    if (next.isHeld) this.held.push(send);
    else queueMicrotask(send);
    if (this.isDrainHeld) await new Promise<void>((resolve) => this.drains.push(resolve));
  }

  /** Sends held replies now, in order. */
  release(): void {
    const h = this.held;
    this.held = [];
    for (const f of h) f();
  }

  /** Bytes from the "modem" that nobody asked for (URCs, garbage). */
  emit(bytes: string | Buffer): void {
    const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    for (const l of this.dataListeners) l(b);
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onClose(listener: (err: Error | null) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** The port vanishing under the engine. */
  vanish(): void {
    this.isClosed = true;
    for (const l of this.closeListeners) l(new Error('device disconnected'));
  }

  async close(): Promise<void> {
    this.isClosed = true;
  }

  assertDone(): void {
    const problems: string[] = [];
    if (this.unplanned.length) problems.push(`unplanned writes: ${JSON.stringify(this.unplanned)}`);
    if (this.script.length)
      problems.push(`expected but never written: ${this.script.map((e) => String(e.command)).join(', ')}`);
    if (problems.length) throw new Error(problems.join('; '));
  }
}
