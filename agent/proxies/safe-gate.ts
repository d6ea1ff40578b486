/**
 * Calls into the SensorGate that cannot take a listener down. The gate is the agent's code: if it
 * throws or rejects, that is a bug to log, and the sensor gets the safe answer (not authenticated,
 * not stored, not subscribed), never an unhandled rejection.
 */
import type { Logger } from '../../modem/log.js';
import type { Counters } from './counters.js';
import type { IngestResult, ListenerEvent, SensorGate, Via } from './types.js';

type AuthResult = { ok: true } | { ok: false; reason: string };

export async function safeAuthenticate(
  gate: SensorGate,
  log: Logger,
  sensorId: string,
  secret: string,
  via: Via,
  peer: string,
): Promise<AuthResult> {
  try {
    return await gate.authenticate(sensorId, secret, via, peer);
  } catch (err) {
    log.error({ err, peer }, 'sensor gate failed to authenticate');
    return { ok: false, reason: 'authentication failed with an error' };
  }
}

/**
 * Not an async function: it runs once per reading, and a promise chain without an async frame
 * allocates less for the time the reading waits for its group commit.
 */
export function safePublish(
  gate: SensorGate,
  log: Logger,
  sensorId: string,
  topic: string,
  payload: Uint8Array,
  via: Via,
): Promise<IngestResult> {
  const failed = (err: unknown): IngestResult => {
    log.error({ err, sensorId }, 'sensor gate failed to take a publish');
    return { ok: false, kind: 'unavailable', reason: 'the journal failed' };
  };
  try {
    return gate.publish(sensorId, topic, payload, via).then(undefined, failed);
  } catch (err) {
    return Promise.resolve(failed(err));
  }
}

export function safeSubscribe(gate: SensorGate, log: Logger, sensorId: string, filter: string): IngestResult {
  try {
    return gate.subscribe(sensorId, filter);
  } catch (err) {
    log.error({ err, sensorId }, 'sensor gate failed to decide a subscribe');
    return { ok: false, kind: 'unavailable', reason: 'the gate failed' };
  }
}

/** Counts an event and hands it to the gate. */
export function reportEvent(gate: SensorGate, log: Logger, c: Counters, e: ListenerEvent): void {
  if (e.kind === 'auth-failed') c.authFailures++;
  else if (e.kind === 'malformed') c.malformed++;
  else if (e.kind === 'limit') {
    if (e.limit === 'maxConnections' || e.limit === 'perSourceConnectsPerMin') c.refused++;
    else c.limitsHit++;
  }
  try {
    gate.event(e);
  } catch (err) {
    log.error({ err, event: e.kind }, 'sensor gate failed to take a listener event');
  }
}
