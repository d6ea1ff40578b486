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
  let index = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xd800 && cp <= 0xdfff)
      return deny('not-utf8-safe', `lone surrogate ${hex(cp)} at index ${index}`);
    if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe) {
      return deny('not-utf8-safe', `noncharacter ${hex(cp)} at index ${index}`);
    }
    if (cp === 0) return deny('control-char', `NUL (U+0000) at index ${index}`);
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
      return deny('control-char', `control character ${hex(cp)} at index ${index}`);
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    index += ch.length;
  }
  return bytes;
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
  const levels = topic.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] ?? '';
    if (level.includes('+') || level.includes('#')) {
      // MQTT 3.1.1 §4.7.1: a topic name has no wildcards; in a filter each one fills a whole level
      // and `#` comes last.
      if (!isFilter)
        return deny('wildcard', `wildcard in level ${i + 1}; a topic name may not hold "+" or "#"`);
      if (level.length !== 1)
        return deny('bad-wildcard', `level ${i + 1}: a wildcard must fill the whole level`);
      if (level === '#' && i !== levels.length - 1) return deny('bad-wildcard', '"#" must be the last level');
    }
    if (level.length === 0) return deny('empty-segment', `level ${i + 1} is empty`);
    if (level === '.' || level === '..') return deny('dot-segment', `level ${i + 1} is "${level}"`);
  }
  if (levels.length > maxLevels)
    return deny('too-many-levels', `${levels.length} levels, at most ${maxLevels} allowed`);
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
