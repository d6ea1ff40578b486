/**
 * `validateConfig(raw)`: the one gate every config passes, the bootstrap file as well as a remote
 * config before it is staged. It lists every problem with its field path, fills in the defaults
 * (defaults.ts) and returns a deeply frozen AgentConfig. Pure: the network interface table used to
 * refuse listeners on WAN addresses is an argument.
 *
 * ```
 * raw JSON ─▶ top level keys ─▶ deviceId, uplink, modem, identity, clock, paths,
 *                               exposure ─▶ listeners (bind check), operatorKeys, log
 *            ─▶ problems? { ok: false, problems } : { ok: true, config (frozen) }
 * ```
 */
import type { InterfaceTable } from '../uplink/classify-address.js';
import { deepFreeze, ProblemList, readSection } from './check.js';
import { EXPOSURE_DEFAULTS } from './defaults.js';
import type { ConfigResult } from './types.js';
import { validateJournal, validateSensors, validateTelemetry } from './validate-data-path.js';
import { validateExposure, validateListeners } from './validate-listeners.js';
import {
  validateClock,
  validateDeviceId,
  validateIdentity,
  validateLog,
  validateModem,
  validateOperatorKeys,
  validatePaths,
} from './validate-sections.js';
import { validateUplink } from './validate-uplink.js';

export const TOP_LEVEL_KEYS = [
  'deviceId',
  'uplink',
  'modem',
  'identity',
  'clock',
  'paths',
  'exposure',
  'listeners',
  'sensors',
  'journal',
  'telemetry',
  'operatorKeys',
  'log',
] as const;

/** What validation may know about the machine it runs on. */
export interface ValidationEnv {
  /**
   * The network interfaces (os.networkInterfaces()), so that a listener on an address of a WAN
   * interface is refused. Without it only wildcard addresses are refused.
   */
  readonly interfaces?: InterfaceTable;
}

export function validateConfig(raw: unknown, env: ValidationEnv = {}): ConfigResult {
  const p = new ProblemList();
  const top = readSection(raw, '', TOP_LEVEL_KEYS, p, true);
  if (top === null) {
    if (p.count === 0) p.add('(config)', 'required');
    return {
      ok: false,
      problems: p.list.map((x) => (x.path === '' ? { path: '(config)', problem: x.problem } : x)),
    };
  }
  const deviceId = validateDeviceId(top['deviceId'], p);
  const uplink = validateUplink(top['uplink'], p);
  const modem = validateModem(top['modem'], p);
  const identity = validateIdentity(top['identity'], p);
  const clock = validateClock(top['clock'], p);
  const paths = validatePaths(top['paths'], p);
  const exposure = validateExposure(top['exposure'], p);
  const wanGlobs = exposure?.wanInterfaces ?? EXPOSURE_DEFAULTS.wanInterfaces;
  const listeners = validateListeners(top['listeners'], p, env.interfaces ?? {}, wanGlobs);
  const sensors = validateSensors(top['sensors'], p);
  const journal = validateJournal(top['journal'], p);
  const telemetry = validateTelemetry(top['telemetry'], p);
  const operatorKeys = validateOperatorKeys(top['operatorKeys'], p);
  const log = validateLog(top['log'], p);
  if (
    p.count > 0 ||
    deviceId === null ||
    uplink === null ||
    modem === null ||
    identity === null ||
    clock === null ||
    paths === null ||
    exposure === null ||
    listeners === null ||
    sensors === null ||
    journal === null ||
    telemetry === null ||
    operatorKeys === null ||
    log === null
  ) {
    return { ok: false, problems: p.list };
  }
  const config = {
    deviceId,
    uplink,
    modem,
    identity,
    clock,
    paths,
    exposure,
    listeners,
    sensors,
    journal,
    telemetry,
    operatorKeys,
    log,
  };
  return { ok: true, config: deepFreeze(structuredClone(config)) };
}
