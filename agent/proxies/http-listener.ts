/**
 * HTTP ingest for sensors that cannot speak MQTT: `POST /t/<local topic>`, the body is the payload,
 * `Authorization: Basic base64(sensorId:secret)`. 202 only once the reading is durable.
 *
 * Order of checks, cheapest first and nothing read before it is needed: route (404/405) → Basic
 * header (401) → Content-Length over `maxBodyBytes` (413, body never read) → authenticate (401) →
 * body, read up to `maxBodyBytes` (413 and the connection closed past it) → gate.publish. A connection
 * closed before its body was read lingers: the rest is read and dropped (bounded), so the client is
 * not reset before it reads the answer.
 * node:http enforces the head size (431), head and request deadlines (408) and keep-alive idle;
 * it reports both deadlines with one error code, so both arrive as a `requestTimeoutMs` limit event.
 * HTTP has no sessions: no connect/disconnect events, and `deliver` always answers false.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../../modem/log.js';
import { ConnectionAdmission } from './admission.js';
import { type Counters, formatPeer, newCounters, snapshot, sourceOf } from './counters.js';
import {
  answerFor,
  errorAnswer,
  type HttpAnswer,
  parseBasic,
  topicOfPath,
  UNAUTHORIZED,
} from './http-answer.js';
import type { ListenerLimits } from './limits.js';
import { listenOn } from './listen.js';
import { reportEvent, safeAuthenticate, safePublish } from './safe-gate.js';
import type { Listener, ListenerEvent, SensorGate } from './types.js';

export async function startHttpListener(
  spec: { readonly address: string; readonly port: number },
  limits: ListenerLimits,
  gate: SensorGate,
  log: Logger,
): Promise<Listener> {
  const l = new HttpListener(limits, gate, log.child({ component: 'http-listener' }));
  await listenOn(
    l.server,
    { host: spec.address, port: spec.port },
    `http ${formatPeer(spec.address, spec.port)}`,
  );
  return l;
}

type Body = { ok: true; bytes: Buffer } | { ok: false; isTooLarge: boolean };

class HttpListener implements Listener {
  readonly server: Server;
  private readonly counters: Counters = newCounters();
  private readonly admission: ConnectionAdmission;
  private readonly sockets = new Set<Socket>();
  private closing: Promise<void> | null = null;

  constructor(
    private readonly limits: ListenerLimits,
    private readonly gate: SensorGate,
    private readonly log: Logger,
  ) {
    this.admission = new ConnectionAdmission(limits.maxConnections, limits.perSourceConnectsPerMin);
    this.server = createServer(
      {
        maxHeaderSize: limits.maxHeaderBytes,
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        // How often node:http checks the two deadlines above (its default is 30 s).
        connectionsCheckingInterval: limits.timerResolutionMs,
        noDelay: true,
      },
      (req, res) => {
        this.onRequest(req, res).catch((err: unknown) => {
          log.error({ err }, 'http request failed');
          if (!res.headersSent) this.send(res, errorAnswer(500, 'internal', 'internal error'), true);
        });
      },
    );
    this.server.on('connection', (s: Socket) => this.onConnection(s));
    this.server.on('clientError', (err: NodeJS.ErrnoException, s: Socket) => this.onClientError(err, s));
    this.server.on('error', (err) => log.error({ err }, 'http listener error'));
  }

  private emit(e: ListenerEvent): void {
    const isRefusal =
      e.kind === 'limit' && (e.limit === 'maxConnections' || e.limit === 'perSourceConnectsPerMin');
    if (isRefusal) this.log.debug({ ...e }, 'listener.refused');
    else this.log.warn({ ...e }, `listener.${e.kind}`);
    reportEvent(this.gate, this.log, this.counters, e);
  }

  private onConnection(socket: Socket): void {
    const peer = formatPeer(socket.remoteAddress, socket.remotePort);
    const a =
      this.closing === null
        ? this.admission.admit(sourceOf(socket.remoteAddress), performance.now())
        : { ok: false as const, limit: 'maxConnections' as const, reason: 'listener closing' };
    if (!a.ok) {
      socket.destroy();
      this.emit({ kind: 'limit', via: 'http', sensorId: null, peer, limit: a.limit, reason: a.reason });
      return;
    }
    this.counters.accepted++;
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.admission.release();
    });
  }

  private onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
    const peer = formatPeer(socket.remoteAddress, socket.remotePort);
    let status = 400;
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      status = 431;
      this.emit({
        kind: 'limit',
        via: 'http',
        sensorId: null,
        peer,
        limit: 'maxHeaderBytes',
        reason: err.message,
      });
    } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      status = 408;
      const reason = 'request not complete in time';
      this.emit({ kind: 'limit', via: 'http', sensorId: null, peer, limit: 'requestTimeoutMs', reason });
    } else if (err.code !== 'ECONNRESET') {
      this.emit({ kind: 'malformed', via: 'http', sensorId: null, peer, reason: err.message });
    }
    if (socket.writable && err.code !== 'ECONNRESET') {
      socket.end(
        `HTTP/1.1 ${status} ${status === 400 ? 'Bad Request' : 'Error'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
      );
    } else socket.destroy();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const peer = formatPeer(req.socket.remoteAddress, req.socket.remotePort);
    // A refusal before the body is read closes the connection when a body follows: keeping it
    // alive would make node:http read and discard whatever an unauthenticated peer sends (closing,
    // it lingers over at most LINGER_BYTES of it).
    const hasBody =
      req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? '0') > 0;
    const route = topicOfPath(req.url ?? '');
    if (route === null) return this.send(res, errorAnswer(404, 'not-found', 'POST /t/<topic>'), hasBody);
    if (req.method !== 'POST') {
      return this.send(res, errorAnswer(405, 'method-not-allowed', 'POST only', { allow: 'POST' }), hasBody);
    }
    if (!route.ok) {
      this.emit({ kind: 'malformed', via: 'http', sensorId: null, peer, reason: route.reason });
      return this.send(res, errorAnswer(400, 'bad-request', route.reason), true);
    }
    const creds = parseBasic(req.headers.authorization);
    if (creds === null) {
      const reason = 'no Basic credentials';
      this.emit({ kind: 'auth-failed', via: 'http', sensorId: '', peer, reason });
      return this.send(res, UNAUTHORIZED, hasBody);
    }
    const max = this.limits.maxBodyBytes;
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > max) return this.tooLarge(res, creds.sensorId, peer, `Content-Length ${declared}`);
    const auth = await safeAuthenticate(this.gate, this.log, creds.sensorId, creds.secret, 'http', peer);
    if (!auth.ok) {
      this.emit({ kind: 'auth-failed', via: 'http', sensorId: creds.sensorId, peer, reason: auth.reason });
      return this.send(res, UNAUTHORIZED, hasBody);
    }
    const body = await readBody(req, max);
    if (!body.ok) {
      if (body.isTooLarge) this.tooLarge(res, creds.sensorId, peer, 'body');
      return;
    }
    this.counters.publishes++;
    this.counters.inFlight++;
    const r = await safePublish(this.gate, this.log, creds.sensorId, route.topic, body.bytes, 'http');
    this.counters.inFlight--;
    if (r.ok) this.counters.acked++;
    else if (r.kind === 'denied') this.counters.denied++;
    else this.counters.unavailable++;
    this.send(res, answerFor(r, this.limits.unavailableRetryAfterS), false);
  }

  private tooLarge(res: ServerResponse, sensorId: string, peer: string, what: string): void {
    const reason = `${what} over ${this.limits.maxBodyBytes} bytes`;
    this.emit({ kind: 'limit', via: 'http', sensorId, peer, limit: 'maxBodyBytes', reason });
    this.send(res, errorAnswer(413, 'too-large', reason), true);
  }

  /** Writes an answer; `isClosing` ends the connection after it (the rest of a body is not read). */
  private send(res: ServerResponse, a: HttpAnswer, isClosing: boolean): void {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string> = {
      ...a.headers,
      'content-length': String(Buffer.byteLength(a.body)),
    };
    if (isClosing) headers['connection'] = 'close';
    if (isClosing && !res.req.complete) lingerOnClose(res.req);
    res.writeHead(a.status, headers);
    res.end(a.body);
  }

  address(): string {
    const a = this.server.address();
    return a === null || typeof a === 'string' ? String(a) : formatPeer(a.address, a.port);
  }

  deliver(): boolean {
    return false;
  }

  disconnect(): boolean {
    return false;
  }

  stats() {
    return snapshot('http', this.counters, this.sockets.size, 0);
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      // A request still waiting for the journal is cut off: the sensor retries without a 202.
      for (const s of this.sockets) s.destroy();
    });
    return this.closing;
  }
}

/** After an answer that closes the connection before the body was read: bytes still read and dropped. */
export const LINGER_BYTES = 1024 * 1024;
/** … and for how long, ms. */
export const LINGER_MS = 2000;

/**
 * Replaces how node:http closes this request's connection once its answer is written. Its
 * socket.destroySoon() ends the socket and destroys it as soon as the answer is out; a client still
 * sending the body then gets a reset, and a reset can discard the answer before the client reads it
 * (curl prints status 000). Instead the socket is half-closed (answer and FIN go out) and what the
 * client still sends is read and dropped until the body is complete, at most {@link LINGER_BYTES}
 * or {@link LINGER_MS}; then it is closed, with nothing unread, so without a reset.
 */
function lingerOnClose(req: IncomingMessage): void {
  const socket = req.socket;
  socket.destroySoon = () => {
    socket.end();
    let n = 0;
    const stop = (): void => {
      clearTimeout(timer);
      socket.destroy();
    };
    const timer = setTimeout(stop, LINGER_MS);
    timer.unref();
    socket.on('data', (c: Buffer) => {
      n += c.length;
      if (n > LINGER_BYTES) stop();
    });
    socket.once('close', () => clearTimeout(timer));
    if (req.complete) return stop();
    req.once('end', stop);
    req.once('error', stop);
    req.resume();
  };
}

/** Reads a body of at most `max` bytes; past it, stops reading and reports it. */
function readBody(req: IncomingMessage, max: number): Promise<Body> {
  return new Promise<Body>((resolve) => {
    const parts: Buffer[] = [];
    let n = 0;
    const done = (b: Body): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
      resolve(b);
    };
    const onData = (chunk: Buffer): void => {
      n += chunk.length;
      if (n > max) {
        req.pause();
        done({ ok: false, isTooLarge: true });
      } else parts.push(chunk);
    };
    const onEnd = (): void => done({ ok: true, bytes: Buffer.concat(parts, n) });
    const onError = (): void => done({ ok: false, isTooLarge: false });
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('aborted', onError);
  });
}
