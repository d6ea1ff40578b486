/**
 * Recovery through the real serial path, in-process so the test can act between steps: a late
 * reply after a timeout, a port that vanishes and comes back under another name, a reboot in the
 * middle of a read, and a modem that never comes back.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AtEngine } from '../../modem/engine/at-engine.js';
import { openSerialLink } from '../../modem/engine/serial-link.js';
import { DEFAULT_TIMEOUT_RULES } from '../../modem/engine/timeouts.js';
import type { UsbIdentity } from '../../modem/engine/usb-find.js';
import { hasCode, isZtgwError } from '../../modem/errors.js';
import { silentLogger } from '../../modem/log.js';
import { DEFAULT_MODEM_CONFIG, Modem, type ModemConfig } from '../../modem/service/modem.js';
import { readModemInfo } from '../../modem/service/read-info.js';
import { FakeSysfs } from '../../test/fakes/fake-sysfs.js';
import { PROFILES } from '../sim-modem/profiles/index.js';
import { hilEnv, withSim } from './kit.js';

const env = hilEnv();
const EC25_USB: UsbIdentity = { vendorId: '2c7c', productId: '0125', serial: null, interfaceNumber: '02' };
const EC25 = PROFILES['quectel-ec25'];
/** Short waits so a ladder climbs in seconds: the rungs are what is under test, not the back-off. */
const QUICK: Omit<ModemConfig, 'path'> = {
  ...DEFAULT_MODEM_CONFIG,
  timeoutRules: [{ match: /^AT\+CFUN=[04]$/, timeoutMs: 1500 }, ...DEFAULT_TIMEOUT_RULES],
  recovery: { backoffBaseMs: 100, backoffMaxMs: 400, maxResetsPerHour: 10, hasPowerCycle: false },
};

test('a reply that comes after its timeout is never taken as the next answer', async () => {
  if (env.realModemPath !== null) return;
  await withSim('quectel-ec25', {}, async (sim) => {
    const link = await openSerialLink(sim.agentPath);
    const engine = new AtEngine({ link, log: silentLogger() });
    try {
      await engine.send('ATE0');
      sim.setFault('final-delayed', { count: 1, delayMs: 1200 });
      const err = await engine.send('AT+CGMM', { timeoutMs: 400 }).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(hasCode(err, 'AT_TIMEOUT'), String(err));
      if (isZtgwError(err)) assert.is(err.details['phase'], 'final'); // EC25 was answered, OK was not
      // The OK of AT+CGMM arrives while this command is queued; it must not complete it.
      const cgmi = await engine.send('AT+CGMI');
      assert.equal(cgmi.lines, ['Quectel']);
      const cgsn = await engine.send('AT+CGSN');
      assert.equal(cgsn.lines, [EC25?.initialState.identity.imei]);
      assert.is(engine.stats.resyncs, 1);
      const sent = sim.received.map((r) => r.command);
      const i = sent.indexOf('AT+CGMM');
      assert.match(sent[i + 1] ?? '', /^ATS7=\d+$/);
      assert.is(sent[i + 2], 'ATS7?');
      assert.is(sent[i + 3], 'AT+CGMI');
    } finally {
      await engine.close();
    }
  });
});

test('port vanishes and comes back as another ttyUSB: found again by USB identity, reads go on', async () => {
  if (env.realModemPath !== null) return;
  const fs = new FakeSysfs();
  try {
    await withSim('quectel-ec25', {}, async (sim) => {
      const path = fs.addUsbTty('ttyUSB2', EC25_USB, sim.agentPath);
      sim.on('port-vanished', () => fs.removeTty('ttyUSB2'));
      sim.on('port-returned', (e: { agentPath: string }) => fs.addUsbTty('ttyUSB3', EC25_USB, e.agentPath));
      const modem = new Modem({ ...QUICK, path }, { log: silentLogger(), sysPaths: fs.paths });
      await modem.start(new AbortController().signal);
      try {
        const returned = sim.waitForEvent('port-returned', 10_000);
        sim.setFault('port-vanish', { downMs: 300, nextLinkName: 'modem-b' });
        await returned;
        const info = await readModemInfo(modem);
        assert.is(modem.portPath, `${fs.paths.devRoot}/ttyUSB3`);
        assert.is(info.port, modem.portPath);
        assert.is(info.imei, EC25?.initialState.identity.imei);
        assert.is(info.sim, 'ready');
        assert.equal(info.problems, []);
      } finally {
        await modem.stop();
      }
    });
  } finally {
    fs.cleanup();
  }
});

test('a reboot in the middle of a read: the ladder re-probes and the read is retried', async () => {
  if (env.realModemPath !== null) return;
  await withSim('quectel-ec25', {}, async (sim) => {
    const modem = new Modem({ ...QUICK, path: sim.agentPath }, { log: silentLogger() });
    await modem.start(new AbortController().signal);
    try {
      const from = sim.received.length;
      sim.setFault('reboot-mid-command', { silentMs: 2000 });
      const info = await readModemInfo(modem);
      assert.is(info.imei, EC25?.initialState.identity.imei);
      assert.is(info.iccid, EC25?.initialState.identity.iccid);
      assert.equal(info.problems, []);
      // The reboot reset echo, CMEE and the URC modes: the modem was configured again afterwards.
      const after = sim.received.slice(from).map((r) => r.command);
      for (const cmd of ['ATE0', 'AT+CMEE=1', 'AT+CEREG=2'])
        assert.ok(after.includes(cmd), `${cmd} not sent after the reboot`);
    } finally {
      await modem.stop();
    }
  });
});

test('a modem that never answers again: the ladder climbs every rung and gives up loudly, bounded', async () => {
  if (env.realModemPath !== null) return;
  await withSim('quectel-ec25', {}, async (sim) => {
    const modem = new Modem({ ...QUICK, path: sim.agentPath }, { log: silentLogger() });
    await modem.start(new AbortController().signal);
    try {
      sim.setFault('silence', {});
      const started = Date.now();
      const err = await modem.recover('test: silent modem').then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(hasCode(err, 'MODEM_GAVE_UP'), String(err));
      assert.match(String(err), /reprobe → cfun-cycle → vendor-reset → reopen-port/);
      // reprobe 3 s, CFUN=0 1.5 s, the Quectel reset's own 15 s, reopen 5 s + probes, back-off 0.7 s.
      assert.ok(Date.now() - started < 60_000);
      // The vendor reset rung really sent the Quectel reset.
      assert.ok(sim.received.some((r) => r.command === 'AT+CFUN=1,1'));
    } finally {
      await modem.stop();
    }
  });
});

test('the power-cycle hook runs at the top of the ladder and brings the modem back', async () => {
  if (env.realModemPath !== null) return;
  await withSim('quectel-ec25', {}, async (sim) => {
    const marker = join(sim.agentPath, '..', 'power-cycled');
    const modem = new Modem(
      {
        ...QUICK,
        path: sim.agentPath,
        recovery: { ...QUICK.recovery, hasPowerCycle: true },
        powerCycleCommand: ['sh', '-c', `date +%s%N > '${marker}'`],
      },
      { log: silentLogger() },
    );
    await modem.start(new AbortController().signal);
    try {
      sim.setFault('silence', {});
      // The "GPIO" brings the modem back: when the hook has run, the silence ends.
      const watcher = (async () => {
        for (let i = 0; i < 600 && !existsSync(marker); i++) await sleep(100);
        sim.clearFault('silence');
      })();
      const rung = await modem.recover('test: silent until power-cycled');
      await watcher;
      assert.is(rung, 'power-cycle');
      assert.ok(existsSync(marker));
      const info = await readModemInfo(modem);
      assert.is(info.imei, EC25?.initialState.identity.imei);
    } finally {
      await modem.stop();
    }
  });
});

test.run();
