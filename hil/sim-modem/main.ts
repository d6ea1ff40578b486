/**
 * Runs the simulated modem standalone:
 *
 *   node build/js/hil/sim-modem/main.js --profile quectel-ec25 --dir /tmp/ztgw-sim [--link modem] [--drift]
 *   npx tsx hil/sim-modem/main.ts …
 *
 * Prints `{"agentPath": "…"}` on stdout when ready, then one JSON line per event
 * (`port-vanished`, `port-returned`, `rebooted`, `applied` after each control line, `control-error`).
 * Reads control lines on stdin (see control.ts) and runs until SIGTERM or SIGINT.
 */
import { mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { parseControlLine } from './control.js';
import { driftSignal } from './drift.js';
import { PROFILES } from './profiles/index.js';
import { SimModem } from './sim-modem.js';

const DRIFT_INTERVAL_MS_DEFAULT = 5000;

function out(value: object): void {
  console.log(JSON.stringify(value));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string', default: 'generic' },
      dir: { type: 'string' },
      link: { type: 'string', default: 'modem' },
      drift: { type: 'boolean', default: false },
      'drift-interval-ms': { type: 'string', default: String(DRIFT_INTERVAL_MS_DEFAULT) },
    },
    strict: true,
  });
  const dir = values.dir;
  if (dir === undefined) throw new TypeError('--dir is required');
  if (PROFILES[values.profile] === undefined) {
    throw new TypeError(`--profile: one of ${Object.keys(PROFILES).join(', ')}`);
  }
  const driftIntervalMs = Number(values['drift-interval-ms']);
  if (!Number.isFinite(driftIntervalMs) || driftIntervalMs < 100) {
    throw new TypeError('--drift-interval-ms: a number of ms, at least 100');
  }
  await mkdir(dir, { recursive: true });

  const sim = new SimModem({ profile: values.profile, dir, agentLinkName: values.link });
  sim.on('sim-error', (e: Error) =>
    console.error(JSON.stringify({ event: 'sim-error', message: e.message })),
  );
  sim.on('port-vanished', () => out({ event: 'port-vanished' }));
  sim.on('port-returned', (v: { agentPath: string }) =>
    out({ event: 'port-returned', agentPath: v.agentPath }),
  );
  sim.on('rebooted', () => out({ event: 'rebooted' }));
  await sim.start();
  out({ agentPath: sim.agentPath, profile: sim.profile.id });

  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    if (line.trim() === '') return;
    const msg = parseControlLine(line);
    if (!msg.ok) return out({ event: 'control-error', reason: msg.reason });
    try {
      if (msg.value.kind === 'state') sim.setState(msg.value.patch);
      else if (msg.value.kind === 'fault') sim.applyFault(msg.value.name, msg.value.params);
      else if (msg.value.kind === 'clear') sim.clearFault(msg.value.name);
      else sim.emitUrc(msg.value.line);
      out({ event: 'applied', kind: msg.value.kind });
    } catch (e) {
      out({ event: 'control-error', reason: e instanceof Error ? e.message : String(e) });
    }
  });

  const drift = values.drift
    ? setInterval(() => sim.setState({ signal: driftSignal(sim.state.signal, Math.random) }), driftIntervalMs)
    : null;

  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  if (drift !== null) clearInterval(drift);
  rl.close();
  process.stdin.destroy();
  await sim.stop();
}

main().catch((e: unknown) => {
  console.error(JSON.stringify({ event: 'fatal', message: e instanceof Error ? e.message : String(e) }));
  process.exitCode = 1;
});
