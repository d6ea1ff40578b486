/**
 * MQTT topic names and filters (MQTT 3.1.1 §4.7): matching a received topic against a subscription's
 * filter, and checking that what the agent publishes or subscribes stays under its own prefix
 * `ztgw/<deviceId>/`, which is all the broker's ACL allows anyway. Pure.
 */

/** Whether `topic` matches `filter` (`+` one level, `#` the rest, [MQTT-4.7.1-2], [MQTT-4.7.1-3]). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** The device's topic prefix, `ztgw/<deviceId>/`. */
export function devicePrefix(deviceId: string): string {
  return `ztgw/${deviceId}/`;
}

/** null when `topic` is a valid topic name under `prefix`, else the problem. */
export function checkPublishTopic(prefix: string, topic: string): string | null {
  if (!topic.startsWith(prefix) || topic.length === prefix.length)
    return `topic ${JSON.stringify(topic)} is not under ${prefix}`;
  // [MQTT-3.3.2-2]: no wildcards in a topic name; U+0000 is never allowed [MQTT-1.5.3-2].
  if (/[+#\0]/.test(topic)) return `topic ${JSON.stringify(topic)} contains a wildcard or NUL`;
  return null;
}

/** null when `filter` is a valid filter under `prefix`, else the problem. */
export function checkSubscribeFilter(prefix: string, filter: string): string | null {
  if (!filter.startsWith(prefix) || filter.length === prefix.length)
    return `filter ${JSON.stringify(filter)} is not under ${prefix}`;
  const levels = filter.split('/');
  const bad = levels.some(
    (l, i) =>
      l.includes('\0') ||
      (l.includes('#') && (l !== '#' || i !== levels.length - 1)) ||
      (l.includes('+') && l !== '+'),
  );
  return bad ? `filter ${JSON.stringify(filter)} misuses + or # (MQTT 3.1.1 §4.7.1)` : null;
}
