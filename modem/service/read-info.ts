/**
 * Reads the modem's identity, SIM, registration, operator, signal and network time through the
 * Modem service. Each read that fails is reported in `problems` with its command and reason, and the
 * value stays null; a modem that stops answering goes through the recovery ladder first.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AtResponse } from '../at/channel.js';
import {
  combineRegistration,
  parseCclk,
  parseCesq,
  parseCgsn,
  parseCimi,
  parseCops,
  parseCpin,
  parseCsq,
  parseRegRead,
  simStateFromCme,
} from '../at/parsers/index.js';
import type { RegInfo, SimState } from '../at/types.js';
import { isZtgwError } from '../errors.js';
import type { ModemInfo, OperatorReport, RegistrationReport, SignalReport } from './info.js';
import type { Modem } from './modem.js';

/** Between `+CME ERROR: 14` (SIM busy) retries, in ms. */
export const SIM_BUSY_POLL_MS = 500;

const REG_COMMANDS = ['AT+CREG?', 'AT+CGREG?', 'AT+CEREG?'] as const;

/** A command's lines, or null with the problem noted; recovery first when the modem is stuck. */
async function tryLines(m: Modem, problems: string[], command: string): Promise<readonly string[] | null> {
  try {
    const r: AtResponse = await m.withRecovery(command, () => m.send(command));
    return r.lines;
  } catch (err) {
    problems.push(`${command}: ${err instanceof Error ? err.message : String(err)}`);
    if (isZtgwError(err) && (err.code === 'MODEM_GAVE_UP' || err.code === 'MODEM_RESET_BUDGET')) throw err;
    return null;
  }
}

/** Parses `lines` with `parse`; a parse failure is noted. */
function parsed<T>(
  problems: string[],
  command: string,
  lines: readonly string[] | null,
  parse: (l: readonly string[]) => { ok: true; value: T } | { ok: false; reason: string },
): T | null {
  if (lines === null) return null;
  const r = parse(lines);
  if (r.ok) return r.value;
  problems.push(`${command}: ${r.reason}`);
  return null;
}

/** SIM state: `+CPIN?`, waiting out `+CME ERROR: 14` (SIM busy) for the shim's retry window. */
export async function readSimState(m: Modem, problems: string[]): Promise<SimState> {
  const started = Date.now();
  for (;;) {
    try {
      const r = await m.withRecovery('AT+CPIN?', () => m.send('AT+CPIN?'));
      const v = parseCpin(r.lines);
      if (v.ok) return v.value.sim;
      problems.push(`AT+CPIN?: ${v.reason}`);
      return 'error';
    } catch (err) {
      const cme = isZtgwError(err) && err.code === 'AT_CME' ? err.details['cme'] : undefined;
      if (cme === 14 && Date.now() - started < m.traits.simBusyRetryMs) {
        await sleep(SIM_BUSY_POLL_MS);
        continue;
      }
      const state = typeof cme === 'number' ? simStateFromCme(cme) : null;
      if (state !== null && state !== 'error') return state;
      problems.push(`AT+CPIN?: ${err instanceof Error ? err.message : String(err)}`);
      return 'error';
    }
  }
}

/** Enters the configured PIN once when the SIM asks for it. */
async function unlockSim(m: Modem, problems: string[], sim: SimState): Promise<SimState> {
  if (sim !== 'pin-required' || m.config.simPin === null) return sim;
  try {
    await m.send(`AT+CPIN="${m.config.simPin}"`);
  } catch (err) {
    problems.push(
      `AT+CPIN=<pin>: ${err instanceof Error ? err.message : String(err)} (not retried: the SIM locks after 3 wrong PINs)`,
    );
    return sim;
  }
  return readSimState(m, problems);
}

export async function readRegistration(m: Modem, problems: string[]): Promise<RegistrationReport> {
  const infos: RegInfo[] = [];
  const commands: string[] = [...REG_COMMANDS];
  if (m.traits.has5gReg) commands.push('AT+C5GREG?');
  for (const cmd of commands) {
    const lines = await tryLines(m, problems, cmd);
    if (lines === null) continue;
    const prefix = cmd.slice(2, -1);
    const line = lines.find((l) => l.toUpperCase().startsWith(`${prefix}:`));
    if (line === undefined) {
      problems.push(`${cmd}: no ${prefix} line in the answer`);
      continue;
    }
    const r = parseRegRead(line);
    if (r.ok) infos.push(r.value);
    else problems.push(`${cmd}: ${r.reason}`);
  }
  const c = combineRegistration(infos);
  return { state: c.state, act: c.actName, lac: c.lac, tac: c.tac, cellId: c.cellId };
}

export async function readOperator(m: Modem, problems: string[]): Promise<OperatorReport> {
  let mcc: string | null = null;
  let mnc: string | null = null;
  let name: string | null = null;
  if ((await tryLines(m, problems, 'AT+COPS=3,2')) !== null) {
    const v = parsed(problems, 'AT+COPS?', await tryLines(m, problems, 'AT+COPS?'), parseCops);
    mcc = v?.mcc ?? null;
    mnc = v?.mnc ?? null;
  }
  if ((await tryLines(m, problems, 'AT+COPS=3,0')) !== null) {
    const v = parsed(problems, 'AT+COPS?', await tryLines(m, problems, 'AT+COPS?'), parseCops);
    name = v?.name ?? null;
  }
  return { name, mcc, mnc };
}

export async function readSignal(m: Modem, problems: string[]): Promise<SignalReport> {
  const csq = parsed(problems, 'AT+CSQ', await tryLines(m, problems, 'AT+CSQ'), parseCsq);
  let rsrp: number | null = null;
  let rsrq: number | null = null;
  let sinr: number | null = null;
  if (m.traits.hasCesq) {
    const cesq = parsed(problems, 'AT+CESQ', await tryLines(m, problems, 'AT+CESQ'), parseCesq);
    rsrp = cesq?.rsrpDbm ?? null;
    rsrq = cesq?.rsrqDb ?? null;
  }
  const cell = await m
    .withRecovery('serving cell', () => m.shim.readServingCell(m))
    .catch((err: unknown) => {
      problems.push(`serving cell: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    });
  if (cell?.ok) {
    rsrp = cell.value.rsrpDbm ?? rsrp;
    rsrq = cell.value.rsrqDb ?? rsrq;
    sinr = cell.value.sinrDb ?? sinr;
  } else if (cell && m.shim.id !== 'generic') {
    problems.push(`serving cell: ${cell.reason}`);
  }
  return { csq: csq?.csq ?? null, rssiDbm: csq?.rssiDbm ?? null, rsrp, rsrq, sinr };
}

export async function readNetworkTime(m: Modem, problems: string[]): Promise<string | null> {
  const v = parsed(problems, 'AT+CCLK?', await tryLines(m, problems, 'AT+CCLK?'), parseCclk);
  return v && !v.isDefault ? v.iso : null;
}

/** Everything `ztgw modem info` prints. */
export async function readModemInfo(m: Modem): Promise<ModemInfo> {
  const problems: string[] = [];
  const imei = parsed(problems, 'AT+CGSN', await tryLines(m, problems, 'AT+CGSN'), parseCgsn);
  const sim = await unlockSim(m, problems, await readSimState(m, problems));
  const iccidRes =
    sim === 'absent' ? null : await m.withRecovery('ICCID', () => m.shim.readIccid(m)).catch(() => null);
  if (iccidRes && !iccidRes.ok) problems.push(`ICCID: ${iccidRes.reason}`);
  const iccid = iccidRes?.ok ? iccidRes.value : null;
  const imsi =
    sim === 'ready' ? parsed(problems, 'AT+CIMI', await tryLines(m, problems, 'AT+CIMI'), parseCimi) : null;
  const registration = await readRegistration(m, problems);
  const operator = await readOperator(m, problems);
  const signal = await readSignal(m, problems);
  const networkTime = await readNetworkTime(m, problems);
  const isRegistered = registration.state === 'home' || registration.state === 'roaming';
  return {
    port: m.portPath,
    manufacturer: m.ident.manufacturer,
    model: m.ident.model,
    revision: m.ident.revision,
    shim: m.shim.id,
    quirks: m.quirks.map((q) => q.id),
    imei: imei?.imei ?? null,
    imeiValid: imei?.valid ?? null,
    iccid: iccid?.iccid ?? null,
    iccidValid: iccid?.valid ?? null,
    imsi: imsi?.imsi ?? null,
    sim,
    registration,
    operator,
    isRoaming: isRegistered ? registration.state === 'roaming' : null,
    signal,
    networkTime,
    problems,
  };
}
