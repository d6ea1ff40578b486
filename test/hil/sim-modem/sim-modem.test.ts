import { lstat, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimModem, type SimModemOptions } from '../../../hil/sim-modem/sim-modem.js';
import { exchange, readUntil, within } from './sim-kit.js';

const DEADLINE_MS = 3000;

function openPort(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  return new Promise((resolve, reject) => port.open((err) => (err ? reject(err) : resolve(port))));
}

const closePort = (p: SerialPort | null): Promise<void> =>
  new Promise((resolve) => (p?.isOpen === true ? p.close(() => resolve()) : resolve()));

/** A started sim and the agent's open port; everything is torn down even when `body` throws. */
async function withSim(
  opts: Omit<SimModemOptions, 'dir'>,
  body: (sim: SimModem, agent: SerialPort) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ztgw-sim-'));
  const sim = new SimModem({ ...opts, dir });
  let agent: SerialPort | null = null;
  try {
    await sim.start();
    agent = await openPort(sim.agentPath);
    await body(sim, agent);
  } finally {
    await closePort(agent);
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

test('AT → OK with power-up echo; ATE0 turns echo off; the command log', () =>
  withSim({ profile: 'quectel-ec25' }, async (sim, agent) => {
    assert.is(await exchange(agent, 'AT'), 'AT\r\r\nOK\r\n');
    assert.is(await exchange(agent, 'ATE0'), 'ATE0\r\r\nOK\r\n');
    assert.is(await exchange(agent, 'AT+CSQ'), '\r\n+CSQ: 21,99\r\n\r\nOK\r\n');
    assert.is(await exchange(agent, 'ATS7=45'), '\r\nOK\r\n');
    assert.is(await exchange(agent, 'ATS7?'), '\r\n045\r\n\r\nOK\r\n');
    assert.equal(
      sim.received.map((r) => r.command),
      ['AT', 'ATE0', 'AT+CSQ', 'ATS7=45', 'ATS7?'],
    );
    const seen = await sim.waitForCommand('at+csq', { timeoutMs: DEADLINE_MS });
    assert.is(seen.command, 'AT+CSQ');
  }));

test('waitForCommand waits for a new command and gives up at its deadline', () =>
  withSim({ profile: 'generic' }, async (sim, agent) => {
    const from = sim.received.length;
    const waiting = sim.waitForCommand(/^AT\+CIMI$/, { timeoutMs: DEADLINE_MS, fromIndex: from });
    agent.write('AT+CIMI\r');
    assert.is((await waiting).command, 'AT+CIMI');
    let error: unknown = null;
    await sim.waitForCommand('AT+NEVER', { timeoutMs: 50 }).catch((e: unknown) => {
      error = e;
    });
    assert.instance(error, Error);
  }));

test('fault echo-stuck: echo stays on after ATE0', () =>
  withSim({ profile: 'telit-le910' }, async (sim, agent) => {
    sim.setFault('echo-stuck');
    assert.is(await exchange(agent, 'ATE0'), 'ATE0\r\r\nOK\r\n');
    assert.is(await exchange(agent, 'AT'), 'AT\r\r\nOK\r\n');
    sim.clearFault('echo-stuck');
    assert.is(await exchange(agent, 'AT'), '\r\nOK\r\n');
  }));

test('fault crcrlf and garbage', () =>
  withSim({ profile: 'generic', state: { echo: false } }, async (sim, agent) => {
    sim.setFault('crcrlf');
    assert.is(await exchange(agent, 'AT'), '\r\nOK\r\r\n');
    sim.clearFault('crcrlf');
    sim.setFault('garbage', { bytes: 5, seed: 3 });
    const got = await exchange(agent, 'AT');
    assert.is(got.length, 5 + '\r\nOK\r\n'.length);
    assert.ok(
      [...got.slice(0, 5)].every((ch) => ch.charCodeAt(0) >= 0x80),
      JSON.stringify(got),
    );
    assert.ok(got.endsWith('\r\nOK\r\n'));
  }));

test('fault silence: nothing at all until cleared', () =>
  withSim({ profile: 'generic' }, async (sim, agent) => {
    sim.setFault('silence');
    const mark = sim.received.length;
    const all = readUntil(agent, (t) => t.includes('OK'), DEADLINE_MS);
    agent.write('AT+CGMI\r');
    await sim.waitForCommand('AT+CGMI', { timeoutMs: DEADLINE_MS, fromIndex: mark });
    sim.clearFault('silence');
    agent.write('AT\r');
    assert.is(await all, 'AT\r\r\nOK\r\n');
  }));

test('fault final-dropped then final-delayed', () =>
  withSim({ profile: 'simcom-sim7600', state: { echo: false } }, async (sim, agent) => {
    sim.setFault('final-dropped', { count: 1 });
    const dropped = readUntil(agent, (t) => t.includes('OK'), DEADLINE_MS);
    agent.write('AT+CSQ\r');
    await sim.waitForCommand('AT+CSQ', { timeoutMs: DEADLINE_MS });
    agent.write('AT\r');
    assert.is(await dropped, '\r\n+CSQ: 19,99\r\n\r\nOK\r\n');
    sim.setFault('final-delayed', { count: 1, delayMs: 150 });
    const started = Date.now();
    assert.is(await exchange(agent, 'AT+CSQ'), '\r\n+CSQ: 19,99\r\n\r\nOK\r\n');
    assert.ok(Date.now() - started >= 140, 'final came late');
    assert.equal(sim.activeFaults, {});
  }));

test('registration URCs from setState, and emitUrc', () =>
  withSim({ profile: 'quectel-ec25', state: { echo: false } }, async (sim, agent) => {
    assert.is(await exchange(agent, 'AT+CEREG=2'), '\r\nOK\r\n');
    const urc = readUntil(agent, (t) => t.endsWith('\r\n+CEREG: 2\r\n'), DEADLINE_MS);
    sim.setState({ registration: { eps: { state: 'searching' } } });
    assert.is(await urc, '\r\n+CEREG: 2\r\n');
    const custom = readUntil(agent, (t) => t.endsWith('RING\r\n'), DEADLINE_MS);
    sim.emitUrc('RING');
    assert.is(await custom, '\r\nRING\r\n');
  }));

test('fault urc-storm: URCs keep coming until cleared', () =>
  withSim({ profile: 'quectel-bg96', state: { echo: false } }, async (sim, agent) => {
    const three = readUntil(agent, (t) => t.split('\r\n').filter((l) => l !== '').length >= 3, DEADLINE_MS);
    sim.setFault('urc-storm', { perSecond: 100, lines: ['RING', '+CEREG: 1'] });
    const text = await three;
    sim.clearFault('urc-storm');
    assert.ok(text.startsWith('\r\nRING\r\n\r\n+CEREG: 1\r\n\r\nRING\r\n'), JSON.stringify(text));
  }));

test('SIM busy after +CFUN=1 for the fault window (shell clock)', async () => {
  let nowMs = 1_000;
  await withSim(
    { profile: 'ublox-sara-r5', state: { echo: false }, clock: () => nowMs },
    async (sim, agent) => {
      sim.setFault('sim-busy-after-cfun', { durationMs: 5000 });
      await exchange(agent, 'AT+CMEE=1');
      await exchange(agent, 'AT+CFUN=0');
      await exchange(agent, 'AT+CFUN=1');
      assert.is(await exchange(agent, 'AT+CPIN?'), '\r\n+CME ERROR: 14\r\n');
      assert.is(await exchange(agent, 'AT+CCID'), '\r\n+CME ERROR: 14\r\n');
      nowMs += 5001;
      assert.is(await exchange(agent, 'AT+CPIN?'), '\r\n+CPIN: READY\r\n\r\nOK\r\n');
    },
  );
});

test('AT+CFUN=1,1: OK, silence, boot URCs, settings back to power-up', () =>
  withSim({ profile: 'quectel-ec25' }, async (sim, agent) => {
    await exchange(agent, 'ATE0');
    await exchange(agent, 'AT+CMEE=2');
    const rebooted = sim.waitForEvent('rebooted', DEADLINE_MS);
    const boot = readUntil(agent, (t) => t.includes('+QIND: PB DONE\r\n'), DEADLINE_MS);
    agent.write('AT+CFUN=1,1\r');
    await rebooted;
    assert.is(
      await boot,
      '\r\nOK\r\n\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n\r\n+QIND: SMS DONE\r\n\r\n+QIND: PB DONE\r\n',
    );
    assert.is(await exchange(agent, 'AT+CPIN="9"'), 'AT+CPIN="9"\r\r\nERROR\r\n');
  }));

test('fault reboot-mid-command: cut response, lost commands, boot, echo back on', () =>
  withSim({ profile: 'quectel-ec25', state: { echo: false } }, async (sim, agent) => {
    sim.setFault('reboot-mid-command', { silentMs: 300 });
    const rebooted = sim.waitForEvent('rebooted', DEADLINE_MS);
    const all = readUntil(agent, (t) => t.includes('PB DONE\r\n'), DEADLINE_MS);
    const mark = sim.received.length;
    agent.write('AT+QCCID\r');
    await sim.waitForCommand('AT+QCCID', { timeoutMs: DEADLINE_MS, fromIndex: mark });
    agent.write('AT\r');
    await sim.waitForCommand('AT', { timeoutMs: DEADLINE_MS, fromIndex: mark });
    await rebooted;
    const text = await all;
    assert.ok(text.startsWith('\r\n+QCCID: 894901'), JSON.stringify(text));
    assert.not.ok(text.includes('OK'), JSON.stringify(text));
    assert.ok(text.includes('\r\nRDY\r\n'), JSON.stringify(text));
    assert.is(await exchange(agent, 'AT'), 'AT\r\r\nOK\r\n');
  }));

test('fault port-vanish: the agent end closes, the pair comes back under a new name', () =>
  withSim({ profile: 'quectel-ec25', agentLinkName: 'ttyUSB2' }, async (sim, agent) => {
    const oldPath = sim.agentPath;
    assert.ok(oldPath.endsWith('/ttyUSB2'));
    // The agent keeps reading, as the AT engine does; the I/O error shows up on the pending read.
    agent.on('data', () => undefined);
    agent.on('error', () => undefined);
    let isClosed = false;
    const closed = new Promise<void>((resolve) =>
      agent.once('close', () => {
        isClosed = true;
        resolve();
      }),
    );
    const vanished = sim.waitForEvent('port-vanished', DEADLINE_MS);
    const returned = sim.waitForEvent('port-returned', DEADLINE_MS);
    sim.setFault('port-vanish', { downMs: 100, nextLinkName: 'ttyUSB3' });
    await vanished;
    // The pending read alone does not always see the hangup (serialport's poller misses it about
    // one time in four here); a write to the port, as the AT engine's next command would be, fails
    // with EIO and closes it.
    await new Promise((r) => setTimeout(r, 50));
    if (!isClosed) agent.write('AT\r');
    await within(closed, DEADLINE_MS, 'agent port closed');
    assert.equal(await returned, { agentPath: oldPath.replace(/ttyUSB2$/, 'ttyUSB3') });
    let oldExists = true;
    await lstat(oldPath).catch(() => {
      oldExists = false;
    });
    assert.is(oldExists, false);
    const again = await openPort(sim.agentPath);
    try {
      assert.is(await exchange(again, 'AT'), 'AT\r\r\nOK\r\n');
    } finally {
      await closePort(again);
    }
  }));

test('stop() ends a pending delayed final and a URC storm at once', () =>
  withSim({ profile: 'generic', state: { echo: false } }, async (sim, agent) => {
    sim.setFault('final-delayed', { count: 1, delayMs: 3_600_000 });
    sim.setFault('urc-storm', { perSecond: 5 });
    agent.write('AT+CSQ\r');
    await sim.waitForCommand('AT+CSQ', { timeoutMs: DEADLINE_MS });
    const started = Date.now();
    await within(sim.stop(), DEADLINE_MS, 'stop');
    assert.ok(Date.now() - started < DEADLINE_MS);
    let error: unknown = null;
    try {
      void sim.agentPath;
    } catch (e) {
      error = e;
    }
    assert.instance(error, Error);
  }));

test.run();
