import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Listener, type ListenerLimits, startListener } from '../../../agent/proxies/index.js';
import { silentLogger } from '../../../modem/log.js';
import { deadline, FakeGate, Waiters } from './fake-gate.js';

/** A JSON-lines client that records every line it receives. */
class LineClient {
  readonly lines: unknown[] = [];
  readonly socket: Socket;
  readonly closed: Promise<void>;
  private buf = '';
  private readonly waiters = new Waiters();

  constructor(path: string) {
    this.socket = connect({ path });
    this.socket.on('error', () => undefined);
    this.socket.on('data', (b: Buffer) => {
      this.buf += b.toString('utf8');
      for (let nl = this.buf.indexOf('\n'); nl !== -1; nl = this.buf.indexOf('\n')) {
        this.lines.push(JSON.parse(this.buf.slice(0, nl)));
        this.buf = this.buf.slice(nl + 1);
      }
      this.waiters.wake();
    });
    this.closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
  }

  send(o: unknown): void {
    this.socket.write(`${typeof o === 'string' ? o : JSON.stringify(o)}\n`);
  }

  async waitLines(n: number, timeoutMs = 5000): Promise<unknown[]> {
    await this.waiters.until(() => this.lines.length >= n, `${n} lines`, timeoutMs);
    return this.lines.slice(0, n);
  }

  async login(sensor = 's1', secret = 'secret-1'): Promise<unknown> {
    this.send({ auth: { sensor, secret } });
    const [first] = await this.waitLines(1);
    return first;
  }
}

async function withUnix(
  limits: Partial<ListenerLimits>,
  fn: (path: string, gate: FakeGate, l: Listener, client: () => LineClient) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ztgw-unix-'));
  const path = join(dir, 'sensors.sock');
  const gate = new FakeGate();
  const clients: LineClient[] = [];
  const l = await startListener({ kind: 'unix', path }, limits, gate, silentLogger());
  try {
    await fn(path, gate, l, () => {
      const c = new LineClient(path);
      clients.push(c);
      return c;
    });
  } finally {
    for (const c of clients) c.socket.destroy();
    await deadline(l.close(), 'close');
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the socket is mode 0660; auth, then JSON and base64 payloads answered once durable', () =>
  withUnix({}, async (path, gate, _l, client) => {
    assert.is(statSync(path).mode & 0o777, 0o660);
    gate.answer = () => 'hold';
    const c = client();
    assert.equal(await c.login(), { ok: true });
    c.send({ id: 1, topic: 'readings/x', payload: { t: 21.5, tags: ['a'] } });
    c.send({ id: 2, topic: 'readings/y', payloadB64: Buffer.from([1, 2, 3]).toString('base64') });
    await gate.until(() => gate.held.length === 2, 'both held');
    assert.is(c.lines.length, 1, 'no answer before durable');
    gate.release();
    gate.release({ ok: false, kind: 'denied', rule: 'rate-limited', reason: 'slow down', retryAfterMs: 250 });
    assert.equal((await c.waitLines(3)).slice(1), [
      { id: 1, ok: true },
      { id: 2, ok: false, rule: 'rate-limited', reason: 'slow down', retryAfterMs: 250 },
    ]);
    assert.equal(
      gate.publishes.map((p) => [p.sensorId, p.topic, p.payload.toString('hex'), p.via]),
      [
        ['s1', 'readings/x', Buffer.from('{"t":21.5,"tags":["a"]}').toString('hex'), 'unix'],
        ['s1', 'readings/y', '010203', 'unix'],
      ],
    );
  }));

test('bad credentials: {"ok":false,"error":…} and close', () =>
  withUnix({}, async (_p, gate, _l, client) => {
    const c = client();
    assert.equal(await c.login('s1', 'nope'), { ok: false, error: 'authentication failed' });
    await deadline(c.closed, 'closed');
    const junk = client();
    junk.send('hello');
    assert.equal(await junk.waitLines(1), [{ ok: false, error: 'first line is not JSON' }]);
    await deadline(junk.closed, 'closed');
    assert.equal(
      gate.eventsOf('auth-failed').map((e) => e.sensorId),
      ['s1'],
    );
    assert.is(gate.eventsOf('malformed').length, 1);
  }));

test('unavailable and invalid requests are answered by id and the connection stays; a bad line closes it', () =>
  withUnix({}, async (_p, gate, _l, client) => {
    gate.answer = () => ({ ok: false, kind: 'unavailable', reason: 'journal full' });
    const c = client();
    await c.login();
    c.send({ id: 5, topic: 'readings/x', payload: 1 });
    c.send({ id: 6, topic: 'readings/x' });
    c.send({ id: 7, topic: 'readings/x', payloadB64: '***' });
    // Answers come as they settle (the publish waits for the gate); ids pair them up.
    const byId = (o: unknown): number => (o as { id: number }).id;
    const lines = (await c.waitLines(4)).slice(1).sort((a, b) => byId(a) - byId(b));
    assert.equal(lines, [
      { id: 5, ok: false, error: 'unavailable', reason: 'journal full' },
      { id: 6, ok: false, error: 'invalid', reason: 'exactly one of "payload" and "payloadB64" is needed' },
      { id: 7, ok: false, error: 'invalid', reason: '"payloadB64" is not base64' },
    ]);
    c.send('{"topic":"readings/x","payload":1}');
    assert.equal((await c.waitLines(5))[4], { ok: false, error: '"id" must be an integer' });
    await deadline(c.closed, 'closed');
  }));

test('a line over maxLineBytes closes the connection with a limit event', () =>
  withUnix({ maxLineBytes: 100 }, async (_p, gate, _l, client) => {
    const c = client();
    await c.login();
    c.send({ id: 1, topic: 'readings/x', payload: 'y'.repeat(200) });
    assert.equal((await c.waitLines(2))[1], { ok: false, error: 'line over 100 bytes' });
    await deadline(c.closed, 'closed');
    assert.equal(
      gate.eventsOf('limit').map((e) => e.limit),
      ['maxLineBytes'],
    );
    assert.is(gate.publishes.length, 0);
  }));

test('in-flight cap: with a gate that never answers, at most maxInFlight requests reach it', () =>
  withUnix({ maxInFlight: 3 }, async (_p, gate, l, client) => {
    gate.answer = () => 'hold';
    const c = client();
    await c.login();
    const lines = Array.from({ length: 50 }, (_, i) =>
      JSON.stringify({ id: i, topic: 'readings/x', payload: i }),
    ).join('\n');
    c.socket.write(`${lines}\n`);
    await gate.until(() => gate.held.length === 3, 'three held');
    const other = client();
    assert.equal(await other.login('s2', 'secret-2'), { ok: true }, 'the listener still serves others');
    assert.is(gate.publishes.length, 3);
    assert.ok(l.stats().pauses >= 1);
    gate.releaseAll();
    const all = await c.waitLines(51);
    assert.is(all.length, 51);
    assert.is(gate.maxHeld, 3);
  }));

test('subscribe, then deliver a command to that sensor only; takeover by a second connection', () =>
  withUnix({}, async (_p, gate, l, client) => {
    gate.subscribeAnswer = (_id, f) =>
      f === 'cmd/s1'
        ? { ok: true }
        : { ok: false, kind: 'denied', rule: 'segmentation', reason: 'not yours' };
    const c = client();
    await c.login();
    c.send({ id: 1, subscribe: 'cmd/s1' });
    c.send({ id: 2, subscribe: 'cmd/s2' });
    assert.equal((await c.waitLines(3)).slice(1), [
      { id: 1, ok: true },
      { id: 2, ok: false, rule: 'segmentation', reason: 'not yours' },
    ]);
    assert.is(l.deliver('s1', 'cmd/s2', Buffer.from('x')), false);
    assert.is(l.deliver('s1', 'cmd/s1', Buffer.from('go')), true);
    assert.equal((await c.waitLines(4))[3], {
      topic: 'cmd/s1',
      payloadB64: Buffer.from('go').toString('base64'),
    });
    const again = client();
    await again.login();
    assert.equal((await c.waitLines(5))[4], {
      ok: false,
      error: 'taken over by a new connection of this sensor',
    });
    await deadline(c.closed, 'first closed');
    assert.equal(
      gate.eventsOf('takeover').map((e) => e.sensorId),
      ['s1'],
    );
  }));

test('no auth line within connectTimeoutMs: closed', () =>
  withUnix({ connectTimeoutMs: 150, timerResolutionMs: 20 }, async (_p, gate, _l, client) => {
    const c = client();
    await deadline(c.closed, 'closed', 3000);
    assert.equal(
      gate.eventsOf('limit').map((e) => e.limit),
      ['connectTimeoutMs'],
    );
  }));

const LISTEN_AND_SAY_READY =
  "require('node:net').createServer().listen(process.argv[1], () => process.stdout.write('ready\\n'))";

test('a stale socket file is replaced; a live one, or a file that is not a socket, refuses the start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ztgw-unix-'));
  try {
    const path = join(dir, 's.sock');
    // What a SIGKILLed agent leaves behind: a real process listening, killed with SIGKILL.
    const child = spawn(process.execPath, ['-e', LISTEN_AND_SAY_READY, path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await deadline(new Promise((r) => child.stdout.once('data', r)), 'child listening');
    } finally {
      child.kill('SIGKILL');
    }
    await deadline(new Promise((r) => child.once('exit', r)), 'child gone');
    assert.ok(statSync(path).isSocket(), 'the stale file is there');
    const l = await startListener({ kind: 'unix', path }, {}, new FakeGate(), silentLogger());
    try {
      const err = await startListener({ kind: 'unix', path }, {}, new FakeGate(), silentLogger()).then(
        () => null,
        (e: unknown) => e as { code?: string; message?: string },
      );
      assert.is(err?.code, 'LISTENER_BIND');
      assert.match(err?.message ?? '', /another listener answers/);
    } finally {
      await l.close();
    }
    const file = join(dir, 'plain');
    writeFileSync(file, 'keep me');
    const err = await startListener({ kind: 'unix', path: file }, {}, new FakeGate(), silentLogger()).then(
      () => null,
      (e: unknown) => e as { code?: string; message?: string },
    );
    assert.match(err?.message ?? '', /exists and is not a socket/);
    assert.is(statSync(file).size, 7, 'not removed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
