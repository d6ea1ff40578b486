/**
 * The `ztgw modem` CLI as a technician uses it: raw commands, watch, and the errors that must name
 * their cause (no port, nothing behind the port, port busy, usage).
 */
import { spawn } from 'node:child_process';

import { SerialPort } from 'serialport';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PtyPair } from '../sim-modem/pty-pair.js';
import { hilEnv, runCli, withSim, withTempDir, ZTGW } from './kit.js';

const env = hilEnv();

test('modem at: prints the answer lines and the final, exit 0', async () => {
  if (env.realModemPath !== null) return;
  await withSim('quectel-ec25', { signal: { csq: 17 } }, async (sim) => {
    const r = await runCli(['modem', 'at', '--port', sim.agentPath, 'AT+CSQ']);
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout, '+CSQ: 17,99\nOK\n');
  });
});

test('modem at: a refused command exits 1 and says ERROR', async () => {
  if (env.realModemPath !== null) return;
  await withSim('quectel-ec25', {}, async (sim) => {
    const r = await runCli(['modem', 'at', '--port', sim.agentPath, 'AT+NOSUCH']);
    assert.is(r.code, 1);
    assert.match(r.stderr, /AT\+NOSUCH: ERROR \[AT_ERROR\]/);
  });
});

test('modem info on a path that does not exist: exit 1, "no such port", at once', async () => {
  const r = await runCli(['modem', 'info', '--port', '/dev/ttyNOPE9']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /no such port: \/dev\/ttyNOPE9 \[SERIAL_NOT_FOUND\]/);
  assert.ok(r.elapsedMs < 10_000);
});

test('modem info on a PTY with nothing behind it: exit 1 naming the probes, in under 10 s', async () => {
  await withTempDir(async (dir) => {
    const pair = await PtyPair.start({ dir, agentLinkName: 'ttyUSB9' });
    try {
      const r = await runCli(['modem', 'info', '--port', pair.agentPath]);
      assert.is(r.code, 1);
      assert.match(
        r.stderr,
        /no answer from .*ttyUSB9 after 3 probes \(AT, 1000 ms each\) \[MODEM_NO_ANSWER\]/,
      );
      assert.ok(r.elapsedMs < 10_000, `took ${r.elapsedMs} ms`);
    } finally {
      await pair.close();
    }
  });
});

test('modem info on a port another process holds: exit 1 naming the holder', async () => {
  await withTempDir(async (dir) => {
    const pair = await PtyPair.start({ dir, agentLinkName: 'ttyUSB4' });
    const holder = new SerialPort({ path: pair.agentPath, baudRate: 115200, autoOpen: false });
    try {
      await new Promise<void>((res, rej) => holder.open((e) => (e ? rej(e) : res())));
      const r = await runCli(['modem', 'info', '--port', pair.agentPath]);
      assert.is(r.code, 1);
      assert.match(
        r.stderr,
        new RegExp(`port busy: .*ttyUSB4 is held by .*node \\(pid ${process.pid}\\).* \\[SERIAL_BUSY\\]`),
      );
    } finally {
      await new Promise<void>((res) => (holder.isOpen ? holder.close(() => res()) : res()));
      await pair.close();
    }
  });
});

test('usage errors exit 2 and name the problem', async () => {
  const a = await runCli(['modem', 'info']);
  assert.is(a.code, 2);
  assert.match(a.stderr, /--port PATH is required/);
  const b = await runCli(['modem', 'info', '--port', '/dev/x', '--baud', 'fast']);
  assert.is(b.code, 2);
  assert.match(b.stderr, /--baud must be a whole number/);
  const c = await runCli(['modem', 'teleport']);
  assert.is(c.code, 2);
  assert.match(c.stderr, /unknown modem command "teleport"/);
});

test('modem watch: one line per change, a registration change shows up', async () => {
  if (env.realModemPath !== null) return;
  await withSim('quectel-ec25', {}, async (sim) => {
    const child = spawn(ZTGW, [
      'modem',
      'watch',
      '--port',
      sim.agentPath,
      '--json',
      '--interval-ms',
      '300',
      '--duration-ms',
      '20000',
    ]);
    const lines: Array<Record<string, unknown>> = [];
    let buf = '';
    const seen = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no roaming line in time; got ${JSON.stringify(lines)}`)),
        15_000,
      );
      child.stdout.on('data', (b: Buffer) => {
        buf += b.toString('utf8');
        for (let i = buf.indexOf('\n'); i !== -1; i = buf.indexOf('\n')) {
          const line = JSON.parse(buf.slice(0, i)) as Record<string, unknown>;
          buf = buf.slice(i + 1);
          lines.push(line);
          const reg = line['registration'] as Record<string, unknown>;
          if (lines.length === 1)
            sim.setState({ registration: { eps: { state: 'roaming' }, cs: { state: 'roaming' } } });
          if (reg['state'] === 'roaming') {
            clearTimeout(timer);
            resolve();
          }
        }
      });
    });
    try {
      await seen;
      const first = lines[0]?.['registration'] as Record<string, unknown>;
      assert.is(first['state'], 'home');
      // No line repeats the one before it: watch prints changes only.
      for (let i = 1; i < lines.length; i++) {
        const { time: _a, ...prev } = lines[i - 1] ?? {};
        const { time: _b, ...cur } = lines[i] ?? {};
        assert.not.equal(cur, prev);
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('close', r));
    }
  });
});

test.run();
