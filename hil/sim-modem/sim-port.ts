/**
 * The simulator's end of the line: a PTY pair plus the serialport opened on its sim side, reading
 * CR-terminated command lines (V.250 §6.2.1: S3, CR by default).
 */
import { ReadlineParser } from '@serialport/parser-readline';
import { SerialPort } from 'serialport';
import { PtyPair } from './pty-pair.js';

export interface SimPortOptions {
  readonly dir: string;
  readonly agentLinkName: string;
  readonly readyTimeoutMs: number;
  readonly onLine: (line: string) => void;
  readonly onError: (e: Error) => void;
}

export class SimPort {
  private constructor(
    private readonly pair: PtyPair,
    private readonly port: SerialPort,
    private readonly onError: (e: Error) => void,
  ) {}

  /** Starts socat and opens the sim end; closes the pair again if the port will not open. */
  static async open(opts: SimPortOptions): Promise<SimPort> {
    const pair = await PtyPair.start({
      dir: opts.dir,
      agentLinkName: opts.agentLinkName,
      readyTimeoutMs: opts.readyTimeoutMs,
    });
    const port = new SerialPort({ path: pair.simPath, baudRate: 115200, autoOpen: false });
    try {
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    } catch (e) {
      await pair.close();
      throw e;
    }
    port.on('error', opts.onError);
    const parser = port.pipe(new ReadlineParser({ delimiter: '\r' }));
    parser.on('data', (line: string) => opts.onLine(line));
    return new SimPort(pair, port, opts.onError);
  }

  /** The path the agent opens. */
  get agentPath(): string {
    return this.pair.agentPath;
  }

  /** Writes if the port is open; a closed port drops the bytes, as a dead line would. */
  write(data: string | Buffer): void {
    if (!this.port.isOpen) return;
    this.port.write(data, (err) => {
      if (err) this.onError(err);
    });
  }

  /** Closes the port, then kills socat and removes the links. */
  async close(): Promise<void> {
    if (this.port.isOpen) await new Promise<void>((resolve) => this.port.close(() => resolve()));
    await this.pair.close();
  }
}
