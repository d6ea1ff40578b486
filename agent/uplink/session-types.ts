/**
 * The session contract between the uplink client and the one module that speaks MQTT
 * (mqtt-session.ts). Unit tests of the client fake this interface, never mqtt.js.
 */
import type { ClassifyContext, UplinkFailure } from './classify-error.js';
import type { UplinkTlsOptions } from './tls-options.js';

export interface WillMessage {
  readonly topic: string;
  readonly payload: string;
  readonly qos: 0 | 1;
  readonly retain: boolean;
}

export interface SessionParams {
  readonly broker: string;
  readonly tls: UplinkTlsOptions;
  readonly clientId: string;
  readonly keepaliveS: number;
  /** Bound on TCP connect + TLS handshake + CONNACK, in ms. */
  readonly connectTimeoutMs: number;
  readonly will: WillMessage;
  readonly context: ClassifyContext;
}

export interface PublishOptions {
  readonly qos: 0 | 1;
  readonly retain: boolean;
}

export interface MqttSession {
  /** Local TCP port of the socket (to find it in /proc/net/tcp). */
  readonly localPort: number | undefined;
  /**
   * Resolves when PUBACKed (QoS 1) or written (QoS 0). Past `timeoutMs` without the acknowledgement
   * the session is dropped (reason `ack-timeout`): a broker that stops acknowledging is as good as gone.
   */
  publish(
    topic: string,
    payload: string | Uint8Array,
    opts: PublishOptions,
    timeoutMs: number,
  ): Promise<void>;
  /** Granted QoS per filter, 128 for a refused one. */
  subscribe(
    filters: readonly { filter: string; qos: 0 | 1 }[],
    timeoutMs: number,
  ): Promise<readonly number[]>;
  unsubscribe(filters: readonly string[], timeoutMs: number): Promise<void>;
  onMessage(listener: (topic: string, payload: Buffer) => void): void;
  /** Resolves once when the session ends: why, or null when close() ended it. */
  readonly ended: Promise<UplinkFailure | null>;
  /** Ends the session (graceful: DISCONNECT first, so the broker does not publish the will). */
  close(graceful: boolean): Promise<void>;
}

export type OpenSession = (params: SessionParams, signal: AbortSignal) => Promise<MqttSession>;
