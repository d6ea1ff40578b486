/**
 * The shape of the per-sensor policy after validation: every field filled in (defaults live in
 * `defaults.ts`). A sensor that has no entry in `PolicyConfig.sensors` is denied everything.
 */

import type { ErrorCode } from '../../modem/errors.js';

/** The JSON type a schema key must have. */
export type FieldType = 'number' | 'string' | 'boolean';

/**
 * A small shape check for JSON payloads: the payload must be a JSON object holding every key of
 * `keys` with the named type; other keys pass only when `allowsExtraKeys` is true.
 */
export interface PayloadSchema {
  readonly keys: Readonly<Record<string, FieldType>>;
  readonly allowsExtraKeys: boolean;
}

/** A token bucket: refills `ratePerS` tokens per second up to `burst`; one message takes one token. */
export interface RateLimit {
  readonly ratePerS: number;
  readonly burst: number;
}

/** What one sensor may do. Identity comes from the listener's authentication, never from a payload. */
export interface SensorPolicy {
  /** Local topic patterns the sensor may publish to; `+` and `#` wildcards allowed here only. */
  readonly publish: readonly string[];
  /** Filters the sensor may subscribe to; default only its own command topic `cmd/<sensorId>`. */
  readonly subscribe: readonly string[];
  /** Largest payload accepted from or delivered to the sensor, in bytes (default 4096). */
  readonly maxPayloadBytes: number;
  /** Publish rate limit (default 10 per second, burst 20). */
  readonly rate: RateLimit;
  /** Optional JSON shape check of published payloads. */
  readonly schema?: PayloadSchema;
}

/** The whole policy, keyed by authenticated sensor id. */
export interface PolicyConfig {
  readonly sensors: Readonly<Record<string, SensorPolicy>>;
}

/** State of one sensor's token bucket. `tokens` may be fractional. */
export interface BucketState {
  readonly tokens: number;
  readonly updatedAtMs: number;
}

/**
 * Token buckets by sensor id, as the policy reads them; a sensor without an entry starts with a
 * full bucket. The table belongs to the shell, which stores what `decidePublish` returns in it.
 */
export type BucketTable = ReadonlyMap<string, BucketState>;

/** Why a publish was refused. */
export type PublishDenyRule =
  | 'unknown-sensor'
  | 'topic-invalid'
  | 'topic-not-allowed'
  | 'payload-too-large'
  | 'rate-limited'
  | 'schema';

/** Why a subscribe was refused. `segmentation`: the filter reaches another sensor's commands. */
export type SubscribeDenyRule = 'unknown-sensor' | 'topic-invalid' | 'topic-not-allowed' | 'segmentation';

/** Why a command from the broker was not delivered to a sensor. */
export type CommandDenyRule = 'unknown-sensor' | 'topic-not-allowed' | 'payload-too-large';

/** A refusal: the stable error code, the rule that fired and a reason fit for a log line. */
export interface Denial<R extends string> {
  readonly allow: false;
  readonly code: Extract<ErrorCode, 'POLICY_DENIED'>;
  readonly rule: R;
  readonly reason: string;
  /** For `rate-limited` only: how long until the next token, in milliseconds. */
  readonly retryAfterMs?: number;
}

/** A publish decision: forward to `upstreamTopic` (built from the authenticated sensor id) or deny. */
export type Decision = { readonly allow: true; readonly upstreamTopic: string } | Denial<PublishDenyRule>;

/** A subscribe decision. */
export type SubscribeDecision = { readonly allow: true } | Denial<SubscribeDenyRule>;

/** A command decision: deliver to `localTopic` (the target's own command topic) or deny. */
export type CommandDecision = { readonly allow: true; readonly localTopic: string } | Denial<CommandDenyRule>;

/** A publish from a sensor, as the listener saw it after authentication. */
export interface PublishRequest {
  readonly sensorId: string;
  readonly topic: string;
  readonly payload: Uint8Array;
}

/** A subscribe from a sensor. */
export interface SubscribeRequest {
  readonly sensorId: string;
  readonly filter: string;
}

/** A command from the broker for one sensor. */
export interface CommandRequest {
  readonly targetSensorId: string;
  readonly payload: Uint8Array;
}
