/**
 * What changed between the running config and a reloaded one, and whether the running agent can
 * take it without a restart. Pure.
 *
 * Only the `sensors` section (credentials and policies) is applied live: it is read per request by
 * the sensor gate, so swapping it is one assignment. Everything else (uplink, identity, paths,
 * listeners, journal, telemetry, modem, clock, exposure, log) is bound into sockets, files and
 * timers at start, and a change there is refused with the fields named, so that what the agent
 * runs is always exactly one config file's content — never half of the old one and half of a new.
 */
import type { AgentConfig } from './types.js';

/** Top-level sections applied without a restart. */
const LIVE_SECTIONS: readonly string[] = ['sensors'];

export interface ConfigDiff {
  /** Changed leaf paths in live sections (`sensors.policy.sensors.s3`), sorted. */
  readonly live: readonly string[];
  /** Changed leaf paths that need a restart (`uplink.keepaliveS`), sorted. */
  readonly restart: readonly string[];
}

/** Most paths listed per class; the rest are counted in a final `… N more` entry. */
const MAX_DIFF_PATHS = 50;

export function diffConfig(running: AgentConfig, next: AgentConfig): ConfigDiff {
  const paths: string[] = [];
  collect(running, next, '', paths);
  paths.sort();
  const live: string[] = [];
  const restart: string[] = [];
  for (const p of paths) (LIVE_SECTIONS.includes(p.split('.')[0] ?? '') ? live : restart).push(p);
  return { live: cap(live), restart: cap(restart) };
}

function cap(paths: string[]): readonly string[] {
  if (paths.length <= MAX_DIFF_PATHS) return paths;
  return [...paths.slice(0, MAX_DIFF_PATHS), `… ${paths.length - MAX_DIFF_PATHS} more`];
}

type Plain = unknown;

function isRecord(v: Plain): v is Readonly<Record<string, Plain>> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Appends every path where `a` and `b` differ; a whole added/removed key counts as one path. */
function collect(a: Plain, b: Plain, at: string, out: string[]): void {
  if (Object.is(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length || a.some((v, i) => !isSame(v, b[i]))) out.push(at);
    return;
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) collect(a[k], b[k], at === '' ? k : `${at}.${k}`, out);
    return;
  }
  out.push(at);
}

function isSame(a: Plain, b: Plain): boolean {
  const out: string[] = [];
  collect(a, b, '', out);
  return out.length === 0;
}
