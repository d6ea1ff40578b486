import { chmod, lstat, mkdtemp, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PtyPair } from '../../../hil/sim-modem/pty-pair.js';
import { readUntil } from './sim-kit.js';

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    // Absent is the answer being asked for.
    return false;
  }
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Error) return e;
  }
  throw new Error('expected a rejection');
}

function open(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  return new Promise((resolve, reject) => port.open((err) => (err ? reject(err) : resolve(port))));
}

const closePort = (p: SerialPort | null): Promise<void> =>
  new Promise((resolve) => (p?.isOpen === true ? p.close(() => resolve()) : resolve()));

test('starts socat, links both ends, carries bytes both ways, cleans up on close', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ztgw-pty-'));
  let pair: PtyPair | null = null;
  let a: SerialPort | null = null;
  let b: SerialPort | null = null;
  try {
    pair = await PtyPair.start({ dir, agentLinkName: 'ttyUSB2' });
    assert.is(pair.agentPath, join(dir, 'ttyUSB2'));
    assert.is(pair.simPath, join(dir, 'ttyUSB2.sim'));
    assert.match(await readlink(pair.agentPath), /^\/dev\/pts\/\d+$/);
    assert.match(await readlink(pair.simPath), /^\/dev\/pts\/\d+$/);
    a = await open(pair.agentPath);
    b = await open(pair.simPath);
    const atSim = readUntil(b, (t) => t === 'AT\r', 2000);
    a.write('AT\r');
    assert.is(await atSim, 'AT\r');
    const atAgent = readUntil(a, (t) => t === '\r\nOK\r\n', 2000);
    b.write('\r\nOK\r\n');
    assert.is(await atAgent, '\r\nOK\r\n');
    await closePort(a);
    await closePort(b);
    await pair.close();
    assert.is(pair.isRunning, false);
    assert.is(await exists(pair.agentPath), false);
    assert.is(await exists(pair.simPath), false);
  } finally {
    await closePort(a);
    await closePort(b);
    await pair?.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('replaces a stale symlink left by an earlier run', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ztgw-pty-'));
  let pair: PtyPair | null = null;
  try {
    await symlink('/dev/pts/999999', join(dir, 'modem'));
    pair = await PtyPair.start({ dir, agentLinkName: 'modem', simLinkName: 'sim' });
    assert.match(await readlink(join(dir, 'modem')), /^\/dev\/pts\/\d+$/);
  } finally {
    await pair?.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('refuses a regular file in the way and bad link names', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ztgw-pty-'));
  try {
    await writeFile(join(dir, 'modem'), 'keep me');
    const e = await rejection(PtyPair.start({ dir, agentLinkName: 'modem' }));
    assert.match(e.message, /is not a symlink/);
    const bad = await rejection(PtyPair.start({ dir, agentLinkName: '../modem' }));
    assert.instance(bad, TypeError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a socat that cannot start is reported, not waited for', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ztgw-pty-'));
  try {
    const e = await rejection(
      PtyPair.start({ dir, agentLinkName: 'modem', socatPath: join(dir, 'no-such-socat') }),
    );
    assert.match(e.message, /socat exited before the links appeared/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('links that never appear: bounded wait, and the process is killed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ztgw-pty-'));
  try {
    const fake = join(dir, 'fake-socat');
    await writeFile(fake, '#!/bin/sh\nexec sleep 30\n');
    await chmod(fake, 0o755);
    const started = Date.now();
    const e = await rejection(
      PtyPair.start({
        dir,
        agentLinkName: 'modem',
        socatPath: fake,
        readyTimeoutMs: 200,
        killTimeoutMs: 1000,
      }),
    );
    assert.match(e.message, /not ready in time/);
    assert.ok(Date.now() - started < 3000, 'bounded');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
