/**
 * Every default and limit of the sensor policy, in one place. Units are in the names.
 */

/** Default `maxPayloadBytes` of a sensor: 4096 bytes. Range 1..MAX_PAYLOAD_BYTES_LIMIT. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 4096;
/** Largest `maxPayloadBytes` a policy may set: 1 MiB. */
export const MAX_PAYLOAD_BYTES_LIMIT = 1_048_576;

/** Default refill rate: 10 tokens per second. Range (0, MAX_RATE_PER_S]. */
export const DEFAULT_RATE_PER_S = 10;
/** Highest `rate.ratePerS` a policy may set: 1000 per second. */
export const MAX_RATE_PER_S = 1000;
/** Default bucket size: 20 tokens. Integer range 1..MAX_BURST. */
export const DEFAULT_BURST = 20;
/** Largest `rate.burst` a policy may set: 10000 tokens. */
export const MAX_BURST = 10_000;

/** Longest local topic name or filter, in UTF-8 bytes: 128. */
export const DEFAULT_MAX_TOPIC_BYTES = 128;
/** Most levels in a local topic name or filter: 8. */
export const DEFAULT_MAX_TOPIC_LEVELS = 8;

/** Longest sensor id, in characters: 64 (it becomes one level of the upstream topic). */
export const MAX_SENSOR_ID_CHARS = 64;
/** Most patterns in one `publish` or `subscribe` list: 64. */
export const MAX_PATTERNS = 64;
/** Most keys in one payload schema: 64. */
export const MAX_SCHEMA_KEYS = 64;

/** Default of `schema.allowsExtraKeys`: deny keys the schema does not name. */
export const DEFAULT_ALLOWS_EXTRA_KEYS = false;

/** First level of every command topic: a sensor's commands arrive on `cmd/<sensorId>`. */
export const COMMAND_TOPIC_ROOT = 'cmd';
/** First level of the upstream subtopic: a reading goes up as `t/<sensorId>/<topic>`. */
export const UPSTREAM_TOPIC_ROOT = 't';

/** The command topic of one sensor. */
export function commandTopicFor(sensorId: string): string {
  return `${COMMAND_TOPIC_ROOT}/${sensorId}`;
}

/** The upstream subtopic of a reading, built from the authenticated sensor id. */
export function upstreamTopicFor(sensorId: string, topic: string): string {
  return `${UPSTREAM_TOPIC_ROOT}/${sensorId}/${topic}`;
}

/** Default `subscribe` list: only the sensor's own command topic. */
export function defaultSubscribe(sensorId: string): string[] {
  return [commandTopicFor(sensorId)];
}
