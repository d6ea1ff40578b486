/**
 * `ztgw run` (the daemon), and what asks it over the control socket: `ztgw status`,
 * `ztgw cert rotate`, `ztgw config reload`.
 */

import type { JsonValue } from '../../modem/errors.js';
import { createLogger } from '../../modem/log.js';
import { PATHS_DEFAULTS } from '../config/defaults.js';
import { loadConfig } from '../config/index.js';
import { requestControl } from '../control/control-server.js';
import { Agent, untilAborted } from '../daemon/agent.js';
import { labClock, systemClock } from '../daemon/agent-clock.js';
import { tuneHeapForGateway } from '../daemon/runtime-tuning.js';
import { intFlag, parseArgs, usageError } from './args.js';
import type { CliIo } from './modem-commands.js';

export const RUN_USAGE = `usage:
  ztgw run    [--config FILE] [--<section>-<field> VALUE …] [--clock-start ISO] [--state-refresh-ms N]
              [--denial-window-ms N]
    the daemon; the config is validated first and every problem is listed with its field
    --clock-start starts the agent's own clock at ISO (lab use: TLS still uses the system clock)
    --denial-window-ms sets the policy.denied aggregation window (default 60000; lab use)
  ztgw status [--socket PATH | --config FILE] [--json]
  ztgw cert rotate [--socket PATH | --config FILE]   rotate the device certificate now (through the daemon)
  ztgw config reload [--socket PATH | --config FILE] [--json]
    the daemon re-reads its config file (as SIGHUP does); only the sensors section is applied live,
    any other change is refused until a restart; exits 1 and names each field when refused`;

export async function runRunCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const loaded = await loadConfig({ argv });
  const args = parseArgs(loaded.rest, {
    values: ['clock-start', 'state-refresh-ms', 'denial-window-ms'],
    booleans: [],
  });
  if (args.positionals.length > 0)
    throw usageError(`ztgw run takes no arguments, got ${args.positionals.join(' ')}`);
  const start = args.values.get('clock-start');
  let clock = systemClock();
  if (start !== undefined) {
    const ms = Date.parse(start);
    if (Number.isNaN(ms))
      throw usageError(`--clock-start must be an ISO 8601 time, got ${JSON.stringify(start)}`);
    clock = labClock(ms);
  }
  const log = createLogger({
    sink: { write: (l) => io.out(l.trimEnd()) },
    level: loaded.config.log.level,
    nowMs: () => clock.nowMs(),
  });
  const runtime = tuneHeapForGateway();
  if (runtime.maxSemiSpaceMiB === null || runtime.mallocArenaMax === null) {
    // Started without the launcher's settings (plain `node main.js`, or the packaged executable
    // without NODE_OPTIONS): it works, it only holds more memory under load.
    log.warn({ ...runtime }, 'runtime.memory: not started with the gateway memory settings (see README)');
  } else log.info({ ...runtime }, 'runtime.memory');
  const agent = new Agent({
    config: loaded.config,
    loadConfig: (o) => loadConfig({ argv, ...o }),
    log,
    clock,
    ...(args.values.has('state-refresh-ms')
      ? { stateRefreshMs: intFlag(args, 'state-refresh-ms', 30_000, 100, 86_400_000) }
      : {}),
    ...(args.values.has('denial-window-ms')
      ? { denialWindowMs: intFlag(args, 'denial-window-ms', 60_000, 10, 3_600_000) }
      : {}),
  });
  await agent.start(io.signal);
  // SIGHUP re-reads the config file, the daemon convention (and stops it from ending the process).
  const onHup = (): void => {
    agent.reload('signal:SIGHUP').catch((err: unknown) => log.error({ err }, 'config.reload-failed'));
  };
  process.on('SIGHUP', onHup);
  try {
    await untilAborted(io.signal);
  } finally {
    process.off('SIGHUP', onHup);
  }
  await agent.stop();
  return 0;
}

async function socketOf(values: ReadonlyMap<string, string>): Promise<string> {
  const socket = values.get('socket');
  if (socket !== undefined) return socket;
  const config = values.get('config');
  return config === undefined
    ? PATHS_DEFAULTS.controlSocket
    : (await loadConfig({ argv: ['--config', config] })).config.paths.controlSocket;
}

/** Bound on a rotation asked for from the CLI, in ms: the operator's answer plus the trial connect. */
const ROTATE_TIMEOUT_MS = 15 * 60_000;

export async function runCertCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'rotate') throw usageError(`unknown cert command ${JSON.stringify(sub ?? '')}\n${RUN_USAGE}`);
  const args = parseArgs(rest, { values: ['socket', 'config'], booleans: [] });
  const r = await requestControl(await socketOf(args.values), 'rotate', {}, ROTATE_TIMEOUT_MS);
  io.out(JSON.stringify(r));
  const outcome = r !== null && typeof r === 'object' && !Array.isArray(r) ? r['lastOutcome'] : null;
  return outcome === 'rotated' ? 0 : 1;
}

export async function runConfigCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'reload') throw usageError(`unknown config command ${JSON.stringify(sub ?? '')}\n${RUN_USAGE}`);
  const args = parseArgs(rest, { values: ['socket', 'config'], booleans: ['json'] });
  const r = await requestControl(await socketOf(args.values), 'reload');
  const outcome = get(r, 'outcome');
  if (args.booleans.has('json')) io.out(JSON.stringify(r));
  else io.out(formatReload(r));
  return outcome === 'accepted' || outcome === 'unchanged' ? 0 : 1;
}

function formatReload(r: JsonValue): string {
  const list = (v: JsonValue | undefined): string[] => (Array.isArray(v) ? v.map((x) => s(x)) : []);
  const outcome = s(get(r, 'outcome'));
  const head = `config ${outcome} (${s(get(r, 'digest'))})`;
  if (outcome === 'rejected') {
    const problems = Array.isArray(get(r, 'problems')) ? (get(r, 'problems') as JsonValue[]) : [];
    const lines = problems.map((p) => `  ${s(get(p, 'path'))}: ${s(get(p, 'problem'))}`);
    return [`${head}: ${s(get(r, 'code'))}; the running config is unchanged`, ...lines].join('\n');
  }
  const live = list(get(r, 'live'));
  return live.length === 0 ? head : [`${head}: applied`, ...live.map((p) => `  ${p}`)].join('\n');
}

export async function runStatusCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { values: ['socket', 'config'], booleans: ['json'] });
  const doc = await requestControl(await socketOf(args.values), 'status');
  io.out(args.booleans.has('json') ? JSON.stringify(doc) : formatStatus(doc));
  return 0;
}

const get = (v: JsonValue | undefined, ...path: string[]): JsonValue | undefined => {
  let cur = v;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
};
const s = (v: JsonValue | undefined): string =>
  v === null || v === undefined ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v);

function formatStatus(doc: JsonValue): string {
  const rows: Array<[string, string]> = [
    ['device', s(get(doc, 'deviceId'))],
    [
      'uplink',
      `${s(get(doc, 'uplink', 'state'))} ${s(get(doc, 'uplink', 'broker'))} since ${s(get(doc, 'uplink', 'since'))}`,
    ],
    ['last error', s(get(doc, 'uplink', 'lastError', 'message'))],
    ['identity', `${s(get(doc, 'identity', 'binding'))}: ${s(get(doc, 'identity', 'detail'))}`],
    [
      'certificate',
      `expires ${s(get(doc, 'certificate', 'notAfter'))} (${s(get(doc, 'certificate', 'daysLeft'))} days) warning ${s(get(doc, 'certificate', 'warning'))}`,
    ],
    [
      'clock',
      `${get(doc, 'clock', 'isTrusted') === true ? 'trusted' : 'untrusted'} ${s(get(doc, 'clock', 'reason'))}`,
    ],
    [
      'modem',
      `${s(get(doc, 'modem', 'manufacturer'))} ${s(get(doc, 'modem', 'model'))} sim ${s(get(doc, 'modem', 'sim'))} ${s(get(doc, 'modem', 'error'))}`,
    ],
    [
      'registration',
      `${s(get(doc, 'modem', 'registration', 'state'))} ${s(get(doc, 'modem', 'registration', 'act'))} ${s(get(doc, 'modem', 'operator', 'name'))}`,
    ],
    [
      'exposure',
      `${get(doc, 'exposure', 'isExposed') === true ? 'EXPOSED' : 'not exposed'} ${s(get(doc, 'exposure', 'listeners'))}`,
    ],
  ];
  return rows.map(([k, v]) => `${k.padEnd(13)} ${v}`).join('\n');
}
