/**
 * The limits of the local listeners, with units and defaults. Each listener reads the ones that
 * apply to its protocol; all of them are whole numbers checked once, when the listener starts.
 */

export interface ListenerLimits {
  /** Open connections per listener; one more is closed at once. Default 256. */
  readonly maxConnections: number;
  /**
   * New connections per source IP address per minute (a token bucket holding one minute's worth).
   * Not applied to the Unix socket, whose peers have no address. Default 60.
   */
  readonly perSourceConnectsPerMin: number;
  /**
   * Time from accept to a complete CONNECT (MQTT) or auth line (Unix socket), in ms; also how long
   * a Unix listener waits, at start, for a listener already on its socket path to answer. Default 5000.
   */
  readonly connectTimeoutMs: number;
  /**
   * Silence allowed on a connection, in ms. MQTT uses 1.5 × the client's keep-alive instead, and
   * this value when the keep-alive is 0 (MQTT 5 clients are then told a server keep-alive of
   * idleTimeoutMs / 1.5). Also the Unix socket's idle limit. Default 300000.
   */
  readonly idleTimeoutMs: number;
  /**
   * How long one MQTT packet may stay incomplete, in ms: a client that trickles bytes (a slow-loris
   * attack) is closed. Default 10000.
   */
  readonly partialPacketTimeoutMs: number;
  /** Largest MQTT packet, fixed header included, in bytes; advertised as MQTT 5 maximumPacketSize. Default 65536. */
  readonly maxPacketBytes: number;
  /**
   * Publishes per connection handed to the gate and not yet acknowledged. At the cap the listener
   * stops reading the socket until acknowledgements go out; advertised as MQTT 5 receiveMaximum.
   * Default 64.
   */
  readonly maxInFlight: number;
  /** Largest HTTP request body, in bytes: 413 past it, and the rest is not read. Default 65536. */
  readonly maxBodyBytes: number;
  /** Largest HTTP request head (request line and headers), in bytes: 431 past it. Default 8192. */
  readonly maxHeaderBytes: number;
  /** Time to receive the HTTP request head, in ms. Default 10000. */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole HTTP request, in ms. Default 30000. */
  readonly requestTimeoutMs: number;
  /** How long an idle HTTP keep-alive connection stays open, in ms. Default 5000. */
  readonly keepAliveTimeoutMs: number;
  /** Retry-After sent with HTTP 503 when the journal is not accepting, in seconds. Default 5. */
  readonly unavailableRetryAfterS: number;
  /** Longest JSON line on the Unix socket, newline excluded, in bytes. Default 131072. */
  readonly maxLineBytes: number;
  /**
   * How long a connection being closed may take to flush its last packet before it is destroyed,
   * in ms. Default 2000.
   */
  readonly closeLingerMs: number;
  /**
   * How often the listener checks its deadlines, in ms: every timeout above fires up to this much
   * late. One timer per listener instead of one per connection. Default 250.
   */
  readonly timerResolutionMs: number;
}

/** The defaults, as documented on each field of `ListenerLimits`. */
export const DEFAULT_LISTENER_LIMITS: ListenerLimits = Object.freeze({
  maxConnections: 256,
  perSourceConnectsPerMin: 60,
  connectTimeoutMs: 5000,
  idleTimeoutMs: 300_000,
  partialPacketTimeoutMs: 10_000,
  maxPacketBytes: 65_536,
  maxInFlight: 64,
  maxBodyBytes: 65_536,
  maxHeaderBytes: 8192,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5000,
  unavailableRetryAfterS: 5,
  maxLineBytes: 131_072,
  closeLingerMs: 2000,
  timerResolutionMs: 250,
});

/** Upper bounds: protocol maxima (receiveMaximum is 16 bits, an MQTT packet at most 256 MiB). */
const MAXIMA: Readonly<Record<keyof ListenerLimits, number>> = {
  maxConnections: 65_535,
  perSourceConnectsPerMin: 1_000_000,
  connectTimeoutMs: 3_600_000,
  idleTimeoutMs: 86_400_000,
  partialPacketTimeoutMs: 3_600_000,
  maxPacketBytes: 268_435_455,
  maxInFlight: 65_535,
  maxBodyBytes: 268_435_455,
  maxHeaderBytes: 1_048_576,
  headersTimeoutMs: 3_600_000,
  requestTimeoutMs: 3_600_000,
  keepAliveTimeoutMs: 3_600_000,
  unavailableRetryAfterS: 86_400,
  maxLineBytes: 268_435_455,
  closeLingerMs: 60_000,
  timerResolutionMs: 60_000,
};

/**
 * The inclusive range of every limit, in the unit its name carries: 1..the protocol maximum. One
 * source for `resolveLimits` here and for config validation (agent/config/defaults.ts RANGES).
 */
export const LISTENER_LIMIT_RANGES: Readonly<
  Record<keyof ListenerLimits, { readonly min: number; readonly max: number }>
> = Object.freeze(
  Object.fromEntries(Object.entries(MAXIMA).map(([k, max]) => [k, Object.freeze({ min: 1, max })])) as Record<
    keyof ListenerLimits,
    { readonly min: number; readonly max: number }
  >,
);

/**
 * Which limits each kind of listener reads; the others have no effect on it, so config refuses them
 * there rather than let an operator believe a limit holds that does not.
 */
export const LIMITS_BY_KIND: Readonly<Record<'mqtt' | 'http' | 'unix', readonly (keyof ListenerLimits)[]>> = {
  mqtt: [
    'maxConnections',
    'perSourceConnectsPerMin',
    'connectTimeoutMs',
    'idleTimeoutMs',
    'partialPacketTimeoutMs',
    'maxPacketBytes',
    'maxInFlight',
    'closeLingerMs',
    'timerResolutionMs',
  ],
  http: [
    'maxConnections',
    'perSourceConnectsPerMin',
    'maxBodyBytes',
    'maxHeaderBytes',
    'headersTimeoutMs',
    'requestTimeoutMs',
    'keepAliveTimeoutMs',
    'unavailableRetryAfterS',
    'timerResolutionMs',
  ],
  unix: [
    'maxConnections',
    'connectTimeoutMs',
    'idleTimeoutMs',
    'maxInFlight',
    'maxLineBytes',
    'closeLingerMs',
    'timerResolutionMs',
  ],
};

/**
 * The defaults overlaid with `partial`. Throws `TypeError` naming the field for a value that is not
 * a whole number in 1..max, or for headersTimeoutMs above requestTimeoutMs (node:http refuses it).
 */
export function resolveLimits(partial: Partial<ListenerLimits>): ListenerLimits {
  const out: Record<string, number> = { ...DEFAULT_LISTENER_LIMITS };
  for (const [key, value] of Object.entries(partial)) {
    if (!Object.hasOwn(LISTENER_LIMIT_RANGES, key))
      throw new TypeError(`listener limits: unknown limit ${key}`);
    if (value === undefined) continue;
    const { min, max } = LISTENER_LIMIT_RANGES[key as keyof ListenerLimits];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new TypeError(
        `listener limits: ${key} must be a whole number in ${min}..${max}, got ${String(value)}`,
      );
    }
    out[key] = value;
  }
  const limits = Object.freeze({ ...DEFAULT_LISTENER_LIMITS, ...out });
  if (headersTimeoutProblem(limits) !== null) {
    throw new TypeError(
      `listener limits: headersTimeoutMs (${limits.headersTimeoutMs}) must not exceed requestTimeoutMs (${limits.requestTimeoutMs})`,
    );
  }
  return limits;
}

/**
 * Why `headersTimeoutMs` cannot go with `requestTimeoutMs` (node:http refuses a head deadline past
 * the whole request's), null when it can.
 */
export function headersTimeoutProblem(
  l: Pick<ListenerLimits, 'headersTimeoutMs' | 'requestTimeoutMs'>,
): string | null {
  if (l.headersTimeoutMs <= l.requestTimeoutMs) return null;
  return `${l.headersTimeoutMs} ms must not exceed requestTimeoutMs (${l.requestTimeoutMs} ms)`;
}
