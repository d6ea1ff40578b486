/**
 * Reads the modem's identity, SIM, registration, operator, signal and network time through the
 * Modem service. A value that cannot be read stays null and the reason goes into the notes:
 * `problems` for failures (command and reason), `unsupported` for optional reads the firmware
 * refuses (`ERROR` or `+CME ERROR: 4` to `+CEREG?` on a 2G module, to `+CESQ`, to a serving-cell
 * query). A modem that stops answering goes through the recovery ladder first.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AtChannel, AtResponse, SendOptions } from '../at/channel.js';
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
import type { Result } from '../at/result.js';
import type { ActName, CopsInfo, RegInfo, SimState } from '../at/types.js';
import { isZtgwError } from '../errors.js';
import type { ModemInfo, OperatorReport, RegistrationReport, SignalReport } from './info.js';
import type { Modem } from './modem.js';

/** Between `+CME ERROR: 14` (SIM busy) retries, in ms. */
export const SIM_BUSY_POLL_MS = 500;

/** 27.007 §9.2.1: 4 = operation not supported. */
const CME_NOT_SUPPORTED = 4;

/** What could not be read, and why. */
export interface ReadNotes {
  readonly problems: string[];
  readonly unsupported: string[];
}

export const newNotes = (): ReadNotes => ({ problems: [], unsupported: [] });

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The firmware said it does not do this (as opposed to failing to do it). */
function isRefusal(err: unknown): boolean {
  return (
    isZtgwError(err) &&
    (err.code === 'AT_ERROR' || (err.code === 'AT_CME' && err.details['cme'] === CME_NOT_SUPPORTED))
  );
}

function noteFailure(notes: ReadNotes, command: string, err: unknown, isOptional: boolean): void {
  const text = message(err);
  const line = text.startsWith(command) ? text : `${command}: ${text}`;
  if (isOptional && isRefusal(err)) notes.unsupported.push(command);
  else notes.problems.push(line);
}

/** A command's lines, or null with the failure noted; recovery first when the modem is stuck. */
async function tryLines(
  m: Modem,
  notes: ReadNotes,
  command: string,
  isOptional = false,
): Promise<readonly string[] | null> {
  try {
    const r: AtResponse = await m.withRecovery(command, () => m.send(command));
    return r.lines;
  } catch (err) {
    if (isZtgwError(err) && (err.code === 'MODEM_GAVE_UP' || err.code === 'MODEM_RESET_BUDGET')) throw err;
    noteFailure(notes, command, err, isOptional);
    return null;
  }
}

/** Parses `lines` with `parse`; a parse failure is a problem. */
function parsed<T>(
  notes: ReadNotes,
  command: string,
  lines: readonly string[] | null,
  parse: (l: readonly string[]) => Result<T>,
): T | null {
  if (lines === null) return null;
  const r = parse(lines);
  if (r.ok) return r.value;
  notes.problems.push(`${command}: ${r.reason}`);
  return null;
}

/** SIM state: `+CPIN?`, waiting out `+CME ERROR: 14` (SIM busy) for the shim's retry window. */
export async function readSimState(m: Modem, notes: ReadNotes): Promise<SimState> {
  const started = Date.now();
  for (;;) {
    try {
      const r = await m.withRecovery('AT+CPIN?', () => m.send('AT+CPIN?'));
      const v = parseCpin(r.lines);
      if (v.ok) return v.value.sim;
      notes.problems.push(`AT+CPIN?: ${v.reason}`);
      return 'error';
    } catch (err) {
      const cme = isZtgwError(err) && err.code === 'AT_CME' ? err.details['cme'] : undefined;
      if (cme === 14 && Date.now() - started < m.traits.simBusyRetryMs) {
        await sleep(SIM_BUSY_POLL_MS);
        continue;
      }
      const state = typeof cme === 'number' ? simStateFromCme(cme) : null;
      if (state !== null && state !== 'error') return state;
      noteFailure(notes, 'AT+CPIN?', err, false);
      return 'error';
    }
  }
}

/** Enters the configured PIN once when the SIM asks for it. */
async function unlockSim(m: Modem, notes: ReadNotes, sim: SimState): Promise<SimState> {
  if (sim !== 'pin-required' || m.config.simPin === null) return sim;
  try {
    await m.send(`AT+CPIN="${m.config.simPin}"`);
  } catch (err) {
    // The PIN itself never goes into a note or a log.
    notes.problems.push(
      `AT+CPIN=<pin>: ${isZtgwError(err) ? err.code : 'failed'} (not retried: the SIM locks after 3 wrong PINs)`,
    );
    return sim;
  }
  return readSimState(m, notes);
}

/** The access technology name, read through the shim's view of `<AcT>` 8 (LTE Cat-M1 on some firmware). */
function actOf(m: Modem, act: number | null, name: ActName | null): ActName | null {
  return act === 8 && m.traits.isAct8CatM ? 'lte-m' : name;
}

export async function readRegistration(m: Modem, notes: ReadNotes): Promise<RegistrationReport> {
  const infos: RegInfo[] = [];
  const commands: Array<[string, boolean]> = [
    ['AT+CREG?', false],
    ['AT+CGREG?', true],
    ['AT+CEREG?', true],
  ];
  if (m.traits.has5gReg) commands.push(['AT+C5GREG?', true]);
  for (const [cmd, isOptional] of commands) {
    const lines = await tryLines(m, notes, cmd, isOptional);
    if (lines === null) continue;
    const prefix = cmd.slice(2, -1);
    const line = lines.find((l) => l.toUpperCase().startsWith(`${prefix}:`));
    if (line === undefined) {
      notes.problems.push(`${cmd}: no ${prefix} line in the answer`);
      continue;
    }
    const r = parseRegRead(line);
    if (r.ok) infos.push(r.value);
    else notes.problems.push(`${cmd}: ${r.reason}`);
  }
  const c = combineRegistration(infos);
  return { state: c.state, act: actOf(m, c.act, c.actName), lac: c.lac, tac: c.tac, cellId: c.cellId };
}

export async function readOperator(m: Modem, notes: ReadNotes): Promise<OperatorReport> {
  let mcc: string | null = null;
  let mnc: string | null = null;
  let name: string | null = null;
  const take = (v: CopsInfo | null): void => {
    if (v === null) return;
    mcc ??= v.mcc;
    mnc ??= v.mnc;
    name ??= v.name;
  };
  // As the modem reports it now, then in the other format where the firmware lets us switch.
  take(parsed(notes, 'AT+COPS?', await tryLines(m, notes, 'AT+COPS?'), parseCops));
  for (const [format, isMissing] of [
    ['2', () => mcc === null],
    ['0', () => name === null],
  ] as const) {
    if (!isMissing()) continue;
    if ((await tryLines(m, notes, `AT+COPS=3,${format}`, true)) === null) continue;
    take(parsed(notes, 'AT+COPS?', await tryLines(m, notes, 'AT+COPS?'), parseCops));
  }
  return { name, mcc, mnc };
}

/** An AtChannel that remembers whether the modem refused the last command, for optional vendor reads. */
class RefusalTracker implements AtChannel {
  wasLastRefused = false;
  constructor(private readonly m: Modem) {}
  async send(command: string, opts?: SendOptions): Promise<AtResponse> {
    try {
      const r = await this.m.send(command, opts);
      this.wasLastRefused = false;
      return r;
    } catch (err) {
      this.wasLastRefused = isRefusal(err);
      throw err;
    }
  }
}

export async function readSignal(m: Modem, notes: ReadNotes): Promise<SignalReport> {
  const csq = parsed(notes, 'AT+CSQ', await tryLines(m, notes, 'AT+CSQ'), parseCsq);
  let rsrp: number | null = null;
  let rsrq: number | null = null;
  let sinr: number | null = null;
  if (m.traits.hasCesq) {
    const cesq = parsed(notes, 'AT+CESQ', await tryLines(m, notes, 'AT+CESQ', true), parseCesq);
    rsrp = cesq?.rsrpDbm ?? null;
    rsrq = cesq?.rsrqDb ?? null;
  }
  if (m.shim.id !== 'generic') {
    const ch = new RefusalTracker(m);
    const cell = await m
      .withRecovery('serving cell', () => m.shim.readServingCell(ch))
      .catch((err: unknown): null => {
        noteFailure(notes, 'serving cell', err, true);
        return null;
      });
    if (cell?.ok) {
      rsrp = cell.value.rsrpDbm ?? rsrp;
      rsrq = cell.value.rsrqDb ?? rsrq;
      sinr = cell.value.sinrDb ?? sinr;
    } else if (cell) {
      if (ch.wasLastRefused) notes.unsupported.push('serving cell');
      else notes.problems.push(`serving cell: ${cell.reason}`);
    }
  }
  return { csq: csq?.csq ?? null, rssiDbm: csq?.rssiDbm ?? null, rsrp, rsrq, sinr };
}

export async function readNetworkTime(m: Modem, notes: ReadNotes): Promise<string | null> {
  const v = parsed(notes, 'AT+CCLK?', await tryLines(m, notes, 'AT+CCLK?', true), parseCclk);
  return v && !v.isDefault ? v.iso : null;
}

/** Everything `ztgw modem info` prints. */
export async function readModemInfo(m: Modem): Promise<ModemInfo> {
  const notes = newNotes();
  const imei = parsed(notes, 'AT+CGSN', await tryLines(m, notes, 'AT+CGSN'), parseCgsn);
  const sim = await unlockSim(m, notes, await readSimState(m, notes));
  const iccidRes =
    sim === 'absent'
      ? null
      : await m
          .withRecovery('ICCID', () => m.shim.readIccid(m))
          .catch((err: unknown) => {
            noteFailure(notes, 'ICCID', err, false);
            return null;
          });
  if (iccidRes && !iccidRes.ok) notes.problems.push(`ICCID: ${iccidRes.reason}`);
  const iccid = iccidRes?.ok ? iccidRes.value : null;
  const imsi =
    sim === 'ready' ? parsed(notes, 'AT+CIMI', await tryLines(m, notes, 'AT+CIMI'), parseCimi) : null;
  const registration = await readRegistration(m, notes);
  const operator = await readOperator(m, notes);
  const signal = await readSignal(m, notes);
  const networkTime = await readNetworkTime(m, notes);
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
    problems: notes.problems,
    unsupported: notes.unsupported,
  };
}

/** The identity the certificate binds: IMEI and ICCID, read fresh (before every uplink connect). */
export async function readLiveIdentity(m: Modem): Promise<{
  readonly imei: string | null;
  readonly iccid: string | null;
  readonly sim: SimState;
  readonly notes: ReadNotes;
}> {
  const notes = newNotes();
  const imei = parsed(notes, 'AT+CGSN', await tryLines(m, notes, 'AT+CGSN'), parseCgsn);
  const sim = await readSimState(m, notes);
  const iccid =
    sim === 'absent'
      ? null
      : await m
          .withRecovery('ICCID', () => m.shim.readIccid(m))
          .then(
            (r) => (r.ok ? r.value.iccid : null),
            (err: unknown) => {
              noteFailure(notes, 'ICCID', err, false);
              return null;
            },
          );
  return { imei: imei?.imei ?? null, iccid, sim, notes };
}
