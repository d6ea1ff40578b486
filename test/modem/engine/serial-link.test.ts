import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PtyPair } from '../../../hil/sim-modem/pty-pair.js';
import { openSerialLink } from '../../../modem/engine/serial-link.js';
import { hasCode } from '../../../modem/errors.js';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

test('no such port: SERIAL_NOT_FOUND naming the path', async () => {
  const err = await rejection(openSerialLink('/dev/ttyNOPE7'));
  assert.ok(hasCode(err, 'SERIAL_NOT_FOUND'));
  assert.match(String(err), /no such port: \/dev\/ttyNOPE7/);
});

test('a regular file is not a serial device', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ztgw-sl-'));
  try {
    writeFileSync(join(dir, 'f'), '');
    const err = await rejection(openSerialLink(join(dir, 'f')));
    assert.ok(hasCode(err, 'SERIAL_NOT_FOUND'));
    assert.match(String(err), /not a serial device/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a port ModemManager holds without a lock is refused, naming it and the udev fix', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ztgw-sl-'));
  const pair = await PtyPair.start({ dir, agentLinkName: 'ttyUSB2' });
  try {
    const findHolders = async () => [{ pid: 812, command: 'ModemManager' }];
    const err = await rejection(openSerialLink(pair.agentPath, { findHolders }));
    assert.ok(hasCode(err, 'SERIAL_BUSY'));
    assert.match(String(err), /also open in ModemManager \(pid 812\)/);
    assert.match(String(err), /ID_MM_DEVICE_IGNORE=1/);
    // The port was released again: a second open works.
    const link = await openSerialLink(pair.agentPath, { findHolders: async () => [] });
    await link.close();
  } finally {
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('socat (or any program that is not an AT client) holding the PTY is no conflict', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ztgw-sl-'));
  const pair = await PtyPair.start({ dir, agentLinkName: 'ttyUSB3' });
  try {
    const link = await openSerialLink(pair.agentPath);
    await link.close();
  } finally {
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
