/**
 * The control socket: a Unix domain socket, mode 0600, for `ztgw status` and friends. Local only by
 * construction (no TCP), one JSON request per line, bounded line length and idle time.
 */
import { chmod, mkdir, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { isZtgwError, type JsonValue, ZtgwError } from '../../modem/errors.js';
import type { Logger } from '../../modem/log.js';
import { type ControlRequest, encodeResponse, MAX_REQUEST_BYTES, parseRequest } from './protocol.js';

export type ControlHandler = (req: ControlRequest) => Promise<JsonValue> | JsonValue;

export interface ControlServerOptions {
  readonly path: string;
  readonly handlers: ReadonlyMap<string, ControlHandler>;
  readonly log: Logger;
  /** A connection idle this long is closed, in ms. Default 10000. */
  readonly idleTimeoutMs?: number;
}

export class ControlServer {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly opts: ControlServerOptions) {}

  async start(signal: AbortSignal): Promise<void> {
    const { path } = this.opts;
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await rm(path, { force: true }); // a stale socket from a killed agent
    const server = createServer((s) => this.onConnection(s));
    // Created 0600 from the start: no window in which another user could connect.
    const oldMask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } finally {
      process.umask(oldMask);
    }
    await chmod(path, 0o600);
    this.server = server;
    signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    for (const sock of this.sockets) sock.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    await rm(this.opts.path, { force: true });
  }

  private onConnection(sock: Socket): void {
    this.sockets.add(sock);
    sock.setTimeout(this.opts.idleTimeoutMs ?? 10_000, () => sock.destroy());
    sock.on('close', () => this.sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    let buf = '';
    sock.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      if (buf.length > MAX_REQUEST_BYTES) {
        sock.end(
          encodeResponse({ ok: false, error: { code: 'CONTROL_PROTOCOL', message: 'request too long' } }),
        );
        return;
      }
      for (let i = buf.indexOf('\n'); i !== -1; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        void this.answer(sock, line);
      }
    });
  }

  private async answer(sock: Socket, line: string): Promise<void> {
    const req = parseRequest(line);
    if (!req.ok) {
      sock.write(encodeResponse({ ok: false, error: { code: 'CONTROL_PROTOCOL', message: req.reason } }));
      return;
    }
    const handler = this.opts.handlers.get(req.value.cmd);
    if (handler === undefined) {
      sock.write(
        encodeResponse({
          ok: false,
          error: { code: 'CONTROL_PROTOCOL', message: `unknown command ${req.value.cmd}` },
        }),
      );
      return;
    }
    try {
      const result = await handler(req.value);
      if (!sock.destroyed) sock.write(encodeResponse({ ok: true, result }));
    } catch (err) {
      this.opts.log.warn({ err, cmd: req.value.cmd }, 'control.handler-failed');
      const code = isZtgwError(err) ? err.code : 'CONTROL_IO';
      if (!sock.destroyed)
        sock.write(
          encodeResponse({
            ok: false,
            error: { code, message: err instanceof Error ? err.message : String(err) },
          }),
        );
    }
  }
}

/** Sends one request to the control socket and returns its result; errors name the socket. */
export function requestControl(
  path: string,
  cmd: string,
  args: { [key: string]: JsonValue } = {},
  timeoutMs = 5000,
): Promise<JsonValue> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new ZtgwError('CONTROL_IO', `no answer from the agent on ${path} in ${timeoutMs} ms`, { path }));
    }, timeoutMs);
    sock.on('connect', () => sock.write(`${JSON.stringify({ cmd, args })}\n`));
    sock.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why =
        e.code === 'ENOENT' || e.code === 'ECONNREFUSED'
          ? `the agent is not running (no control socket at ${path})`
          : e.code === 'EACCES'
            ? `permission denied on ${path} (run as the agent's user)`
            : `${path}: ${e.message}`;
      reject(new ZtgwError('CONTROL_IO', why, { path }));
    });
    sock.on('data', (b: Buffer) => {
      buf += b.toString('utf8');
      const i = buf.indexOf('\n');
      if (i === -1) return;
      clearTimeout(timer);
      sock.end();
      try {
        const r = JSON.parse(buf.slice(0, i)) as {
          ok: boolean;
          result?: JsonValue;
          error?: { code: string; message: string };
        };
        if (r.ok) resolve(r.result ?? null);
        else
          reject(
            new ZtgwError('CONTROL_PROTOCOL', r.error?.message ?? 'agent refused the request', { path }),
          );
      } catch {
        reject(new ZtgwError('CONTROL_PROTOCOL', `not a JSON answer from ${path}`, { path }));
      }
    });
  });
}
