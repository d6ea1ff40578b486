import { request } from 'node:http';
import { connect } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Listener, type ListenerLimits, startListener } from '../../../agent/proxies/index.js';
import { silentLogger } from '../../../modem/log.js';
import { deadline, FakeGate, portOf } from './fake-gate.js';

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function send(
  port: number,
  opts: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: Buffer | string;
    chunks?: Buffer[];
  },
): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'POST',
        path: opts.path ?? '/t/readings/env',
        headers: opts.headers ?? {},
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (opts.chunks !== undefined) {
      for (const c of opts.chunks) req.write(c);
      req.end();
    } else req.end(opts.body);
  });
}

async function withHttp(
  limits: Partial<ListenerLimits>,
  fn: (port: number, gate: FakeGate, l: Listener) => Promise<void>,
): Promise<void> {
  const gate = new FakeGate();
  const l = await startListener(
    { kind: 'http', address: '127.0.0.1', port: 0 },
    limits,
    gate,
    silentLogger(),
  );
  try {
    await fn(portOf(l.address()), gate, l);
  } finally {
    await deadline(l.close(), 'close');
  }
}

const auth = { authorization: basic('s1', 'secret-1') };

test('202 only once the gate has made the reading durable', () =>
  withHttp({}, async (port, gate, l) => {
    gate.answer = () => 'hold';
    let isResolved = false;
    const reply = send(port, { headers: auth, body: '{"t":20.5}' }).then((r) => ({
      r,
      wasResolved: isResolved,
    }));
    await gate.until(() => gate.held.length === 1, 'held');
    assert.equal(gate.publishes[0], {
      sensorId: 's1',
      topic: 'readings/env',
      payload: Buffer.from('{"t":20.5}'),
      via: 'http',
    });
    isResolved = true;
    gate.release();
    const { r, wasResolved } = await deadline(reply, 'reply');
    assert.equal([r.status, r.body, wasResolved], [202, '', true]);
    assert.equal([l.stats().publishes, l.stats().acked], [1, 1]);
  }));

test('401 with WWW-Authenticate for no, malformed or wrong credentials', () =>
  withHttp({}, async (port, gate) => {
    for (const headers of [
      {},
      { authorization: 'Bearer x' },
      { authorization: basic('s1', 'wrong') },
      { authorization: basic('nobody', 'x') },
    ]) {
      const r = await send(port, { headers, body: 'x' });
      assert.is(r.status, 401);
      assert.is(r.headers['www-authenticate'], 'Basic realm="ztgw", charset="UTF-8"');
      assert.equal(JSON.parse(r.body), { error: 'unauthorized', reason: 'valid Basic credentials required' });
    }
    assert.equal(
      gate.eventsOf('auth-failed').map((e) => e.sensorId),
      ['', '', 's1', 'nobody'],
    );
    assert.is(gate.publishes.length, 0);
  }));

test('403 with {error, rule, reason}; 429 with Retry-After rounded up; 413 for a policy size; 503 with Retry-After', () =>
  withHttp({ unavailableRetryAfterS: 7 }, async (port, gate) => {
    gate.answer = (p) => {
      if (p.topic === 'secret')
        return { ok: false, kind: 'denied', rule: 'topic-not-allowed', reason: 'no pattern' };
      if (p.topic === 'fast')
        return { ok: false, kind: 'denied', rule: 'rate-limited', reason: 'over 10/s', retryAfterMs: 1200 };
      if (p.topic === 'big')
        return { ok: false, kind: 'denied', rule: 'payload-too-large', reason: 'over 16' };
      return { ok: false, kind: 'unavailable', reason: 'journal full' };
    };
    const r403 = await send(port, { path: '/t/secret', headers: auth, body: 'x' });
    assert.equal(
      [r403.status, JSON.parse(r403.body)],
      [403, { error: 'denied', reason: 'no pattern', rule: 'topic-not-allowed' }],
    );
    const r429 = await send(port, { path: '/t/fast', headers: auth, body: 'x' });
    assert.equal(
      [r429.status, r429.headers['retry-after'], JSON.parse(r429.body).rule],
      [429, '2', 'rate-limited'],
    );
    const r413 = await send(port, { path: '/t/big', headers: auth, body: 'x' });
    assert.equal([r413.status, JSON.parse(r413.body).rule], [413, 'payload-too-large']);
    const r503 = await send(port, { path: '/t/readings/env', headers: auth, body: 'x' });
    assert.equal(
      [r503.status, r503.headers['retry-after'], JSON.parse(r503.body)],
      [503, '7', { error: 'unavailable', reason: 'journal full' }],
    );
  }));

test('413 over maxBodyBytes: from Content-Length without reading, and mid-stream for a chunked body', () =>
  withHttp({ maxBodyBytes: 1000 }, async (port, gate) => {
    const declared = await send(port, { headers: auth, body: Buffer.alloc(1001) });
    assert.equal([declared.status, declared.headers['connection']], [413, 'close']);
    const streamed = await send(port, {
      headers: auth,
      chunks: [Buffer.alloc(600), Buffer.alloc(600), Buffer.alloc(600)],
    });
    assert.equal([streamed.status, JSON.parse(streamed.body).error], [413, 'too-large']);
    const fits = await send(port, { headers: auth, body: Buffer.alloc(1000) });
    assert.is(fits.status, 202);
    assert.equal(
      gate.eventsOf('limit').map((e) => e.limit),
      ['maxBodyBytes', 'maxBodyBytes'],
    );
    assert.equal(
      gate.publishes.map((p) => p.payload.length),
      [1000],
    );
  }));

test('413 before the body: the rest is read and dropped, then the connection closes without a reset', () =>
  withHttp({ maxBodyBytes: 1000 }, async (port) => {
    const total = 200_000;
    // Half-open allowed, as curl does: the server's FIN does not stop the upload.
    const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let got = '';
    let err: Error | null = null;
    let onAnswer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => {
      onAnswer = resolve;
    });
    s.setEncoding('latin1');
    s.on('data', (c: string) => {
      got += c;
      if (/\r\n\r\n[\s\S]*too-large[\s\S]*}$/.test(got)) onAnswer();
    });
    s.on('error', (e) => {
      err = e;
    });
    const closed = new Promise<void>((resolve) => s.once('close', () => resolve()));
    s.write(
      `POST /t/readings/env HTTP/1.1\r\nhost: x\r\nauthorization: ${auth.authorization}\r\n` +
        `content-length: ${total}\r\n\r\n`,
    );
    s.write(Buffer.alloc(10_000));
    await deadline(answered, 'the 413', 3000);
    assert.match(got, /^HTTP\/1\.1 413 /);
    // The answer is out; the client goes on sending its body, as curl does. node:http's own close
    // would reset the connection here (EPIPE / ECONNRESET on these writes).
    await new Promise((r) => setTimeout(r, 50));
    for (let sent = 10_000; sent < total; sent += 10_000) {
      s.write(Buffer.alloc(10_000));
      await new Promise((r) => setTimeout(r, 2));
    }
    s.end();
    await deadline(closed, 'the server closing', 3000);
    assert.is(err, null, 'no reset');
  }));

test('404 for another path, 405 (Allow: POST) for another method, 400 for a bad escape', () =>
  withHttp({}, async (port) => {
    assert.is((await send(port, { path: '/', headers: auth })).status, 404);
    assert.is((await send(port, { path: '/t/', headers: auth })).status, 404);
    const r405 = await send(port, { method: 'GET', headers: auth });
    assert.equal([r405.status, r405.headers['allow']], [405, 'POST']);
    assert.is((await send(port, { path: '/t/a%zz', headers: auth, body: 'x' })).status, 400);
  }));

test('431 for a head over maxHeaderBytes; the listener keeps serving', () =>
  withHttp({ maxHeaderBytes: 2048 }, async (port, gate) => {
    const r = await send(port, { headers: { ...auth, 'x-pad': 'a'.repeat(4096) }, body: 'x' });
    assert.is(r.status, 431);
    assert.equal(
      gate.eventsOf('limit').map((e) => e.limit),
      ['maxHeaderBytes'],
    );
    assert.is((await send(port, { headers: auth, body: 'x' })).status, 202);
  }));

test('garbage instead of HTTP gets 400 and a malformed event', () =>
  withHttp({}, async (port, gate) => {
    const s = connect({ host: '127.0.0.1', port });
    let got = '';
    s.on('data', (b: Buffer) => {
      got += b.toString();
    });
    const closed = new Promise<void>((resolve) => s.once('close', () => resolve()));
    s.write('\x00\x01\x02 not http\r\n\r\n');
    await deadline(closed, 'closed');
    assert.match(got, /^HTTP\/1\.1 400 /);
    assert.is(gate.eventsOf('malformed').length, 1);
  }));

test('a request head trickling past headersTimeoutMs gets 408 and a limit event', () =>
  withHttp({ headersTimeoutMs: 200, requestTimeoutMs: 300, timerResolutionMs: 50 }, async (port, gate) => {
    const s = connect({ host: '127.0.0.1', port });
    let got = '';
    s.on('data', (b: Buffer) => {
      got += b.toString();
    });
    const closed = new Promise<void>((resolve) => s.once('close', () => resolve()));
    s.write('POST /t/readings/env HTTP/1.1\r\nHost: x\r\n');
    await deadline(closed, 'closed by the listener', 5000);
    assert.match(got, /^HTTP\/1\.1 408 /);
    assert.equal(
      gate.eventsOf('limit').map((e) => e.limit),
      ['requestTimeoutMs'],
    );
  }));

test('maxConnections: one more connection is closed at once', () =>
  withHttp({ maxConnections: 2 }, async (port, gate) => {
    const open = [connect({ host: '127.0.0.1', port }), connect({ host: '127.0.0.1', port })];
    await Promise.all(open.map((s) => new Promise((r) => s.once('connect', r))));
    const third = connect({ host: '127.0.0.1', port });
    third.on('error', () => undefined);
    await deadline(new Promise((r) => third.once('close', r)), 'third closed');
    assert.equal(
      gate.eventsOf('limit').map((e) => e.limit),
      ['maxConnections'],
    );
    for (const s of open) s.destroy();
  }));

test.run();
