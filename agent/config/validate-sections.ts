/**
 * Validates the small sections: deviceId, modem, identity, clock, paths, operatorKeys, log. Each
 * returns its typed section, or null when it has a problem (recorded in the list). Pure.
 */
import type { LevelName } from '../../modem/log.js';
import { deviceIdProblem } from '../identity/device-id.js';
import {
  absolutePath,
  join,
  type ProblemList,
  readArray,
  readBool,
  readInt,
  readOneOf,
  readOptionalString,
  readSection,
  readString,
  stringItem,
} from './check.js';
import {
  BAUD_RATES,
  CLOCK_DEFAULTS,
  ED25519_PUBLIC_KEY_BYTES,
  IDENTITY_DEFAULTS,
  LOG_DEFAULTS,
  MAX_APN_CHARS,
  MAX_UNIX_SOCKET_PATH_BYTES,
  MODEM_DEFAULTS,
  PATHS_DEFAULTS,
  RANGES,
} from './defaults.js';
import type {
  ClockConfig,
  IdentityConfig,
  LogConfig,
  ModemConfig,
  PathsConfig,
  SimMismatchAction,
} from './types.js';

/**
 * The device id rules are identity's (agent/identity/device-id.ts): the id is the certificate CN,
 * the broker username and a topic level, and `ops-` ids are kept for operator identities.
 */
export function checkDeviceId(s: string): string | null {
  return deviceIdProblem(s);
}

export function validateDeviceId(raw: unknown, p: ProblemList): string | null {
  return readString({ deviceId: raw }, 'deviceId', '', p, { check: checkDeviceId }) ?? null;
}

/** A Unix socket path: absolute, and short enough for sun_path. */
export function checkSocketPath(s: string): string | null {
  const abs = absolutePath(s);
  if (abs !== null) return abs;
  const bytes = Buffer.byteLength(s, 'utf8');
  if (bytes > MAX_UNIX_SOCKET_PATH_BYTES) {
    return `socket path is ${bytes} bytes, longer than the ${MAX_UNIX_SOCKET_PATH_BYTES} a Unix socket allows`;
  }
  return null;
}

export function validateModem(raw: unknown, p: ProblemList): ModemConfig | null {
  const path = 'modem';
  const o = readSection(raw, path, ['port', 'baudRate', 'simPin', 'powerCycleCommand', 'apn'], p, true);
  if (o === null) return null;
  const before = p.count;
  const port = readString(o, 'port', path, p, { check: absolutePath });
  let baudRate: number = MODEM_DEFAULTS.baudRate;
  if (o['baudRate'] !== undefined) {
    if (typeof o['baudRate'] === 'number' && BAUD_RATES.includes(o['baudRate'])) baudRate = o['baudRate'];
    else
      p.add(
        join(path, 'baudRate'),
        `expected one of ${BAUD_RATES.join(', ')}, got ${JSON.stringify(o['baudRate'])}`,
      );
  }
  // The PIN itself never goes into a problem text.
  const simPin = readOptionalString(o, 'simPin', path, p, (s) =>
    /^\d{4,8}$/.test(s) ? null : `expected 4..8 digits (${s.length} characters given)`,
  );
  const powerCycleCommand =
    o['powerCycleCommand'] === undefined
      ? undefined
      : readArray(
          o,
          'powerCycleCommand',
          path,
          p,
          RANGES['modem.powerCycleCommand'],
          undefined,
          stringItem(p),
        );
  if (powerCycleCommand !== undefined && powerCycleCommand[0] !== undefined) {
    const problem = absolutePath(powerCycleCommand[0]);
    if (problem !== null) p.add(`${path}.powerCycleCommand[0]`, `${problem} (no PATH lookup, no shell)`);
  }
  const apn = readOptionalString(o, 'apn', path, p, (s) =>
    s.length >= 1 && s.length <= MAX_APN_CHARS && /^[\x21-\x7e]+$/.test(s)
      ? null
      : `expected 1..${MAX_APN_CHARS} printable ASCII characters without spaces, got ${JSON.stringify(s)}`,
  );
  if (p.count !== before || port === undefined) return null;
  return {
    port,
    baudRate,
    ...(simPin === undefined ? {} : { simPin }),
    ...(powerCycleCommand === undefined ? {} : { powerCycleCommand }),
    ...(apn === undefined ? {} : { apn }),
  };
}

const SIM_ACTIONS: readonly SimMismatchAction[] = ['refuse', 'restricted'];

export function validateIdentity(raw: unknown, p: ProblemList): IdentityConfig | null {
  const path = 'identity';
  const o = readSection(raw, path, ['keysDir', 'onSimMismatch'], p, false);
  if (o === null) return null;
  const before = p.count;
  const d = IDENTITY_DEFAULTS;
  const keysDir = readString(o, 'keysDir', path, p, { dflt: d.keysDir, check: absolutePath }) ?? d.keysDir;
  const onSimMismatch = readOneOf(o, 'onSimMismatch', path, p, SIM_ACTIONS, d.onSimMismatch);
  return p.count === before ? { keysDir, onSimMismatch } : null;
}

export function validateClock(raw: unknown, p: ProblemList): ClockConfig | null {
  const path = 'clock';
  const o = readSection(raw, path, ['mayStepClock', 'maxNetworkTimeAgeMs'], p, false);
  if (o === null) return null;
  const before = p.count;
  const d = CLOCK_DEFAULTS;
  const mayStepClock = readBool(o, 'mayStepClock', path, p, d.mayStepClock);
  const maxNetworkTimeAgeMs =
    readInt(o, 'maxNetworkTimeAgeMs', path, p, RANGES['clock.maxNetworkTimeAgeMs'], d.maxNetworkTimeAgeMs) ??
    d.maxNetworkTimeAgeMs;
  return p.count === before ? { mayStepClock, maxNetworkTimeAgeMs } : null;
}

export function validatePaths(raw: unknown, p: ProblemList): PathsConfig | null {
  const path = 'paths';
  const o = readSection(raw, path, ['stateDir', 'controlSocket'], p, false);
  if (o === null) return null;
  const before = p.count;
  const d = PATHS_DEFAULTS;
  const stateDir =
    readString(o, 'stateDir', path, p, { dflt: d.stateDir, check: absolutePath }) ?? d.stateDir;
  const controlSocket =
    readString(o, 'controlSocket', path, p, { dflt: d.controlSocket, check: checkSocketPath }) ??
    d.controlSocket;
  return p.count === before ? { stateDir, controlSocket } : null;
}

/** Strict base64 of exactly 32 bytes: 43 characters of the alphabet and one `=`. */
export function checkEd25519PublicKey(s: string): string | null {
  const n = ED25519_PUBLIC_KEY_BYTES;
  if (!/^[A-Za-z0-9+/]{43}=$/.test(s)) {
    const decoded = /^[A-Za-z0-9+/]*={0,2}$/.test(s) ? Buffer.from(s, 'base64').length : null;
    return decoded === null
      ? `expected base64 of a ${n}-byte Ed25519 public key, got characters outside the base64 alphabet`
      : `expected base64 of a ${n}-byte Ed25519 public key, got ${decoded} bytes`;
  }
  return null;
}

export function validateOperatorKeys(raw: unknown, p: ProblemList): readonly string[] | null {
  const before = p.count;
  const check = stringItem(p, checkEd25519PublicKey);
  const seen = new Map<string, string>();
  const keys = readArray(
    { operatorKeys: raw },
    'operatorKeys',
    '',
    p,
    RANGES.operatorKeys,
    undefined,
    (item, at) => {
      const k = check(item, at);
      if (k === undefined) return undefined;
      const first = seen.get(k);
      if (first !== undefined) p.add(at, `duplicate of ${first}`);
      else seen.set(k, at);
      return k;
    },
  );
  return p.count === before && keys !== undefined ? keys : null;
}

const LEVEL_NAMES: readonly LevelName[] = ['trace', 'debug', 'info', 'warn', 'error', 'silent'];

export function validateLog(raw: unknown, p: ProblemList): LogConfig | null {
  const o = readSection(raw, 'log', ['level'], p, false);
  if (o === null) return null;
  const before = p.count;
  const level = readOneOf(o, 'level', 'log', p, LEVEL_NAMES, LOG_DEFAULTS.level);
  return p.count === before ? { level } : null;
}
