/**
 * The standalone simulator's control protocol: one JSON object per stdin line.
 *
 *   {"state": {...}}                      scripted state patch (see StatePatch)
 *   {"fault": "silence", "params": {...}} switch a fault on
 *   {"clear": "silence"}                  switch it off
 *   {"urc": "+CEREG: 5"}                  send one unsolicited line
 *
 * Pure: validates and returns a typed message, or the reason the line is wrong.
 */

import { fail, ok, type Result } from '../../modem/at/result.js';
import type { RegDomain } from '../../modem/at/types.js';
import { type FaultName, isFaultName, withFault } from './faults.js';
import { isIsoLocal } from './format.js';
import {
  type NetworkTime,
  type PdpContextState,
  REG_DOMAINS,
  type Registration,
  type RegStatus,
  type SimStatus,
  type StatePatch,
} from './state.js';

export type ControlMessage =
  | { readonly kind: 'state'; readonly patch: StatePatch }
  | { readonly kind: 'fault'; readonly name: FaultName; readonly params: unknown }
  | { readonly kind: 'clear'; readonly name: FaultName }
  | { readonly kind: 'urc'; readonly line: string };

type Obj = { readonly [key: string]: unknown };
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const field = (o: Obj, key: string): unknown => o[key];

function fieldsOf<K extends string, V>(
  v: unknown,
  keys: readonly K[],
  path: string,
  check: (x: unknown) => x is V,
  kind: string,
): Result<Partial<Record<K, V>>> {
  if (!isObj(v)) return fail(`${path}: expected an object`);
  const out: Partial<Record<K, V>> = {};
  for (const [key, value] of Object.entries(v)) {
    const k = keys.find((name) => name === key);
    if (k === undefined) return fail(`${path}.${key}: unknown field`);
    if (!check(value)) return fail(`${path}.${key}: expected ${kind}`);
    out[k] = value;
  }
  return ok(out);
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const SIM: readonly SimStatus[] = ['ready', 'pin', 'puk', 'absent'];
const REG: readonly RegStatus[] = ['home', 'roaming', 'searching', 'denied', 'not-registered'];
const isSim = (x: unknown): x is SimStatus => SIM.some((s) => s === x);
const isRegStatus = (x: unknown): x is RegStatus => REG.some((s) => s === x);

function registrationOf(v: unknown): Result<Partial<Record<RegDomain, Partial<Registration>>>> {
  if (!isObj(v)) return fail('state.registration: expected an object');
  const out: Partial<Record<RegDomain, Partial<Registration>>> = {};
  for (const [key, value] of Object.entries(v)) {
    const domain = REG_DOMAINS.find((d) => d === key);
    if (domain === undefined) return fail(`state.registration.${key}: unknown domain`);
    const path = `state.registration.${key}`;
    if (!isObj(value)) return fail(`${path}: expected an object`);
    const { state, ...numbers } = value;
    if (state !== undefined && !isRegStatus(state))
      return fail(`${path}.state: expected one of ${REG.join(', ')}`);
    const rest = fieldsOf(numbers, ['lac', 'tac', 'cellId', 'act'] as const, path, isNum, 'a number');
    if (!rest.ok) return rest;
    out[domain] = state === undefined ? rest.value : { ...rest.value, state };
  }
  return ok(out);
}

function networkTimeOf(v: unknown): Result<NetworkTime | null> {
  if (v === null) return ok(null);
  const iso = isObj(v) ? field(v, 'iso') : undefined;
  const tz = isObj(v) ? field(v, 'tzQuarterHours') : undefined;
  if (!isStr(iso) || !isNum(tz) || !isIsoLocal(iso)) {
    return fail('state.networkTime: expected null or { iso: "YYYY-MM-DDThh:mm:ss", tzQuarterHours }');
  }
  return ok({ iso, tzQuarterHours: tz });
}

function pdpOf(v: unknown): Result<PdpContextState[]> {
  if (!Array.isArray(v)) return fail('state.pdp: expected an array');
  const out: PdpContextState[] = [];
  for (const [i, c] of v.entries()) {
    const path = `state.pdp[${i}]`;
    if (!isObj(c)) return fail(`${path}: expected { cid, type, apn, isActive?, addresses? }`);
    const [cid, type, apn] = [field(c, 'cid'), field(c, 'type'), field(c, 'apn')];
    if (!isNum(cid) || !isStr(type) || !isStr(apn))
      return fail(`${path}: expected { cid, type, apn, isActive?, addresses? }`);
    const addresses = field(c, 'addresses') ?? [];
    if (!Array.isArray(addresses) || !addresses.every(isStr))
      return fail(`${path}.addresses: expected strings`);
    const isActive = field(c, 'isActive') ?? false;
    if (typeof isActive !== 'boolean') return fail(`${path}.isActive: expected a boolean`);
    out.push({ cid, type, apn, isActive, addresses: addresses.filter(isStr) });
  }
  return ok(out);
}

/** Validates a state patch from JSON; unknown fields are errors, so typos do not pass silently. */
export function parseStatePatch(v: unknown): Result<StatePatch> {
  if (!isObj(v)) return fail('state: expected an object');
  const out: Mutable<StatePatch> = {};
  for (const [key, value] of Object.entries(v)) {
    const bad = (what: string): Result<StatePatch> => fail(`state.${key}: expected ${what}`);
    switch (key) {
      case 'sim':
        if (!isSim(value)) return bad(SIM.join(' | '));
        out.sim = value;
        break;
      case 'pin':
      case 'puk':
        if (!isStr(value)) return bad('a string');
        out[key] = value;
        break;
      case 'pinAttemptsLeft':
      case 'copsFormat':
      case 'cfun':
      case 'cmee':
      case 's7':
        if (!isNum(value)) return bad('a number');
        out[key] = value;
        break;
      case 'isPinLockEnabled':
      case 'echo':
        if (typeof value !== 'boolean') return bad('a boolean');
        out[key] = value;
        break;
      default: {
        const r = nestedOf(key, value, out);
        if (!r.ok) return r;
      }
    }
  }
  return ok(out);
}

function nestedOf(key: string, value: unknown, out: Mutable<StatePatch>): Result<StatePatch> {
  const path = `state.${key}`;
  const assign = <T>(r: Result<T>, set: (x: T) => void): Result<StatePatch> => {
    if (!r.ok) return r;
    set(r.value);
    return ok(out);
  };
  switch (key) {
    case 'registration':
      return assign(registrationOf(value), (x) => (out.registration = x));
    case 'urcMode':
      return assign(fieldsOf(value, REG_DOMAINS, path, isNum, 'a number'), (x) => (out.urcMode = x));
    case 'signal':
      return assign(
        fieldsOf(value, ['csq', 'rsrpDbm', 'rsrqDb', 'sinrDb'] as const, path, isNum, 'a number'),
        (x) => (out.signal = x),
      );
    case 'operator':
      return assign(
        fieldsOf(value, ['mcc', 'mnc', 'longName', 'shortName'] as const, path, isStr, 'a string'),
        (x) => (out.operator = x),
      );
    case 'servingCell':
      return assign(
        fieldsOf(value, ['earfcn', 'band', 'pci', 'bandwidthMhz'] as const, path, isNum, 'a number'),
        (x) => (out.servingCell = x),
      );
    case 'identity':
      return assign(
        fieldsOf(
          value,
          ['imei', 'iccid', 'imsi', 'manufacturer', 'model', 'revision'] as const,
          path,
          isStr,
          'a string',
        ),
        (x) => (out.identity = x),
      );
    case 'networkTime':
      return assign(networkTimeOf(value), (x) => (out.networkTime = x));
    case 'pdp':
      return assign(pdpOf(value), (x) => (out.pdp = x));
    case 'vendorModes':
      return assign(
        fieldsOf(value, ['ucged'] as const, path, isNum, 'a number'),
        (x) => (out.vendorModes = x),
      );
    default:
      return fail(`${path}: unknown field`);
  }
}

/** Parses one control line. */
export function parseControlLine(line: string): Result<ControlMessage> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    // The reason is the same for every syntax error; the offending text goes back to the caller.
    return fail(`not JSON: ${line.slice(0, 80)}`);
  }
  if (!isObj(v)) return fail('expected a JSON object');
  if ('state' in v) {
    const patch = parseStatePatch(field(v, 'state'));
    return patch.ok ? ok({ kind: 'state', patch: patch.value }) : patch;
  }
  const fault = field(v, 'fault');
  if (typeof fault === 'string') {
    if (!isFaultName(fault)) return fail(`fault: unknown name "${fault}"`);
    const params = field(v, 'params') ?? {};
    const checked = withFault({}, fault, params);
    return checked.ok
      ? ok({ kind: 'fault', name: fault, params })
      : fail(`fault ${fault}: ${checked.reason}`);
  }
  const clear = field(v, 'clear');
  if (typeof clear === 'string') {
    return isFaultName(clear) ? ok({ kind: 'clear', name: clear }) : fail(`clear: unknown fault "${clear}"`);
  }
  const urc = field(v, 'urc');
  if (typeof urc === 'string') return ok({ kind: 'urc', line: urc });
  return fail('expected one of "state", "fault", "clear", "urc"');
}
