/**
 * The contract between the local listeners and the agent. A listener speaks one protocol (MQTT,
 * HTTP, JSON lines on a Unix socket) and nothing else: who a sensor is, what it may do and whether a
 * reading is durable are answers the agent gives through a `SensorGate`.
 */

/** Which listener a sensor came through. */
export type Via = 'mqtt' | 'http' | 'unix';

/** The outcome of one publish or subscribe, as the gate decided it. */
export type IngestResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly kind: 'denied';
      /** The policy rule that fired (`rate-limited`, `payload-too-large`, `topic-not-allowed` …). */
      readonly rule: string;
      readonly reason: string;
      /** For rate limits: how long until the sensor may try again, in milliseconds. */
      readonly retryAfterMs?: number;
    }
  /** The journal is not accepting: the sensor must retry later; nothing was stored. */
  | { readonly ok: false; readonly kind: 'unavailable'; readonly reason: string };

/** A limit a listener enforced; the names are those of `ListenerLimits`. */
export type LimitName =
  | 'maxConnections'
  | 'perSourceConnectsPerMin'
  | 'connectTimeoutMs'
  | 'idleTimeoutMs'
  | 'partialPacketTimeoutMs'
  | 'maxPacketBytes'
  | 'maxBodyBytes'
  | 'maxHeaderBytes'
  | 'headersTimeoutMs'
  | 'requestTimeoutMs'
  | 'maxLineBytes';

/** Protocol features a listener does not carry, and what it did about one. */
export type Unsupported =
  | 'qos2'
  | 'topic-alias'
  | 'retain'
  | 'will'
  | 'protocol-version'
  | 'auth-method'
  | 'shared-subscription';

/**
 * What a listener reports for counters and the audit trail. `peer` is `address:port` for TCP and
 * `unix#<n>` for a Unix socket connection; `sensorId` is the authenticated id, or `null` before
 * authentication (for `auth-failed` it is the id the peer claimed, possibly empty).
 */
export type ListenerEvent =
  | { readonly kind: 'connect'; readonly via: Via; readonly sensorId: string; readonly peer: string }
  | {
      readonly kind: 'disconnect';
      readonly via: Via;
      readonly sensorId: string;
      readonly peer: string;
      readonly reason: string;
    }
  | {
      readonly kind: 'takeover';
      readonly via: Via;
      readonly sensorId: string;
      readonly peer: string;
      readonly previousPeer: string;
    }
  | {
      readonly kind: 'auth-failed';
      readonly via: Via;
      readonly sensorId: string;
      readonly peer: string;
      readonly reason: string;
      /**
       * Which proof failed. `certificate`: the listener refused the TLS client certificate itself
       * (none, untrusted, or for another id) and the gate was never asked; the gate audits it from
       * this event. Absent: the secret, which the gate checked (and audited) in `authenticate`.
       */
      readonly credential?: 'certificate';
    }
  | {
      readonly kind: 'malformed';
      readonly via: Via;
      readonly sensorId: string | null;
      readonly peer: string;
      readonly reason: string;
    }
  | {
      readonly kind: 'limit';
      readonly via: Via;
      readonly sensorId: string | null;
      readonly peer: string;
      readonly limit: LimitName;
      readonly reason: string;
    }
  | {
      readonly kind: 'unsupported';
      readonly via: Via;
      readonly sensorId: string | null;
      readonly peer: string;
      readonly feature: Unsupported;
      readonly action: 'refused' | 'ignored';
    };

/**
 * What the agent gives a listener: authentication, policy and the journal behind one interface.
 * A listener never stores, decides or forwards anything by itself.
 */
export interface SensorGate {
  /** Checks a sensor's secret. `peer` is for the audit trail only; identity is `sensorId`. */
  authenticate(
    sensorId: string,
    secret: string,
    via: Via,
    peer: string,
  ): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Resolves once the reading is durable (then, and only then, PUBACK / 202). */
  publish(sensorId: string, topic: string, payload: Uint8Array, via: Via): Promise<IngestResult>;
  /** Whether an authenticated sensor may subscribe to `filter` (commands down to it). */
  subscribe(sensorId: string, filter: string): IngestResult;
  /** Counters and audit: auth failures, malformed input, limits hit, connects/disconnects. */
  event(e: ListenerEvent): void;
}

/** TLS of an MQTT listener: PEM material, read by the caller (the listener reads no files). */
export interface ListenerTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** CA(s) a client certificate must chain to; required with `requireClientCert`. */
  readonly ca?: Buffer;
  /**
   * Whether every sensor must present a certificate that chains to `ca` and whose subject CN is its
   * sensor id. The handshake completes either way, so that a refusal is a CONNACK with a reason and
   * an audit record, not a TLS alert the sensor's logs may not show.
   */
  readonly requireClientCert: boolean;
}

/** Where a listener binds. TCP addresses are IP literals (config validation refuses wildcards). */
export type ListenerSpec =
  | {
      readonly kind: 'mqtt';
      readonly address: string;
      readonly port: number;
      /** Default: plain TCP. */
      readonly tls?: ListenerTls;
      /**
       * `secret` (default): the password is checked, after the certificate when one is required.
       * `cert`: the required client certificate alone identifies the sensor.
       */
      readonly auth?: 'secret' | 'cert';
    }
  | { readonly kind: 'http'; readonly address: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

/** Counters of one listener since it started; `connections` and `inFlight` are current values. */
export interface ListenerStats {
  readonly kind: ListenerSpec['kind'];
  /** Open connections now (authenticated or not). */
  readonly connections: number;
  /** Authenticated sensors connected now (always 0 for HTTP, which has no sessions). */
  readonly sensors: number;
  readonly accepted: number;
  /** Connections closed at once: over `maxConnections` or the per-source rate. */
  readonly refused: number;
  readonly authFailures: number;
  readonly malformed: number;
  /** Connections closed by a timeout or a size limit. */
  readonly limitsHit: number;
  readonly publishes: number;
  readonly acked: number;
  readonly denied: number;
  readonly unavailable: number;
  /** Publishes handed to the gate and not answered yet. */
  readonly inFlight: number;
  /** How often a connection stopped being read because its in-flight window was full. */
  readonly pauses: number;
  readonly delivered: number;
  /** Bytes read from sensors (MQTT and Unix socket; 0 for HTTP, whose bodies node:http reads). */
  readonly bytesIn: number;
}

/** A running listener. */
export interface Listener {
  /** `address:port` (`[v6]:port`) of a TCP listener with the port actually bound, or the socket path. */
  address(): string;
  /** Stops accepting, closes every connection and, for a Unix socket, removes the socket file. */
  close(): Promise<void>;
  /**
   * Sends a command to a connected sensor that subscribed to a filter matching `topic` (MQTT QoS 0,
   * or one JSON line on the Unix socket). False when there is no such sensor or it cannot take it;
   * HTTP has no way to reach a sensor and always answers false.
   */
  deliver(sensorId: string, topic: string, payload: Uint8Array): boolean;
  /**
   * Closes the connection of a sensor whose credential or policy was withdrawn (a config reload),
   * telling it why where the protocol can (MQTT 5 DISCONNECT 0x87, an error line on the Unix
   * socket). Kept MQTT session state is dropped too. True when a connection was closed; HTTP has
   * no sessions and answers false (each request is authenticated on its own).
   */
  disconnect(sensorId: string, reason: string): boolean;
  stats(): ListenerStats;
}
