/**
 * Named faults the simulator can switch on at run time, their parameters with defaults, and the
 * pure planner that turns one reply into the byte chunks (and delays) a faulty modem would send.
 */
import { fail, ok, type Result } from '../../modem/at/result.js';
import { frameLines } from './format.js';
import type { Reply } from './reply.js';

export const FAULT_NAMES = [
  'silence',
  'garbage',
  'echo-stuck',
  'crcrlf',
  'urc-storm',
  'urc-inside-response',
  'final-delayed',
  'final-dropped',
  'sim-busy-after-cfun',
  'reboot-mid-command',
  'port-vanish',
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

/** Parameters as callers give them; omitted ones take the defaults below. */
export interface FaultParams {
  silence: Record<string, never>;
  /** `bytes` random non-UTF-8 bytes before each response (default 8); `seed` makes them repeatable. */
  garbage: { bytes?: number; seed?: number };
  'echo-stuck': Record<string, never>;
  crcrlf: Record<string, never>;
  /** `perSecond` URCs (default 10) cycling through `lines` (default: the profile's storm URCs). */
  'urc-storm': { perSecond?: number; lines?: readonly string[] };
  /** `line` (default `+CEREG: 1`) between the info lines and the final of the next `count` responses (default: all). */
  'urc-inside-response': { line?: string; count?: number };
  /** The final of the next `count` commands (default 1) comes `delayMs` (default 2000) after the info lines. */
  'final-delayed': { count?: number; delayMs?: number };
  /** No final for the next `count` commands (default 1). */
  'final-dropped': { count?: number };
  /** `+CME ERROR: 14` to SIM commands for `durationMs` (default 3000) after +CFUN=1 or a reboot. */
  'sim-busy-after-cfun': { durationMs?: number };
  /** On the next command: cut the response, stay silent `silentMs` (default 1500), then boot. */
  'reboot-mid-command': { silentMs?: number };
  /** Kill the PTY pair now; after `downMs` (default 500) re-create it with the agent link `nextLinkName`. */
  'port-vanish': { downMs?: number; nextLinkName: string };
}

/** Parameters with defaults applied; `remaining` null means "until cleared". */
export interface ActiveFaults {
  readonly silence?: true;
  readonly garbage?: { readonly bytes: number; readonly seed: number };
  readonly 'echo-stuck'?: true;
  readonly crcrlf?: true;
  readonly 'urc-storm'?: { readonly perSecond: number; readonly lines: readonly string[] | null };
  readonly 'urc-inside-response'?: { readonly line: string; readonly remaining: number | null };
  readonly 'final-delayed'?: { readonly remaining: number; readonly delayMs: number };
  readonly 'final-dropped'?: { readonly remaining: number };
  readonly 'sim-busy-after-cfun'?: { readonly durationMs: number };
  readonly 'reboot-mid-command'?: { readonly silentMs: number };
  readonly 'port-vanish'?: { readonly downMs: number; readonly nextLinkName: string };
}

export function isFaultName(name: string): name is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(name);
}

type Obj = { readonly [key: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const field = (o: Obj, key: string): unknown => o[key];

function num(p: Obj, key: string, fallback: number, min: number, max: number): Result<number> {
  const v = p[key];
  if (v === undefined) return ok(fallback);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    return fail(`${key}: expected a number in ${min}..${max}`);
  }
  return ok(v);
}

function str(p: Obj, key: string): Result<string | undefined> {
  const v = p[key];
  if (v === undefined || typeof v === 'string') return ok(v);
  return fail(`${key}: expected a string`);
}

const HOUR_MS = 3_600_000;

/**
 * Checks parameters (from code or a JSON control line) and fills in defaults. Returns the new
 * active-fault set, or why the parameters are wrong.
 */
export function withFault(faults: ActiveFaults, name: FaultName, raw: unknown = {}): Result<ActiveFaults> {
  if (!isObj(raw)) return fail('params: expected an object');
  const p = raw;
  const set = <T>(value: T): Result<ActiveFaults> => ok({ ...faults, [name]: value });
  switch (name) {
    case 'silence':
    case 'echo-stuck':
    case 'crcrlf':
      return set(true);
    case 'garbage': {
      const bytes = num(p, 'bytes', 8, 1, 4096);
      const seed = num(p, 'seed', 1, 0, 2 ** 32 - 1);
      if (!bytes.ok) return bytes;
      if (!seed.ok) return seed;
      return set({ bytes: bytes.value, seed: seed.value });
    }
    case 'urc-storm': {
      const perSecond = num(p, 'perSecond', 10, 0.1, 1000);
      if (!perSecond.ok) return perSecond;
      const lines = field(p, 'lines');
      if (lines !== undefined && !(Array.isArray(lines) && lines.every((l) => typeof l === 'string'))) {
        return fail('lines: expected an array of strings');
      }
      const list = Array.isArray(lines) ? lines.filter((l): l is string => typeof l === 'string') : null;
      return set({ perSecond: perSecond.value, lines: list });
    }
    case 'urc-inside-response': {
      const line = str(p, 'line');
      if (!line.ok) return line;
      const count = field(p, 'count') === undefined ? ok(null) : num(p, 'count', 1, 1, 1e9);
      if (!count.ok) return count;
      return set({ line: line.value ?? '+CEREG: 1', remaining: count.value });
    }
    case 'final-delayed': {
      const count = num(p, 'count', 1, 1, 1e9);
      const delayMs = num(p, 'delayMs', 2000, 0, HOUR_MS);
      if (!count.ok) return count;
      if (!delayMs.ok) return delayMs;
      return set({ remaining: count.value, delayMs: delayMs.value });
    }
    case 'final-dropped': {
      const count = num(p, 'count', 1, 1, 1e9);
      return count.ok ? set({ remaining: count.value }) : count;
    }
    case 'sim-busy-after-cfun': {
      const durationMs = num(p, 'durationMs', 3000, 0, HOUR_MS);
      return durationMs.ok ? set({ durationMs: durationMs.value }) : durationMs;
    }
    case 'reboot-mid-command': {
      const silentMs = num(p, 'silentMs', 1500, 0, HOUR_MS);
      return silentMs.ok ? set({ silentMs: silentMs.value }) : silentMs;
    }
    case 'port-vanish': {
      const downMs = num(p, 'downMs', 500, 0, HOUR_MS);
      const next = str(p, 'nextLinkName');
      if (!downMs.ok) return downMs;
      if (!next.ok) return next;
      if (next.value === undefined || !/^[\w.-]+$/.test(next.value)) {
        return fail('nextLinkName: expected a file name such as ttyUSB3');
      }
      return set({ downMs: downMs.value, nextLinkName: next.value });
    }
  }
}

export function withoutFault(faults: ActiveFaults, name: FaultName): ActiveFaults {
  const { [name]: _removed, ...rest } = faults;
  return rest;
}

/** A small seeded PRNG (mulberry32) so garbage is repeatable in tests. Returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` bytes that can never be valid UTF-8: lone continuation bytes (0x80–0xBF) and bytes no
 * UTF-8 sequence uses (0xC0, 0xC1, 0xF8–0xFF).
 */
export function garbageBytes(random: () => number, count: number): Buffer {
  const pool = [0xc0, 0xc1, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff];
  const out = Buffer.alloc(count);
  for (let i = 0; i < count; i++) {
    const r = random();
    out[i] =
      r < 0.5 ? 0x80 + Math.floor(r * 2 * 0x40) : (pool[Math.floor((r - 0.5) * 2 * pool.length)] ?? 0xff);
  }
  return out;
}

/** One write, `afterMs` after the previous one. */
export interface Chunk {
  readonly data: string | Buffer;
  readonly afterMs: number;
}

export interface ResponsePlan {
  readonly chunks: readonly Chunk[];
  readonly faults: ActiveFaults;
  /** `reboot-mid-command` fired: stay silent this long, then boot. */
  readonly rebootSilentMs: number | null;
}

/**
 * Bytes for one reply under the active faults: echo, garbage, info lines, an injected URC, the
 * final (delayed, dropped, or on time) and the URCs the command caused. Decrements the counted
 * faults. Pure apart from `random`.
 */
export function planResponse(
  reply: Reply,
  echo: string | null,
  urcsAfter: readonly string[],
  faults: ActiveFaults,
  random: () => number,
): ResponsePlan {
  const eol = faults.crcrlf === true ? '\r\r\n' : '\r\n';
  const chunks: Chunk[] = [];
  if (echo !== null) chunks.push({ data: echo, afterMs: 0 });
  if (reply.final === null) return { chunks, faults, rebootSilentMs: null };
  let next: ActiveFaults = faults;
  const reboot = faults['reboot-mid-command'];
  if (reboot !== undefined) {
    const full = frameLines([...reply.lines, reply.final], eol);
    chunks.push({ data: full.slice(0, Math.max(1, Math.floor(full.length / 2))), afterMs: 0 });
    return { chunks, faults: withoutFault(faults, 'reboot-mid-command'), rebootSilentMs: reboot.silentMs };
  }
  const garbage = faults.garbage;
  if (garbage !== undefined) chunks.push({ data: garbageBytes(random, garbage.bytes), afterMs: 0 });
  let body = frameLines(reply.lines, eol);
  const inside = faults['urc-inside-response'];
  if (inside !== undefined && reply.lines.length > 0) {
    body += frameLines([inside.line], eol);
    if (inside.remaining !== null) {
      next =
        inside.remaining <= 1
          ? withoutFault(next, 'urc-inside-response')
          : { ...next, 'urc-inside-response': { ...inside, remaining: inside.remaining - 1 } };
    }
  }
  if (body !== '') chunks.push({ data: body, afterMs: 0 });
  const tail = frameLines([reply.final, ...urcsAfter], eol);
  const dropped = faults['final-dropped'];
  const delayed = faults['final-delayed'];
  if (dropped !== undefined) {
    next =
      dropped.remaining <= 1
        ? withoutFault(next, 'final-dropped')
        : { ...next, 'final-dropped': { remaining: dropped.remaining - 1 } };
    const urcs = frameLines(urcsAfter, eol);
    if (urcs !== '') chunks.push({ data: urcs, afterMs: 0 });
  } else if (delayed !== undefined) {
    next =
      delayed.remaining <= 1
        ? withoutFault(next, 'final-delayed')
        : { ...next, 'final-delayed': { ...delayed, remaining: delayed.remaining - 1 } };
    chunks.push({ data: tail, afterMs: delayed.delayMs });
  } else {
    chunks.push({ data: tail, afterMs: 0 });
  }
  return { chunks, faults: next, rebootSilentMs: null };
}
