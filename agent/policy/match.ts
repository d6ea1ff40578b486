/**
 * MQTT topic filter matching (MQTT 3.1.1 §4.7): `+` matches exactly one level (an empty one too),
 * `#` matches the parent level and everything below it, and a filter starting with a wildcard does
 * not match a topic starting with `$` [MQTT-4.7.2-1]. Pure; expects well-formed filters.
 */

/** Whether `topic` (a topic name) is matched by `filter`. */
export function matchesFilter(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    // §4.7.1.2: "sport/#" also matches "sport".
    if (level === '#') return true;
    const name = t[i];
    if (name === undefined) return false;
    if (level !== '+' && level !== name) return false;
  }
  return f.length === t.length;
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
