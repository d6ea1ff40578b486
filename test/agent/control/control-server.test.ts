import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ControlServer, requestControl } from '../../../agent/control/control-server.js';
import { parseRequest } from '../../../agent/control/protocol.js';
import { hasCode } from '../../../modem/errors.js';
import { silentLogger } from '../../../modem/log.js';

async function withServer(fn: (path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ztgw-ctl-'));
  const path = join(dir, 'run', 'control.sock');
  const ac = new AbortController();
  const server = new ControlServer({
    path,
    log: silentLogger(),
    handlers: new Map([
      ['status', () => ({ uplink: 'connected' })],
      [
        'boom',
        () => {
          throw new Error('handler failed');
        },
      ],
    ]),
  });
  await server.start(ac.signal);
  try {
    await fn(path);
  } finally {
    ac.abort();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the socket is mode 0600 and answers a status request', async () => {
  await withServer(async (path) => {
    assert.is(statSync(path).mode & 0o777, 0o600);
    assert.equal(await requestControl(path, 'status'), { uplink: 'connected' });
  });
});

test('unknown command and a failing handler come back as errors, the server keeps going', async () => {
  await withServer(async (path) => {
    const e1 = await requestControl(path, 'nope').then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(hasCode(e1, 'CONTROL_PROTOCOL'));
    assert.match(String(e1), /unknown command nope/);
    const e2 = await requestControl(path, 'boom').then(
      () => null,
      (e: unknown) => e,
    );
    assert.match(String(e2), /handler failed/);
    assert.equal(await requestControl(path, 'status'), { uplink: 'connected' });
  });
});

test('a request that is not JSON gets a protocol error line', async () => {
  await withServer(async (path) => {
    const answer = await new Promise<string>((resolve, reject) => {
      const s = createConnection(path);
      let buf = '';
      s.on('connect', () => s.write('hello\n'));
      s.on('data', (b: Buffer) => {
        buf += b.toString('utf8');
        if (buf.includes('\n')) {
          s.end();
          resolve(buf);
        }
      });
      s.on('error', reject);
    });
    assert.equal(JSON.parse(answer), {
      ok: false,
      error: { code: 'CONTROL_PROTOCOL', message: 'request is not JSON' },
    });
  });
});

test('no agent running: the client says so and names the socket', async () => {
  const e = await requestControl('/tmp/ztgw-no-such/control.sock', 'status').then(
    () => null,
    (x: unknown) => x,
  );
  assert.ok(hasCode(e, 'CONTROL_IO'));
  assert.match(
    String(e),
    /the agent is not running \(no control socket at \/tmp\/ztgw-no-such\/control.sock\)/,
  );
});

test('parseRequest: command names and args checked', () => {
  assert.ok(parseRequest('{"cmd":"status"}').ok);
  assert.not.ok(parseRequest('{"cmd":"Status!"}').ok);
  assert.not.ok(parseRequest('{"cmd":"status","args":[1]}').ok);
  assert.not.ok(parseRequest('[]').ok);
});

test.run();
