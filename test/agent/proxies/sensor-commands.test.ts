/** `ztgw sensor hash-secret` (agent/cli/sensor-commands.ts): the credential it prints verifies. */
import { Readable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runSensorCommand } from '../../../agent/cli/sensor-commands.js';
import { createAuthenticator } from '../../../agent/proxies/index.js';

function run(argv: string[], stdin: string): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const io = {
    out: (l: string) => out.push(l),
    err: (l: string) => out.push(l),
    signal: new AbortController().signal,
  };
  return runSensorCommand(argv, io, Readable.from([Buffer.from(stdin)])).then((code) => ({ code, out }));
}

test('hash-secret reads stdin, drops one newline, prints a credential that verifies', async () => {
  const r = await run(['hash-secret', '--scrypt-n', '1024'], 'hunter2 with spaces\n');
  assert.is(r.code, 0);
  assert.is(r.out.length, 1);
  assert.match(r.out[0] ?? '', /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
  const auth = createAuthenticator({ s1: r.out[0] ?? '' });
  assert.is(await auth.verify('s1', 'hunter2 with spaces'), true);
  assert.is(await auth.verify('s1', 'hunter2 with spaces\n'), false);
});

test('--token prints sha256$<hex>, and refuses a short token', async () => {
  const r = await run(['hash-secret', '--token'], 'Zm9vYmFyYmF6cXV4MTIzNDU2\r\n');
  assert.equal([r.code, /^sha256\$[0-9a-f]{64}$/.test(r.out[0] ?? '')], [0, true]);
  assert.is(await createAuthenticator({ t: r.out[0] ?? '' }).verify('t', 'Zm9vYmFyYmF6cXV4MTIzNDU2'), true);
  await run(['hash-secret', '--token'], 'short').then(
    () => assert.unreachable('short token accepted'),
    (e: unknown) => assert.match((e as Error).message, /at least 16 bytes/),
  );
});

test('usage errors: no secret, a secret as an argument, a bad cost, an unknown command', async () => {
  const cases: Array<[string[], string, RegExp]> = [
    [['hash-secret'], '\n', /no secret on stdin/],
    [['hash-secret', 'hunter2'], '', /read from stdin/],
    [['hash-secret', '--scrypt-n', '1500'], 'x', /power of two/],
    [['hash-secret', '--scrypt-n', '512'], 'x', /between 1024 and 1048576/],
    [['frobnicate'], '', /unknown sensor command/],
  ];
  for (const [argv, stdin, re] of cases) {
    const err = await run(argv, stdin).then(
      () => null,
      (e: unknown) => e as { code?: string; message?: string },
    );
    assert.is(err?.code, 'CLI_USAGE', argv.join(' '));
    assert.match(err?.message ?? '', re);
  }
  assert.is((await run([], '')).code, 2);
});

test.run();
