/**
 * Each named fault of the simulated modem, through `ztgw modem info` as a real process: the values
 * come back right (the fault was absorbed), or the command fails with a clear error, within a
 * stated bound. A baseline run without the fault gives the expected values.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FaultName, FaultParams } from '../sim-modem/faults.js';
import { hilEnv, modemInfoJson, runCli, withSim } from './kit.js';

const env = hilEnv();
const PROFILE = 'quectel-ec25';
/** A bound for a fault that the agent must absorb: the probe, resync and recovery budgets with room. */
const ABSORB_BOUND_MS = 30_000;

/** The fields that must not change because of a fault. */
function core(info: Record<string, unknown>): unknown {
  const { port: _port, ...rest } = info;
  return rest;
}

let baseline: unknown = null;

test('baseline: modem info without faults', async () => {
  if (env.realModemPath !== null) return;
  baseline = await withSim(PROFILE, {}, async (sim) => core(await modemInfoJson(sim.agentPath)));
  assert.ok(baseline);
});

const ABSORBED: Array<{ [N in FaultName]: [N, FaultParams[N], string] }[FaultName]> = [
  ['garbage', { bytes: 16, seed: 7 }, 'random non-UTF-8 bytes before every response'],
  ['echo-stuck', {}, 'echo that ATE0 does not turn off'],
  ['crcrlf', {}, 'lines ending CR CR LF'],
  ['urc-storm', { perSecond: 200 }, '200 URCs per second'],
  [
    'urc-inside-response',
    { line: '+CEREG: 1,"3193","8F381C5",7' },
    'a URC between info lines and the final of every response',
  ],
  ['final-delayed', { count: 1, delayMs: 1500 }, 'the first final 1.5 s late (after its 1 s timeout)'],
  ['final-dropped', { count: 1 }, 'the first final never sent'],
  ['reboot-mid-command', { silentMs: 1500 }, 'a reboot in the middle of the first command'],
];

for (const [name, params, what] of ABSORBED) {
  test(`fault ${name} (${what}): same values, within ${ABSORB_BOUND_MS / 1000} s`, async () => {
    if (env.realModemPath !== null) return;
    await withSim(PROFILE, {}, async (sim) => {
      sim.applyFault(name, params);
      const started = Date.now();
      const info = await modemInfoJson(sim.agentPath);
      const elapsedMs = Date.now() - started;
      assert.equal(core(info), baseline);
      assert.ok(elapsedMs < ABSORB_BOUND_MS, `took ${elapsedMs} ms`);
      if (name === 'final-delayed' || name === 'final-dropped' || name === 'reboot-mid-command') {
        // The stream was resynchronised before the first ordinary command.
        assert.ok(
          sim.received.some((r) => /^ATS7=\d+$/.test(r.command)),
          'no resync probe was sent',
        );
      }
    });
  });
}

test('fault sim-busy-after-cfun: +CME ERROR: 14 after +CFUN=1 is waited out, the SIM reads ready', async () => {
  if (env.realModemPath !== null) return;
  await withSim(PROFILE, {}, async (sim) => {
    sim.setFault('sim-busy-after-cfun', { durationMs: 2500 });
    for (const cmd of ['AT+CFUN=0', 'AT+CFUN=1']) {
      const at = await runCli(['modem', 'at', '--port', sim.agentPath, cmd]);
      assert.is(at.code, 0, at.stderr);
    }
    const info = await modemInfoJson(sim.agentPath);
    assert.equal(core(info), baseline);
    const busyAnswers = sim.received.filter((r) => r.command === 'AT+CPIN?').length;
    assert.ok(busyAnswers >= 2, `AT+CPIN? sent ${busyAnswers} times: the busy window was not retried`);
  });
});

test('fault silence: exit 1 naming the probes and their timeout, in under 10 s', async () => {
  if (env.realModemPath !== null) return;
  await withSim(PROFILE, {}, async (sim) => {
    sim.setFault('silence', {});
    const r = await runCli(['modem', 'info', '--port', sim.agentPath, '--json']);
    assert.is(r.code, 1);
    assert.match(r.stderr, /no answer from .* after 3 probes \(AT, 1000 ms each\)/);
    assert.match(r.stderr, /MODEM_NO_ANSWER/);
    assert.is(r.stdout, '');
    assert.ok(r.elapsedMs < 10_000, `took ${r.elapsedMs} ms`);
  });
});

test.run();
