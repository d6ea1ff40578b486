/**
 * The uplink: the one outbound mTLS MQTT session (createUplink), its pure parts (back-off and
 * failover, TLS options, error classification, topic filters) and the exposure self-check.
 * Only this folder imports mqtt.
 */

export type { AttemptOutcome, AttemptPlan, BackoffConfig, RetryState } from './backoff.js';
export { backoffCapMs, FRESH_RETRY, nextDelayMs, planNextAttempt, recordOutcome } from './backoff.js';
export { parseBrokerUrl } from './broker-url.js';
export type { AddressClass, InterfaceTable } from './classify-address.js';
export { checkBindAddress, classifyAddress, globMatch } from './classify-address.js';
export type { UplinkFailure } from './classify-error.js';
export { classifyFailure } from './classify-error.js';
export type { ExposureListener, ExposureOptions, ExposureReport } from './exposure.js';
export { checkExposure, summarizeExposure } from './exposure.js';
export { loadTlsMaterial } from './load-material.js';
export { parseProcNet } from './proc-net.js';
export type { TlsMaterial, UplinkTlsOptions } from './tls-options.js';
export { buildTlsOptions } from './tls-options.js';
export type { UplinkDeps } from './uplink-client.js';
export { createUplink, STATUS_OFFLINE, STATUS_ONLINE } from './uplink-client.js';
export type * from './uplink-types.js';
