/**
 * Checks on local topic names, filters and sensor ids, against topic injection: a sensor may not
 * smuggle wildcards, `$` system topics, path-like `.`/`..` levels, empty levels, control characters
 * or strings that do not survive UTF-8 into a topic that is later forwarded or matched. Pure.
 */

import { DEFAULT_MAX_TOPIC_BYTES, DEFAULT_MAX_TOPIC_LEVELS, MAX_SENSOR_ID_CHARS } from './defaults.js';

/** The rule a topic broke; the reason text names it too. */
export type TopicRule =
  | 'empty'
  | 'not-utf8-safe'
  | 'control-char'
  | 'too-long'
  | 'leading-slash'
  | 'trailing-slash'
  | 'system-topic'
  | 'wildcard'
  | 'bad-wildcard'
  | 'empty-segment'
  | 'dot-segment'
  | 'too-many-levels';

/** The topic itself, or the rule it broke. Assignable to `Result<string>`. */
export type TopicCheck = { ok: true; value: string } | { ok: false; rule: TopicRule; reason: string };

/** Limits of a topic check. */
export interface TopicLimits {
  /** Longest topic in UTF-8 bytes; default 128. */
  readonly maxBytes?: number;
  /** Most levels; default 8. */
  readonly maxLevels?: number;
}

const deny = (rule: TopicRule, reason: string): TopicCheck => ({
  ok: false,
  rule,
  reason: `${rule}: ${reason}`,
});

const hex = (cp: number): string => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Scans code points: a lone surrogate cannot be encoded as UTF-8 and noncharacters are to be
 * refused by receivers (MQTT 3.1.1 §1.5.3); C0, DEL and C1 controls are refused too. Returns the
 * UTF-8 length when clean.
 */
function scanChars(s: string): TopicCheck | number {
  let bytes = 0;
  for (let index = 0; index < s.length; index++) {
    const unit = s.charCodeAt(index);
    // ASCII first, without building a code point: nearly every topic is all ASCII.
    if (unit < 0x80) {
      if (unit === 0) return deny('control-char', `NUL (U+0000) at index ${index}`);
      if (unit < 0x20 || unit === 0x7f)
        return deny('control-char', `control character ${hex(unit)} at index ${index}`);
      bytes++;
      continue;
    }
    const cp = s.codePointAt(index) ?? 0;
    if (cp >= 0xd800 && cp <= 0xdfff)
      return deny('not-utf8-safe', `lone surrogate ${hex(cp)} at index ${index}`);
    if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe) {
      return deny('not-utf8-safe', `noncharacter ${hex(cp)} at index ${index}`);
    }
    if (cp <= 0x9f) return deny('control-char', `control character ${hex(cp)} at index ${index}`);
    bytes += cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    // A pair of surrogates is one code point.
    if (cp > 0xffff) index++;
  }
  return bytes;
}

/** The first problem of level `n` (1-based), the text `topic[from, to)`, or null. */
function levelProblem(
  topic: string,
  from: number,
  to: number,
  n: number,
  isLast: boolean,
  isFilter: boolean,
): TopicCheck | null {
  const len = to - from;
  const plus = topic.indexOf('+', from);
  const hash = topic.indexOf('#', from);
  if ((plus !== -1 && plus < to) || (hash !== -1 && hash < to)) {
    // MQTT 3.1.1 §4.7.1: a topic name has no wildcards; in a filter each one fills a whole level
    // and `#` comes last.
    if (!isFilter) return deny('wildcard', `wildcard in level ${n}; a topic name may not hold "+" or "#"`);
    if (len !== 1) return deny('bad-wildcard', `level ${n}: a wildcard must fill the whole level`);
    if (hash === from && !isLast) return deny('bad-wildcard', '"#" must be the last level');
  }
  if (len === 0) return deny('empty-segment', `level ${n} is empty`);
  if (topic.charCodeAt(from) === 0x2e && (len === 1 || (len === 2 && topic.charCodeAt(from + 1) === 0x2e)))
    return deny('dot-segment', `level ${n} is "${topic.slice(from, to)}"`);
  return null;
}

function checkTopicString(topic: string, isFilter: boolean, limits: TopicLimits): TopicCheck {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_TOPIC_BYTES;
  const maxLevels = limits.maxLevels ?? DEFAULT_MAX_TOPIC_LEVELS;
  if (topic.length === 0) return deny('empty', 'topic is empty');
  const scanned = scanChars(topic);
  if (typeof scanned !== 'number') return scanned;
  if (scanned > maxBytes) return deny('too-long', `${scanned} bytes, at most ${maxBytes} allowed`);
  if (topic.startsWith('/')) return deny('leading-slash', 'topic starts with "/"');
  if (topic.endsWith('/')) return deny('trailing-slash', 'topic ends with "/"');
  // Topics beginning with $ belong to the broker (MQTT 3.1.1 §4.7.2).
  if (topic.startsWith('$')) return deny('system-topic', 'topics starting with "$" are reserved');
  // Level by level without splitting: this runs for every reading.
  let levels = 0;
  for (let from = 0; from <= topic.length; ) {
    const slash = topic.indexOf('/', from);
    const to = slash === -1 ? topic.length : slash;
    levels++;
    const problem = levelProblem(topic, from, to, levels, slash === -1, isFilter);
    if (problem !== null) return problem;
    from = to + 1;
  }
  if (levels > maxLevels) return deny('too-many-levels', `${levels} levels, at most ${maxLevels} allowed`);
  return { ok: true, value: topic };
}

/** Checks a topic a sensor publishes to: no wildcards, no `$`, no empty or dot levels, bounded size. */
export function checkSensorTopic(topic: string, limits: TopicLimits = {}): TopicCheck {
  return checkTopicString(topic, false, limits);
}

/** Checks a filter (policy pattern or subscribe request): as a topic, but whole-level `+`/`#` allowed. */
export function checkTopicFilter(filter: string, limits: TopicLimits = {}): TopicCheck {
  return checkTopicString(filter, true, limits);
}

const SENSOR_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Checks a sensor id: it becomes one level of `t/<id>/…` and `cmd/<id>`, so 1..64 characters of
 * `[A-Za-z0-9_.-]` starting with a letter or digit (which also rules out `.`, `..` and `__proto__`).
 */
export function checkSensorId(id: string): { ok: true; value: string } | { ok: false; reason: string } {
  if (id.length === 0 || id.length > MAX_SENSOR_ID_CHARS || !SENSOR_ID.test(id)) {
    return {
      ok: false,
      reason: `expected 1..${MAX_SENSOR_ID_CHARS} characters of [A-Za-z0-9_.-] starting with a letter or digit`,
    };
  }
  return { ok: true, value: id };
}
