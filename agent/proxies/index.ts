/**
 * The local listeners for sensors: MQTT 3.1.1/5, HTTP ingest and JSON lines on a Unix socket.
 * They speak protocol only; authentication, policy and the journal sit behind the `SensorGate` the
 * agent passes in.
 *
 *   sensor ─▶ listener (limits, framing) ─▶ gate.authenticate ─▶ gate.publish ─durable─▶ PUBACK / 202 / {"ok":true}
 */
import type { Logger } from '../../modem/log.js';
import { startHttpListener } from './http-listener.js';
import { type ListenerLimits, resolveLimits } from './limits.js';
import { startMqttListener } from './mqtt-listener.js';
import type { Listener, ListenerSpec, SensorGate } from './types.js';
import { startUnixListener } from './unix-listener.js';

export {
  type Authenticator,
  type AuthenticatorOptions,
  type Credential,
  createAuthenticator,
  type HashOptions,
  hashSecret,
  hashToken,
  MAX_SECRET_BYTES,
  parseCredential,
} from './credentials.js';
export { DEFAULT_LISTENER_LIMITS, type ListenerLimits, resolveLimits } from './limits.js';
export type * from './types.js';

/**
 * Binds one listener and starts serving. `limits` overlays `DEFAULT_LISTENER_LIMITS` (a bad value
 * throws `TypeError` naming it); a bind failure (address in use, a live Unix socket at the path,
 * permission) throws `LISTENER_BIND`. Config validation has already refused wildcard and WAN
 * addresses; the listener binds exactly what it is given.
 */
export async function startListener(
  spec: ListenerSpec,
  limits: Partial<ListenerLimits>,
  gate: SensorGate,
  log: Logger,
): Promise<Listener> {
  const l = resolveLimits(limits);
  switch (spec.kind) {
    case 'mqtt':
      return startMqttListener(spec, l, gate, log);
    case 'http':
      return startHttpListener(spec, l, gate, log);
    case 'unix':
      return startUnixListener(spec.path, l, gate, log);
  }
}
