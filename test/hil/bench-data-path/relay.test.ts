/**
 * The counting/delay relay with real sockets on loopback: exact byte counts in each direction,
 * order and content kept under delay and back-pressure, a close carried through, chunks held for
 * at least the delay.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Relay, startRelay } from '../../../hil/bench/data-path/relay.js';

/** A target that answers every connection with `handler`. */
function target(handler: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, port: typeof a === 'object' && a !== null ? a.port : 0 });
    });
  });
}

function connectTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect({ host: '127.0.0.1', port });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Reads until `n` bytes arrived (deadline 10 s). */
function readBytes(s: Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    const t = setTimeout(() => reject(new Error(`only ${got} of ${n} bytes`)), 10_000);
    const onData = (b: Buffer): void => {
      parts.push(b);
      got += b.length;
      if (got >= n) {
        clearTimeout(t);
        s.off('data', onData);
        resolve(Buffer.concat(parts));
      }
    };
    s.on('data', onData);
  });
}

async function withRelay(
  handler: (s: Socket) => void,
  opts: { delayMs?: number; maxHeldBytes?: number },
  fn: (relay: Relay) => Promise<void>,
): Promise<void> {
  const t = await target(handler);
  const relay = await startRelay({
    listenHost: '127.0.0.1',
    targetHost: '127.0.0.1',
    targetPort: t.port,
    ...opts,
  });
  try {
    await fn(relay);
  } finally {
    await relay.stop();
    await new Promise((r) => t.server.close(r));
  }
}

test('counts the payload bytes of each direction', async () => {
  await withRelay(
    (s) => s.once('data', () => s.write(Buffer.alloc(300, 2))),
    {},
    async (relay) => {
      const c = await connectTo(relay.port);
      c.write(Buffer.alloc(1000, 1));
      const back = await readBytes(c, 300);
      assert.is(back.length, 300);
      c.destroy();
      // The target answered after the first chunk: everything up had been counted by then or just after.
      const deadline = Date.now() + 5000;
      while (relay.counts().upBytes < 1000 && Date.now() < deadline)
        await new Promise((r) => setImmediate(r));
      assert.equal(relay.counts(), { upBytes: 1000, downBytes: 300, connections: 1 });
    },
  );
});

/** A promise and the function that resolves it. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve: (v: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** `p`, or a rejection naming `what` after `ms`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        t = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(t);
  }
}

test('with a delay and a small hold limit, 4 MiB arrive whole and in order', async () => {
  const data = randomBytes(4 * 1024 * 1024);
  const received = deferred<Promise<Buffer>>();
  await withRelay(
    (s) => received.resolve(readBytes(s, data.length)),
    { delayMs: 2, maxHeldBytes: 16 * 1024 },
    async (relay) => {
      const c = await connectTo(relay.port);
      c.write(data);
      const got = await await within(received.promise, 10_000, 'connection at the target');
      assert.is(got.length, data.length);
      assert.is(
        createHash('sha256').update(got).digest('hex'),
        createHash('sha256').update(data).digest('hex'),
      );
      assert.is(relay.counts().upBytes, data.length);
      c.destroy();
    },
  );
});

test('each chunk is held for the delay', async () => {
  await withRelay(
    (s) => s.on('data', (b) => s.write(b)),
    { delayMs: 40 },
    async (relay) => {
      const c = await connectTo(relay.port);
      const sentAt = performance.now();
      c.write('ping');
      const back = await readBytes(c, 4);
      const rttMs = performance.now() - sentAt;
      assert.is(back.toString(), 'ping');
      // Held once each way; timers may fire up to 1 ms early after rounding.
      assert.ok(rttMs >= 78, `round trip ${rttMs} ms`);
      c.destroy();
    },
  );
});

test('an end from the client reaches the target after the held bytes', async () => {
  const ended = deferred<string>();
  await withRelay(
    (s) => {
      let text = '';
      s.on('data', (b: Buffer) => {
        text += b.toString();
      });
      s.once('end', () => ended.resolve(text));
    },
    { delayMs: 20 },
    async (relay) => {
      const c = await connectTo(relay.port);
      c.end('last words');
      assert.is(await within(ended.promise, 10_000, 'end at the target'), 'last words');
    },
  );
});

test('a negative delay is a programmer error', () => {
  assert.throws(
    () => startRelay({ listenHost: '127.0.0.1', targetHost: '127.0.0.1', targetPort: 1, delayMs: -1 }),
    /delayMs must be/,
  );
});

test.run();
