/**
 * AT round trips over a real PTY to the simulated modem: the AtEngine (queue, timeout armed after
 * drain, URC split, pure command machine) against the peer, a bare serialport +
 * @serialport/parser-readline loop that writes a command and waits for OK with none of that.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadlineParser } from '@serialport/parser-readline';
import { SerialPort } from 'serialport';
import { AtEngine } from '../../modem/engine/at-engine.js';
import { openSerialLink } from '../../modem/engine/serial-link.js';
import { silentLogger } from '../../modem/log.js';
import { SimModem } from '../sim-modem/sim-modem.js';

export interface RoundTripResult {
  readonly commands: number;
  readonly ours: { perS: number };
  readonly peer: { perS: number };
}

async function peerLoop(path: string, commands: number): Promise<number> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
  const parser = port.pipe(new ReadlineParser({ delimiter: '\r\n' }));
  let waiting: (() => void) | null = null;
  parser.on('data', (line: string) => {
    if (line.trim() === 'OK' && waiting) {
      const w = waiting;
      waiting = null;
      w();
    }
  });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < commands; i++) {
    await new Promise<void>((res) => {
      waiting = res;
      port.write('AT+CSQ\r');
    });
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  await new Promise<void>((res) => port.close(() => res()));
  return commands / s;
}

async function oursLoop(path: string, commands: number): Promise<number> {
  const engine = new AtEngine({ link: await openSerialLink(path), log: silentLogger() });
  await engine.send('ATE0');
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < commands; i++) await engine.send('AT+CSQ');
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  await engine.close();
  return commands / s;
}

export async function benchRoundTrip(commands = 2000): Promise<RoundTripResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ztgw-bench-'));
  const sim = new SimModem({ profile: 'quectel-ec25', dir, state: { echo: false } });
  await sim.start();
  try {
    // Alternate to share any warm-up fairly; report the better of two runs each.
    const peer1 = await peerLoop(sim.agentPath, commands);
    const ours1 = await oursLoop(sim.agentPath, commands);
    const peer2 = await peerLoop(sim.agentPath, commands);
    const ours2 = await oursLoop(sim.agentPath, commands);
    return { commands, ours: { perS: Math.max(ours1, ours2) }, peer: { perS: Math.max(peer1, peer2) } };
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
