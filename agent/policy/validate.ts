/**
 * Validation of a raw sensor policy (from the config file or a signed remote config) into a frozen
 * `PolicyConfig` with every default filled in, or the full list of problems, each naming its field
 * (`sensors.s1.rate.burst: expected an integer 1..10000, got a number (0)`). Pure.
 */

import {
  COMMAND_TOPIC_ROOT,
  DEFAULT_ALLOWS_EXTRA_KEYS,
  DEFAULT_BURST,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_RATE_PER_S,
  defaultSubscribe,
  MAX_BURST,
  MAX_PATTERNS,
  MAX_PAYLOAD_BYTES_LIMIT,
  MAX_RATE_PER_S,
  MAX_SCHEMA_KEYS,
} from './defaults.js';
import { reachesOtherSensor } from './segmentation.js';
import { checkSensorId, checkTopicFilter } from './topic-check.js';
import type { FieldType, PayloadSchema, PolicyConfig, RateLimit, SensorPolicy } from './types.js';

/** One bad field: where, and what is wrong with it. */
export interface PolicyProblem {
  readonly path: string;
  readonly problem: string;
}

/** The validated policy, or every problem found. */
export type PolicyValidation =
  | { ok: true; policy: PolicyConfig }
  | { ok: false; problems: readonly PolicyProblem[] };

type Raw = Readonly<Record<string, unknown>>;
type Problems = PolicyProblem[];

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)})`;
  if (typeof v === 'number' || typeof v === 'boolean') return `a ${typeof v} (${v})`;
  return typeof v === 'object' ? 'an object' : typeof v;
}

function unknownKeys(o: Raw, allowed: readonly string[], path: string, p: Problems): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key))
      p.push({
        path: path === '' ? key : `${path}.${key}`,
        problem: `unknown key (expected one of ${allowed.join(', ')})`,
      });
  }
}

function readPatterns(
  o: Raw,
  key: 'publish' | 'subscribe',
  path: string,
  sensorId: string,
  p: Problems,
): string[] | null {
  const v = o[key];
  const at = `${path}.${key}`;
  if (!Array.isArray(v)) {
    p.push({ path: at, problem: `expected an array of topic patterns, got ${describe(v)}` });
    return null;
  }
  if (v.length > MAX_PATTERNS) {
    p.push({ path: at, problem: `at most ${MAX_PATTERNS} patterns, got ${v.length}` });
    return null;
  }
  const before = p.length;
  const out: string[] = [];
  v.forEach((item: unknown, i) => {
    const itemAt = `${at}[${i}]`;
    if (typeof item !== 'string') {
      p.push({ path: itemAt, problem: `expected a topic pattern, got ${describe(item)}` });
      return;
    }
    const checked = checkTopicFilter(item);
    if (!checked.ok) p.push({ path: itemAt, problem: checked.reason });
    else if (key === 'publish' && item.split('/')[0] === COMMAND_TOPIC_ROOT) {
      p.push({
        path: itemAt,
        problem: `"${COMMAND_TOPIC_ROOT}/…" is for commands to sensors, not for publishing`,
      });
    } else if (key === 'subscribe' && reachesOtherSensor(item, sensorId)) {
      p.push({ path: itemAt, problem: 'segmentation: reaches the command topics of other sensors' });
    } else out.push(item);
  });
  return p.length === before ? out : null;
}

function readNumber(
  o: Raw,
  key: string,
  path: string,
  p: Problems,
  range: { min: number; max: number; isInteger: boolean; isMinExclusive?: boolean },
  dflt: number,
): number {
  const v = o[key];
  if (v === undefined) return dflt;
  const inRange =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (range.isMinExclusive === true ? v > range.min : v >= range.min) &&
    v <= range.max &&
    (!range.isInteger || Number.isInteger(v));
  if (!inRange) {
    const kind = range.isInteger ? 'an integer' : 'a number';
    const span =
      range.isMinExclusive === true
        ? `above ${range.min}, at most ${range.max}`
        : `${range.min}..${range.max}`;
    p.push({ path: `${path}.${key}`, problem: `expected ${kind} ${span}, got ${describe(v)}` });
  }
  return typeof v === 'number' ? v : dflt;
}

function readRate(v: unknown, path: string, p: Problems): RateLimit {
  const dflt = { ratePerS: DEFAULT_RATE_PER_S, burst: DEFAULT_BURST };
  if (v === undefined) return dflt;
  if (!isObject(v)) {
    p.push({ path, problem: `expected an object { ratePerS, burst }, got ${describe(v)}` });
    return dflt;
  }
  unknownKeys(v, ['ratePerS', 'burst'], path, p);
  const ratePerS = readNumber(
    v,
    'ratePerS',
    path,
    p,
    { min: 0, max: MAX_RATE_PER_S, isInteger: false, isMinExclusive: true },
    DEFAULT_RATE_PER_S,
  );
  const burst = readNumber(v, 'burst', path, p, { min: 1, max: MAX_BURST, isInteger: true }, DEFAULT_BURST);
  return { ratePerS, burst };
}

const FIELD_TYPES: readonly FieldType[] = ['number', 'string', 'boolean'];
const isFieldType = (v: unknown): v is FieldType => FIELD_TYPES.some((t) => t === v);

function readSchema(v: unknown, path: string, p: Problems): PayloadSchema | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) {
    p.push({ path, problem: `expected an object { keys, allowsExtraKeys }, got ${describe(v)}` });
    return undefined;
  }
  unknownKeys(v, ['keys', 'allowsExtraKeys'], path, p);
  const rawKeys = v['keys'];
  const keys: Record<string, FieldType> = {};
  if (!isObject(rawKeys)) {
    p.push({
      path: `${path}.keys`,
      problem: `expected an object of key → "number" | "string" | "boolean", got ${describe(rawKeys)}`,
    });
  } else if (Object.keys(rawKeys).length > MAX_SCHEMA_KEYS) {
    p.push({
      path: `${path}.keys`,
      problem: `at most ${MAX_SCHEMA_KEYS} keys, got ${Object.keys(rawKeys).length}`,
    });
  } else {
    for (const [key, type] of Object.entries(rawKeys)) {
      if (isFieldType(type)) Object.defineProperty(keys, key, { value: type, enumerable: true });
      else
        p.push({
          path: `${path}.keys.${key}`,
          problem: `expected "number", "string" or "boolean", got ${describe(type)}`,
        });
    }
  }
  const extra = v['allowsExtraKeys'];
  if (extra !== undefined && typeof extra !== 'boolean') {
    p.push({ path: `${path}.allowsExtraKeys`, problem: `expected a boolean, got ${describe(extra)}` });
  }
  return { keys, allowsExtraKeys: typeof extra === 'boolean' ? extra : DEFAULT_ALLOWS_EXTRA_KEYS };
}

const SENSOR_KEYS = ['publish', 'subscribe', 'maxPayloadBytes', 'rate', 'schema'] as const;

function readSensor(id: string, v: unknown, path: string, p: Problems): SensorPolicy | null {
  if (!isObject(v)) {
    p.push({ path, problem: `expected an object, got ${describe(v)}` });
    return null;
  }
  const before = p.length;
  unknownKeys(v, SENSOR_KEYS, path, p);
  const publish = readPatterns(v, 'publish', path, id, p);
  const subscribe =
    v['subscribe'] === undefined ? defaultSubscribe(id) : readPatterns(v, 'subscribe', path, id, p);
  const maxPayloadBytes = readNumber(
    v,
    'maxPayloadBytes',
    path,
    p,
    { min: 1, max: MAX_PAYLOAD_BYTES_LIMIT, isInteger: true },
    DEFAULT_MAX_PAYLOAD_BYTES,
  );
  const rate = readRate(v['rate'], `${path}.rate`, p);
  const schema = readSchema(v['schema'], `${path}.schema`, p);
  if (p.length !== before || publish === null || subscribe === null) return null;
  const base = { publish, subscribe, maxPayloadBytes, rate };
  return schema === undefined ? base : { ...base, schema };
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const inner of Object.values(v)) deepFreeze(inner);
    Object.freeze(v);
  }
  return v;
}

/**
 * Validates a raw policy `{ sensors: { <id>: { publish, subscribe?, maxPayloadBytes?, rate?,
 * schema? } } }`. Unknown keys are problems (a typo must not silently widen or narrow a policy).
 */
export function validatePolicy(raw: unknown): PolicyValidation {
  const p: Problems = [];
  if (!isObject(raw))
    return {
      ok: false,
      problems: [{ path: '', problem: `expected an object { sensors }, got ${describe(raw)}` }],
    };
  unknownKeys(raw, ['sensors'], '', p);
  const rawSensors = raw['sensors'];
  const sensors: Record<string, SensorPolicy> = {};
  if (!isObject(rawSensors)) {
    p.push({
      path: 'sensors',
      problem: `expected an object of sensor id → policy, got ${describe(rawSensors)}`,
    });
  } else {
    for (const [id, v] of Object.entries(rawSensors)) {
      const idOk = checkSensorId(id);
      const path = idOk.ok ? `sensors.${id}` : `sensors[${JSON.stringify(id)}]`;
      if (!idOk.ok) {
        p.push({ path, problem: `bad sensor id: ${idOk.reason}` });
        continue;
      }
      const sensor = readSensor(id, v, path, p);
      // defineProperty: an id may never reach a prototype setter.
      if (sensor !== null) Object.defineProperty(sensors, id, { value: sensor, enumerable: true });
    }
  }
  if (p.length > 0) return { ok: false, problems: p };
  return { ok: true, policy: deepFreeze({ sensors }) };
}
