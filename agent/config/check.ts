/**
 * Small field readers for config validation. Each reads one field of a raw JSON object, records a
 * problem under the field's path when the value is wrong, and returns the value (or the default) so
 * that validation goes on and every problem is listed, not only the first. Pure.
 */
import type { ConfigProblem } from './types.js';

/** The problems found so far, in the order found. */
export class ProblemList {
  private readonly items: ConfigProblem[] = [];

  add(path: string, problem: string): void {
    this.items.push({ path, problem });
  }

  get list(): readonly ConfigProblem[] {
    return this.items;
  }

  get count(): number {
    return this.items.length;
  }
}

export type RawObject = Readonly<Record<string, unknown>>;

/** `uplink` + `keepaliveS` → `uplink.keepaliveS`; the root has no prefix. */
export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Names a value's JSON type for a problem text: `a string`, `a number (3.5)`, `null`, `an array`. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return `a string (${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)})`;
    case 'number':
      return `a number (${v})`;
    case 'boolean':
      return `a boolean (${v})`;
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

export function isRawObject(v: unknown): v is RawObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Edit distance, to suggest the key a typo meant. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(cur + 1, (row[j - 1] ?? 0) + 1, prev + cost);
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
}

function suggest(key: string, known: readonly string[]): string | null {
  const lower = key.toLowerCase();
  let best: string | null = null;
  let bestD = 3;
  for (const k of known) {
    const d = k.toLowerCase() === lower ? 0 : distance(lower, k.toLowerCase());
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

/**
 * Reads a section object. Absent: `{}` when optional, a problem when required. Not an object: a
 * problem, and null. Keys not in `known` are problems too, with the key a typo probably meant.
 */
export function readSection(
  v: unknown,
  path: string,
  known: readonly string[],
  p: ProblemList,
  isRequired: boolean,
): RawObject | null {
  if (v === undefined) {
    if (isRequired) p.add(path, 'required section is missing');
    return isRequired ? null : {};
  }
  if (!isRawObject(v)) {
    p.add(path, `expected an object, got ${describe(v)}`);
    return null;
  }
  for (const key of Object.keys(v)) {
    if (known.includes(key)) continue;
    const hint = suggest(key, known);
    p.add(join(path, key), `unknown key${hint === null ? '' : ` (did you mean "${hint}"?)`}`);
  }
  return v;
}

/** A string checker returns null when the value is fine, else the problem. */
export type StringCheck = (s: string) => string | null;

export function readString(
  o: RawObject,
  key: string,
  path: string,
  p: ProblemList,
  opts: { dflt?: string; check?: StringCheck },
): string | undefined {
  const at = join(path, key);
  const v = o[key];
  if (v === undefined) {
    if (opts.dflt === undefined) p.add(at, 'required');
    return opts.dflt;
  }
  if (typeof v !== 'string') {
    p.add(at, `expected a string, got ${describe(v)}`);
    return opts.dflt;
  }
  const problem = opts.check?.(v) ?? null;
  if (problem !== null) {
    p.add(at, problem);
    return opts.dflt;
  }
  return v;
}

/** An optional string: absent stays absent (no default). */
export function readOptionalString(
  o: RawObject,
  key: string,
  path: string,
  p: ProblemList,
  check?: StringCheck,
): string | undefined {
  if (o[key] === undefined) return undefined;
  return readString(o, key, path, p, check === undefined ? {} : { check });
}

export function readInt(
  o: RawObject,
  key: string,
  path: string,
  p: ProblemList,
  range: { readonly min: number; readonly max: number },
  dflt?: number,
): number | undefined {
  const at = join(path, key);
  const v = o[key];
  if (v === undefined) {
    if (dflt === undefined) p.add(at, 'required');
    return dflt;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    p.add(at, `expected a whole number, got ${describe(v)}`);
    return dflt;
  }
  if (v < range.min || v > range.max) {
    p.add(at, `must be between ${range.min} and ${range.max}, got ${v}`);
    return dflt;
  }
  return v;
}

export function readBool(o: RawObject, key: string, path: string, p: ProblemList, dflt: boolean): boolean {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') {
    p.add(join(path, key), `expected true or false, got ${describe(v)}`);
    return dflt;
  }
  return v;
}

export function readOneOf<T extends string>(
  o: RawObject,
  key: string,
  path: string,
  p: ProblemList,
  values: readonly T[],
  dflt: T,
): T {
  const v = o[key];
  if (v === undefined) return dflt;
  const hit = values.find((x) => x === v);
  if (hit === undefined) {
    p.add(join(path, key), `expected one of ${values.map((x) => `"${x}"`).join(', ')}, got ${describe(v)}`);
    return dflt;
  }
  return hit;
}

/** An array of `range.min..range.max` items; `readItem` reads each at `path[i]`. */
export function readArray<T>(
  o: RawObject,
  key: string,
  path: string,
  p: ProblemList,
  range: { readonly min: number; readonly max: number },
  dflt: readonly T[] | undefined,
  readItem: (item: unknown, itemPath: string) => T | undefined,
): readonly T[] | undefined {
  const at = join(path, key);
  const v = o[key];
  if (v === undefined) {
    if (dflt === undefined) p.add(at, 'required');
    return dflt;
  }
  if (!Array.isArray(v)) {
    p.add(at, `expected an array, got ${describe(v)}`);
    return dflt;
  }
  if (v.length < range.min || v.length > range.max) {
    p.add(at, `expected ${range.min}..${range.max} items, got ${v.length}`);
  }
  const out: T[] = [];
  v.forEach((item: unknown, i) => {
    const r = readItem(item, `${at}[${i}]`);
    if (r !== undefined) out.push(r);
  });
  return out;
}

/** Reads an array item that must be a string passing `check`. */
export function stringItem(p: ProblemList, check?: StringCheck) {
  return (item: unknown, itemPath: string): string | undefined => {
    if (typeof item !== 'string') {
      p.add(itemPath, `expected a string, got ${describe(item)}`);
      return undefined;
    }
    const problem = check?.(item) ?? null;
    if (problem !== null) {
      p.add(itemPath, problem);
      return undefined;
    }
    return item;
  };
}

/** Checks an absolute path without NUL bytes. */
export function absolutePath(s: string): string | null {
  if (!s.startsWith('/')) return `expected an absolute path, got ${JSON.stringify(s)}`;
  if (s.includes('\0')) return 'path contains a NUL byte';
  return null;
}

/** Freezes an object and everything reachable from it. */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}
