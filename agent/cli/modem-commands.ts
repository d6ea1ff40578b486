/**
 * `ztgw modem info | at | watch`: the field technician's view of the modem.
 */

import { createLogger, LEVELS, type LevelName, type Logger } from '../../modem/log.js';
import type { ModemInfo, RegistrationReport, SignalReport } from '../../modem/service/info.js';
import { DEFAULT_MODEM_CONFIG, Modem, type ModemConfig } from '../../modem/service/modem.js';
import { newNotes, readModemInfo, readRegistration, readSignal } from '../../modem/service/read-info.js';
import type { RecoveryConfig } from '../../modem/service/recovery.js';
import { intFlag, type ParsedArgs, parseArgs, usageError } from './args.js';

export const MODEM_USAGE = `usage:
  ztgw modem info  --port PATH [--baud N] [--json]
  ztgw modem at    --port PATH [--baud N] [--timeout-ms N] 'AT+…'
  ztgw modem watch --port PATH [--baud N] [--interval-ms N] [--duration-ms N] [--json]
common: [--probes N] [--probe-timeout-ms N] [--log-level trace|debug|info|warn|error|silent]`;

const SPEC = {
  values: [
    'port',
    'baud',
    'timeout-ms',
    'interval-ms',
    'duration-ms',
    'probes',
    'probe-timeout-ms',
    'log-level',
    'sim-pin',
  ],
  booleans: ['json'],
};

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly signal: AbortSignal;
}

/** A short recovery for one-shot commands: the technician wants an answer in seconds, not a wait. */
const CLI_RECOVERY: RecoveryConfig = {
  backoffBaseMs: 250,
  backoffMaxMs: 2000,
  maxResetsPerHour: 4,
  hasPowerCycle: false,
  // A technician's one-shot command never resets the modem: re-probe, reopen, then say what failed.
  rungs: ['reprobe', 'reopen-port'],
};

function modemConfig(args: ParsedArgs): ModemConfig {
  const path = args.values.get('port');
  if (path === undefined || path === '') throw usageError('--port PATH is required');
  return {
    ...DEFAULT_MODEM_CONFIG,
    path,
    baudRate: intFlag(args, 'baud', DEFAULT_MODEM_CONFIG.baudRate, 300, 4_000_000),
    probeAttempts: intFlag(args, 'probes', DEFAULT_MODEM_CONFIG.probeAttempts, 1, 20),
    probeTimeoutMs: intFlag(args, 'probe-timeout-ms', DEFAULT_MODEM_CONFIG.probeTimeoutMs, 100, 60_000),
    simPin: args.values.get('sim-pin') ?? null,
    recovery: CLI_RECOVERY,
  };
}

function cliLogger(args: ParsedArgs, io: CliIo): Logger {
  const level = args.values.get('log-level') ?? 'warn';
  if (!(level in LEVELS)) throw usageError(`--log-level must be one of ${Object.keys(LEVELS).join(', ')}`);
  return createLogger({ sink: { write: (l) => io.err(l.trimEnd()) }, level: level as LevelName });
}

export async function runModemCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === 'help' || sub === '--help') {
    io.out(MODEM_USAGE);
    return sub === undefined ? 2 : 0;
  }
  const args = parseArgs(rest, SPEC);
  switch (sub) {
    case 'info':
      return info(args, io);
    case 'at':
      return at(args, io);
    case 'watch':
      return watch(args, io);
    default:
      throw usageError(`unknown modem command ${JSON.stringify(sub)}\n${MODEM_USAGE}`);
  }
}

async function withModem<T>(args: ParsedArgs, io: CliIo, run: (m: Modem) => Promise<T>): Promise<T> {
  const modem = new Modem(modemConfig(args), { log: cliLogger(args, io) });
  await modem.start(io.signal);
  try {
    return await run(modem);
  } finally {
    await modem.stop();
  }
}

async function info(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positionals.length > 0)
    throw usageError(`modem info takes no arguments, got ${args.positionals.join(' ')}`);
  const result = await withModem(args, io, (m) => readModemInfo(m));
  if (args.booleans.has('json')) io.out(JSON.stringify(result));
  else io.out(formatInfo(result));
  return 0;
}

async function at(args: ParsedArgs, io: CliIo): Promise<number> {
  const command = args.positionals.join(' ').trim();
  if (command === '')
    throw usageError("modem at needs a command, e.g. ztgw modem at --port /dev/ttyUSB2 'AT+CSQ'");
  const timeoutMs = args.values.has('timeout-ms') ? intFlag(args, 'timeout-ms', 0, 100, 600_000) : undefined;
  const res = await withModem(args, io, (m) => m.send(command, timeoutMs === undefined ? {} : { timeoutMs }));
  for (const l of res.lines) io.out(l);
  io.out(res.final);
  return 0;
}

interface WatchSample {
  readonly registration: RegistrationReport;
  readonly signal: SignalReport;
}

async function watch(args: ParsedArgs, io: CliIo): Promise<number> {
  const intervalMs = intFlag(args, 'interval-ms', 2000, 200, 3_600_000);
  const durationMs = intFlag(args, 'duration-ms', 0, 0, 30 * 86_400_000);
  const isJson = args.booleans.has('json');
  return withModem(args, io, async (m) => {
    const started = Date.now();
    let last = '';
    let wake: (() => void) | null = null;
    const off = m.onUrc((line) => {
      if (/^\+C(5G|G|E)?REG:/i.test(line)) wake?.();
    });
    try {
      while (!io.signal.aborted && (durationMs === 0 || Date.now() - started < durationMs)) {
        const notes = newNotes();
        const sample: WatchSample = {
          registration: await readRegistration(m, notes),
          signal: await readSignal(m, notes),
        };
        const key = JSON.stringify(sample);
        if (key !== last) {
          last = key;
          io.out(
            isJson ? JSON.stringify({ time: new Date().toISOString(), ...sample }) : formatSample(sample),
          );
        }
        const left =
          durationMs === 0 ? intervalMs : Math.min(intervalMs, durationMs - (Date.now() - started));
        if (left <= 0) break;
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, left);
          function done(): void {
            clearTimeout(t);
            wake = null;
            io.signal.removeEventListener('abort', done);
            resolve();
          }
          wake = done;
          io.signal.addEventListener('abort', done, { once: true });
        });
      }
    } finally {
      off();
    }
    return 0;
  });
}

const show = (v: unknown): string => (v === null || v === undefined ? '-' : String(v));

function formatSample(s: WatchSample): string {
  const r = s.registration;
  const g = s.signal;
  return [
    new Date().toISOString(),
    `reg=${r.state}`,
    `act=${show(r.act)}`,
    r.tac !== null ? `tac=${r.tac.toString(16)}` : `lac=${r.lac === null ? '-' : r.lac.toString(16)}`,
    `cell=${r.cellId === null ? '-' : r.cellId.toString(16)}`,
    `csq=${show(g.csq)}`,
    `rssi=${show(g.rssiDbm)}dBm`,
    `rsrp=${show(g.rsrp)}`,
    `rsrq=${show(g.rsrq)}`,
    `sinr=${show(g.sinr)}`,
  ].join(' ');
}

function formatInfo(i: ModemInfo): string {
  const rows: Array<[string, string]> = [
    ['port', i.port],
    ['modem', `${show(i.manufacturer)} ${show(i.model)} (${show(i.revision)})`],
    ['shim', `${i.shim}${i.quirks.length ? ` quirks: ${i.quirks.join(', ')}` : ''}`],
    ['imei', `${show(i.imei)}${i.imeiValid === false ? ' (check digit wrong)' : ''}`],
    ['sim', i.sim],
    ['iccid', `${show(i.iccid)}${i.iccidValid === false ? ' (Luhn check failed)' : ''}`],
    ['imsi', show(i.imsi)],
    [
      'registration',
      `${i.registration.state} ${show(i.registration.act)} lac=${show(i.registration.lac)} tac=${show(i.registration.tac)} cell=${show(i.registration.cellId)}`,
    ],
    ['operator', `${show(i.operator.name)} (${show(i.operator.mcc)}/${show(i.operator.mnc)})`],
    [
      'signal',
      `csq=${show(i.signal.csq)} rssi=${show(i.signal.rssiDbm)} dBm rsrp=${show(i.signal.rsrp)} rsrq=${show(i.signal.rsrq)} sinr=${show(i.signal.sinr)}`,
    ],
    ['network time', show(i.networkTime)],
  ];
  const lines = rows.map(([k, v]) => `${k.padEnd(13)} ${v}`);
  for (const p of i.problems) lines.push(`problem       ${p}`);
  if (i.unsupported.length > 0) lines.push(`unsupported   ${i.unsupported.join(', ')}`);
  return lines.join('\n');
}
