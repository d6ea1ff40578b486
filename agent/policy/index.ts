/**
 * The sensor policy: default-deny decisions for publishes, subscribes and commands, plus the pieces
 * they are built from. Pure throughout: time is an argument.
 */

export * from './decide.js';
export * from './defaults.js';
export { filterCovers, matchesFilter } from './match.js';
export { checkPayloadSchema } from './schema-check.js';
export { reachesOtherSensor } from './segmentation.js';
export { fullBucket, type TakeResult, takeToken } from './token-bucket.js';
export {
  checkSensorId,
  checkSensorTopic,
  checkTopicFilter,
  type TopicCheck,
  type TopicLimits,
  type TopicRule,
} from './topic-check.js';
export type * from './types.js';
export { type PolicyProblem, type PolicyValidation, validatePolicy } from './validate.js';
