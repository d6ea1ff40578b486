/**
 * Validates the data-path sections: `sensors` (credential + policy per sensor), `journal` (the
 * durable store of readings) and `telemetry` (bundling and the cellular budget). The per-sensor
 * policy is checked by agent/policy's own validator, so the config and a remote policy update can
 * never disagree on what a rule means.
 */

import type { PolicyConfig } from '../policy/types.js';
import { validatePolicy } from '../policy/validate.js';
import { parseCredential } from '../proxies/credentials.js';
import { commitAlignProblem } from '../queue/journal-types.js';
import { isRawObject, join, type ProblemList, readBool, readInt, readSection } from './check.js';
import { JOURNAL_DEFAULTS, RANGES, TELEMETRY_DEFAULTS } from './defaults.js';
import type { JournalConfig, SensorsConfig, TelemetryConfig } from './types.js';

/**
 * `scrypt$N$r$p$<salt b64>$<key b64>` or `sha256$<64 hex>`, read by the listeners' own parser; the
 * config asks more of the cost than the parser does: N at least 1024.
 */
export function checkCredential(s: string): string | null {
  const c = parseCredential(s);
  if (!c.ok)
    return `${c.reason}; expected "scrypt$N$r$p$<salt base64>$<key base64>" or "sha256$<64 hex digits>" (ztgw sensor hash-secret prints one)`;
  if (c.value.kind === 'scrypt' && c.value.N < 1024)
    return `scrypt N must be at least 1024, got ${c.value.N}`;
  return null;
}

/** `sensors: { <id>: { credential, publish, subscribe?, maxPayloadBytes?, rate?, schema? } }`. */
export function validateSensors(raw: unknown, p: ProblemList): SensorsConfig | null {
  if (raw === undefined) return { credentials: {}, policy: { sensors: {} } };
  if (!isRawObject(raw)) {
    p.add('sensors', 'expected an object of sensor id → { credential, publish, … }');
    return null;
  }
  const before = p.count;
  const credentials: Record<string, string> = {};
  const policies: Record<string, unknown> = {};
  for (const [id, v] of Object.entries(raw)) {
    const at = join('sensors', id);
    if (!isRawObject(v)) {
      p.add(at, 'expected an object { credential, publish, … }');
      continue;
    }
    const { credential, ...policy } = v;
    if (typeof credential !== 'string') p.add(join(at, 'credential'), 'required (a string)');
    else {
      const problem = checkCredential(credential);
      if (problem !== null) p.add(join(at, 'credential'), problem);
      else Object.defineProperty(credentials, id, { value: credential, enumerable: true });
    }
    Object.defineProperty(policies, id, { value: policy, enumerable: true });
  }
  const r = validatePolicy({ sensors: policies });
  if (!r.ok) for (const x of r.problems) p.add(x.path, x.problem);
  if (p.count !== before || !r.ok) return null;
  const policy: PolicyConfig = r.policy;
  return { credentials, policy };
}

export function validateJournal(raw: unknown, p: ProblemList): JournalConfig | null {
  const path = 'journal';
  const o = readSection(raw, path, Object.keys(JOURNAL_DEFAULTS), p, false);
  if (o === null) return null;
  const before = p.count;
  const d = JOURNAL_DEFAULTS;
  const c: JournalConfig = {
    maxBytes: readInt(o, 'maxBytes', path, p, RANGES['journal.maxBytes'], d.maxBytes) ?? d.maxBytes,
    maxAgeS: readInt(o, 'maxAgeS', path, p, RANGES['journal.maxAgeS'], d.maxAgeS) ?? d.maxAgeS,
    segmentBytes:
      readInt(o, 'segmentBytes', path, p, RANGES['journal.segmentBytes'], d.segmentBytes) ?? d.segmentBytes,
    groupCommitMs:
      readInt(o, 'groupCommitMs', path, p, RANGES['journal.groupCommitMs'], d.groupCommitMs) ??
      d.groupCommitMs,
    commitAlignBytes:
      readInt(o, 'commitAlignBytes', path, p, RANGES['journal.commitAlignBytes'], d.commitAlignBytes) ??
      d.commitAlignBytes,
  };
  const alignProblem = commitAlignProblem(c.commitAlignBytes);
  if (alignProblem !== null) p.add(join(path, 'commitAlignBytes'), alignProblem);
  if (c.segmentBytes * 4 > c.maxBytes)
    p.add(join(path, 'segmentBytes'), 'must be at most a quarter of maxBytes');
  return p.count === before ? c : null;
}

export function validateTelemetry(raw: unknown, p: ProblemList): TelemetryConfig | null {
  const path = 'telemetry';
  const keys = [...Object.keys(TELEMETRY_DEFAULTS), 'dailyCapBytes'];
  const o = readSection(raw, path, keys, p, false);
  if (o === null) return null;
  const before = p.count;
  const d = TELEMETRY_DEFAULTS;
  type IntKey = 'bundleMaxReadings' | 'bundleMaxBytes' | 'bundleMaxWaitMs' | 'maxInFlight';
  const int = (key: IntKey): number => readInt(o, key, path, p, RANGES[`telemetry.${key}`], d[key]) ?? d[key];
  const base = {
    bundleMaxReadings: int('bundleMaxReadings'),
    bundleMaxBytes: int('bundleMaxBytes'),
    bundleMaxWaitMs: int('bundleMaxWaitMs'),
    maxInFlight: int('maxInFlight'),
    isDeflateAllowed: readBool(o, 'isDeflateAllowed', path, p, d.isDeflateAllowed),
  };
  const cap =
    o['dailyCapBytes'] === undefined
      ? undefined
      : readInt(o, 'dailyCapBytes', path, p, RANGES['telemetry.dailyCapBytes']);
  if (p.count !== before) return null;
  return cap === undefined ? base : { ...base, dailyCapBytes: cap };
}
