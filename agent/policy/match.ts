/**
 * MQTT topic filter matching (MQTT 3.1.1 §4.7): `+` matches exactly one level (an empty one too),
 * `#` matches the parent level and everything below it, and a filter starting with a wildcard does
 * not match a topic starting with `$` [MQTT-4.7.2-1]. Pure; expects well-formed filters.
 */

const PLUS = 0x2b;
const HASH = 0x23;
const DOLLAR = 0x24;

/** End of the level starting at `from` (the next `/`, or the end of `s`). */
function levelEnd(s: string, from: number): number {
  const i = s.indexOf('/', from);
  return i === -1 ? s.length : i;
}

/** Whether `a[ai, ai + len)` and `b[bi, bi + len)` hold the same characters. */
function sameChars(a: string, ai: number, b: string, bi: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (a.charCodeAt(ai + k) !== b.charCodeAt(bi + k)) return false;
  return true;
}

/**
 * Whether `topic` (a topic name) is matched by `filter`. Walks both level by level without
 * splitting them: it runs for every reading a sensor publishes.
 */
export function matchesFilter(filter: string, topic: string): boolean {
  const first = filter.charCodeAt(0);
  if (topic.charCodeAt(0) === DOLLAR && (first === PLUS || first === HASH)) return false;
  let fi = 0;
  let ti = 0;
  for (;;) {
    const fEnd = levelEnd(filter, fi);
    const fLen = fEnd - fi;
    const c = filter.charCodeAt(fi);
    // §4.7.1.2: "sport/#" also matches "sport".
    if (fLen === 1 && c === HASH) return true;
    // The topic has no level left for this filter level.
    if (ti > topic.length) return false;
    const tEnd = levelEnd(topic, ti);
    const isPlus = fLen === 1 && c === PLUS;
    if (!isPlus && (fLen !== tEnd - ti || !sameChars(filter, fi, topic, ti, fLen))) return false;
    if (fEnd === filter.length) return tEnd === topic.length;
    fi = fEnd + 1;
    ti = tEnd + 1;
  }
}

/**
 * Whether every topic `inner` can match is also matched by `outer`, so that granting `inner` grants
 * nothing beyond `outer`. Both are well-formed filters.
 */
export function filterCovers(outer: string, inner: string): boolean {
  const o = outer.split('/');
  const n = inner.split('/');
  // A wildcard-first outer filter does not reach `$` topics, which a literal `$` inner names.
  if ((o[0] === '+' || o[0] === '#') && n[0]?.startsWith('$') === true) return false;
  for (let i = 0; ; i++) {
    const a = o[i];
    const b = n[i];
    if (a === undefined) return b === undefined;
    if (a === '#') return true;
    if (b === undefined || b === '#') return false;
    if (a === '+') continue;
    if (b === '+' || a !== b) return false;
  }
}
