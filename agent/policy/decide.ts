/**
 * The policy decisions for sensors behind the gateway, default deny. Pure: the shell passes the
 * policy, its bucket table and the time, logs the reason, audits denials and stores the one bucket
 * a publish changed (the table is the shell's, updated in place there: copying it per publish cost
 * an allocation of every sensor's entry for each reading).
 *
 *   publish:   sensor known? ─▶ topic well-formed? ─▶ allowed pattern? ─▶ size ─▶ rate ─▶ schema ─▶ t/<id>/<topic>
 *   subscribe: sensor known? ─▶ filter well-formed? ─▶ other sensors' commands? ─▶ covered by policy?
 *   command:   sensor known? ─▶ may it receive cmd/<id>? ─▶ size ─▶ cmd/<id>
 *
 * Cheap checks run before the rate limit, so malformed traffic does not eat a sensor's tokens;
 * the schema check parses JSON and therefore runs after it.
 */

import { COMMAND_TOPIC_ROOT, commandTopicFor, upstreamTopicFor } from './defaults.js';
import { filterCovers, matchesFilter } from './match.js';
import { checkPayloadSchema } from './schema-check.js';
import { reachesOtherSensor } from './segmentation.js';
import { takeToken } from './token-bucket.js';
import { checkSensorId, checkSensorTopic, checkTopicFilter } from './topic-check.js';
import type {
  BucketState,
  BucketTable,
  CommandDecision,
  CommandRequest,
  Decision,
  Denial,
  PolicyConfig,
  PublishRequest,
  SensorPolicy,
  SubscribeDecision,
  SubscribeRequest,
} from './types.js';

function deny<R extends string>(rule: R, reason: string, retryAfterMs?: number): Denial<R> {
  return retryAfterMs === undefined
    ? { allow: false, code: 'POLICY_DENIED', rule, reason }
    : { allow: false, code: 'POLICY_DENIED', rule, reason, retryAfterMs };
}

/**
 * The policy of a sensor, or null. Own keys only (a sensor named `constructor` must not find
 * Object.prototype), and only ids that are safe as one topic level.
 */
function lookup(policy: PolicyConfig, sensorId: string): SensorPolicy | null {
  if (!checkSensorId(sensorId).ok || !Object.hasOwn(policy.sensors, sensorId)) return null;
  return policy.sensors[sensorId] ?? null;
}

const unknownSensor = 'sensor has no policy';

/** What {@link decidePublish} decided, and the sensor's bucket after its rate check. */
export interface PublishOutcome {
  readonly decision: Decision;
  /**
   * The new state of `req.sensorId`'s bucket, for the caller to store in its table; null when the
   * publish was refused before the rate check (the bucket is unchanged).
   */
  readonly bucket: BucketState | null;
}

/** The command namespace, as a filter: `cmd` and everything under it. */
const COMMAND_FILTER = `${COMMAND_TOPIC_ROOT}/#`;

/**
 * Decides one publish from an authenticated sensor at `nowMs`, reading the sensor's bucket from
 * `buckets` (a sensor without an entry starts full). On allow, `upstreamTopic` is
 * `t/<sensorId>/<topic>`, built from the authenticated id and never from the payload. `buckets` is
 * not touched: the caller stores the returned `bucket` under `req.sensorId` when it is not null.
 */
export function decidePublish(
  policy: PolicyConfig,
  buckets: BucketTable,
  req: PublishRequest,
  nowMs: number,
): PublishOutcome {
  const sensor = lookup(policy, req.sensorId);
  if (sensor === null) return { decision: deny('unknown-sensor', unknownSensor), bucket: null };
  const topic = checkSensorTopic(req.topic);
  if (!topic.ok) return { decision: deny('topic-invalid', topic.reason), bucket: null };
  // The command namespace flows down only; a sensor publishing there would pose as the gateway.
  if (matchesFilter(COMMAND_FILTER, req.topic)) {
    return {
      decision: deny('topic-not-allowed', `"${COMMAND_TOPIC_ROOT}/…" is for commands to sensors`),
      bucket: null,
    };
  }
  if (!sensor.publish.some((pattern) => matchesFilter(pattern, req.topic))) {
    return {
      decision: deny('topic-not-allowed', 'topic matches no publish pattern of this sensor'),
      bucket: null,
    };
  }
  if (req.payload.byteLength > sensor.maxPayloadBytes) {
    const reason = `payload is ${req.payload.byteLength} bytes, at most ${sensor.maxPayloadBytes} allowed`;
    return { decision: deny('payload-too-large', reason), bucket: null };
  }
  const taken = takeToken(buckets.get(req.sensorId), nowMs, sensor.rate);
  if (!taken.isAllowed) {
    const reason = `over ${sensor.rate.ratePerS}/s (burst ${sensor.rate.burst}); retry in ${taken.retryAfterMs} ms`;
    return { decision: deny('rate-limited', reason, taken.retryAfterMs), bucket: taken.state };
  }
  if (sensor.schema !== undefined) {
    const problem = checkPayloadSchema(req.payload, sensor.schema);
    if (problem !== null) return { decision: deny('schema', problem), bucket: taken.state };
  }
  return {
    decision: { allow: true, upstreamTopic: upstreamTopicFor(req.sensorId, req.topic) },
    bucket: taken.state,
  };
}

/**
 * Decides one subscribe. Allowed only when the filter is well-formed, cannot reach another sensor's
 * command topic (even if the policy says so: segmentation is not configurable) and every topic it
 * matches is matched by one of the sensor's `subscribe` patterns.
 */
export function decideSubscribe(policy: PolicyConfig, req: SubscribeRequest): SubscribeDecision {
  const sensor = lookup(policy, req.sensorId);
  if (sensor === null) return deny('unknown-sensor', unknownSensor);
  const filter = checkTopicFilter(req.filter);
  if (!filter.ok) return deny('topic-invalid', filter.reason);
  if (reachesOtherSensor(req.filter, req.sensorId)) {
    return deny('segmentation', 'filter reaches the command topics of other sensors');
  }
  if (!sensor.subscribe.some((pattern) => filterCovers(pattern, req.filter))) {
    return deny('topic-not-allowed', 'filter is not covered by a subscribe pattern of this sensor');
  }
  return { allow: true };
}

/**
 * Decides one command from the broker for one sensor: delivered only on that sensor's own
 * `cmd/<targetSensorId>`, only if its `subscribe` patterns cover that topic, and only within its
 * `maxPayloadBytes`.
 */
export function decideCommand(policy: PolicyConfig, req: CommandRequest): CommandDecision {
  const sensor = lookup(policy, req.targetSensorId);
  if (sensor === null) return deny('unknown-sensor', unknownSensor);
  const localTopic = commandTopicFor(req.targetSensorId);
  if (!sensor.subscribe.some((pattern) => matchesFilter(pattern, localTopic))) {
    return deny('topic-not-allowed', `sensor may not receive ${COMMAND_TOPIC_ROOT}/<id>`);
  }
  if (req.payload.byteLength > sensor.maxPayloadBytes) {
    const reason = `command is ${req.payload.byteLength} bytes, at most ${sensor.maxPayloadBytes} allowed`;
    return deny('payload-too-large', reason);
  }
  return { allow: true, localTopic };
}
