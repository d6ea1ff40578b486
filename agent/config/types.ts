/**
 * The bootstrap config of the agent, `/etc/ztgw/agent.json`, as the rest of the agent sees it: typed,
 * complete (every default filled in) and deeply frozen. Only agent/config builds it (validate.ts);
 * defaults and ranges live in defaults.ts and are quoted here.
 */
import type { LevelName } from '../../modem/log.js';
import type { PolicyConfig } from '../policy/types.js';
import type { ListenerLimits } from '../proxies/limits.js';

/** The lowest TLS version the uplink offers. */
export type TlsMinVersion = 'TLSv1.2' | 'TLSv1.3';

export interface BrokerConfig {
  /**
   * `mqtts://host[:port]`, port default 8883. Only mqtts: plaintext (`mqtt://`, `tcp://`) and
   * WebSocket (`ws://`, `wss://`) URLs are refused, as are credentials, paths and queries in the URL
   * (the device certificate is the only credential).
   */
  readonly url: string;
}

export interface UplinkConfig {
  /** 1..8 brokers, tried in order; on failure the next one is tried, wrapping round to the first. */
  readonly brokers: readonly BrokerConfig[];
  /** PEM file of the CA(s) that sign the broker's certificate. Absolute path. Required. */
  readonly caFile: string;
  /** PEM file of the device certificate. Absolute path. Required. */
  readonly certFile: string;
  /** PEM file of the device private key. Absolute path. Required. */
  readonly keyFile: string;
  /**
   * MQTT keep-alive in seconds, 10..1200 (1200 is AWS IoT Core's maximum). Default 45.
   *
   * Why 45: a PINGREQ must cross the carrier's NAT before its idle timer drops the TCP mapping, or
   * the session dies silently and is only noticed at the next publish. RFC 5382 REQ-5 asks NATs to
   * keep established TCP mappings 2 h 4 min, but carrier-grade NATs do not: reported figures range from
   * 6 h (Twilio Super SIM, TCP) down to 10–15 min (Astra Telematics) and 4.5 min (a French network,
   * blog.wirelessmoves.com, 2020), and the same boxes give UDP-like flows 30–60 s (Twilio: UDP 30 s).
   * 45 s stays under a 60 s floor with margin for one delayed ping. The broker drops the session at
   * 1.5 × keep-alive without traffic (MQTT 3.1.1 §3.1.2.10, [MQTT-3.1.2-24]), so a dead path shows
   * within about 68 s. Cost: about 200 bytes of IP traffic per PINGREQ/PINGRESP exchange (two
   * 76-byte TLS 1.3 records with TCP timestamps, one bare ACK), about 12 MB a month of idle link;
   * raise it on networks known to keep idle TCP mappings longer.
   */
  readonly keepaliveS: number;
  /** Bound on one attempt, TCP connect through CONNACK, in ms, 1000..120000. Default 30000. */
  readonly connectTimeoutMs: number;
  /** First back-off step in ms, 10..60000. Default 1000. */
  readonly backoffBaseMs: number;
  /** Back-off cap in ms, 10..3600000 and >= backoffBaseMs. Default 300000 (5 min). */
  readonly backoffMaxMs: number;
  /** Bound on waiting for a PUBACK/SUBACK, in ms, 100..600000. Default 20000; past it the session is dropped. */
  readonly publishTimeoutMs: number;
  /**
   * How long a session must stay up before the back-off starts over, in ms, 0..3600000. Default 60000.
   * A broker that accepts and then drops at once (ACL kick, session take-over) keeps the back-off
   * growing instead of being hammered.
   */
  readonly stableAfterMs: number;
  /** Lowest TLS version offered. Default 'TLSv1.2'. */
  readonly tlsMinVersion: TlsMinVersion;
  /** Also trust the system's CA store (Node's bundled Mozilla roots) besides caFile. Default false. */
  readonly useSystemCa: boolean;
  /**
   * Name the broker's certificate must carry (and the SNI sent), when it differs from the URL's host
   * (e.g. connecting by IP address). DNS name. Default: the URL's host.
   */
  readonly serverName?: string;
}

export interface ModemConfig {
  /** Serial device of the modem's AT port, absolute path (e.g. /dev/ttyUSB2). Required. */
  readonly port: string;
  /** One of 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600. Default 115200. */
  readonly baudRate: number;
  /** SIM PIN, 4..8 digits (ETSI TS 102 221 §9.5.1); entered once, never retried. Default: none. */
  readonly simPin?: string;
  /** argv of a command that power-cycles the modem, argv[0] an absolute path, 1..32 items. Default: none. */
  readonly powerCycleCommand?: readonly string[];
  /** Access point name, 1..100 characters (3GPP TS 23.003 §9.1). Default: none (the SIM's default). */
  readonly apn?: string;
}

export type SimMismatchAction = 'refuse' | 'restricted';

export interface IdentityConfig {
  /** Directory of the device key and certificate, absolute path, mode 0700. Default /var/lib/ztgw/keys. */
  readonly keysDir: string;
  /**
   * What to do when the SIM or modem does not match the certificate's binding: 'refuse' keeps the
   * uplink down; 'restricted' connects but only reports the mismatch. Default 'refuse'.
   */
  readonly onSimMismatch: SimMismatchAction;
}

export interface ClockConfig {
  /** Whether the agent may step the system clock from the network time. Default false. */
  readonly mayStepClock: boolean;
  /**
   * Oldest network time (NITZ, read from the modem) still trusted for the clock check before the
   * uplink connects, in ms, 60000..2592000000 (30 days). Default 86400000 (24 h).
   */
  readonly maxNetworkTimeAgeMs: number;
}

export interface PathsConfig {
  /** State directory (keys, journal, audit, config), absolute path. Default /var/lib/ztgw. */
  readonly stateDir: string;
  /** Control socket, absolute path, at most 107 bytes (sun_path). Default /run/ztgw/control.sock. */
  readonly controlSocket: string;
}

export interface ExposureConfig {
  /**
   * Globs (`*`, `?`) of interface names that face the WAN; nothing may listen on them. 1..32 globs.
   * Default ['wwan*', 'ppp*', 'rmnet*'].
   */
  readonly wanInterfaces: readonly string[];
  /**
   * Globs of interface names that face the LAN. 0..32 globs. Default [] (every interface that is
   * neither WAN nor loopback counts as LAN).
   */
  readonly lanInterfaces: readonly string[];
}

/**
 * Limits of one listener, each optional (absent: the default in agent/proxies/limits.ts, where every
 * field is documented with its unit). Whole numbers in 1..the protocol maximum
 * (`LISTENER_LIMIT_RANGES`); only the limits the listener's kind reads are accepted
 * (`LIMITS_BY_KIND`), and on HTTP headersTimeoutMs may not exceed requestTimeoutMs.
 */
export type ListenerLimitsConfig = Partial<ListenerLimits>;

/**
 * TLS on an MQTT listener. PEM files, absolute paths, read when the listener starts.
 * With `requireClientCert` every sensor must present a certificate that chains to `caFile` and whose
 * subject CN is its sensor id (the MQTT username); otherwise CONNACK refuses it and
 * `sensor.auth-failed` is audited with the cause.
 */
export interface ListenerTlsConfig {
  /** The listener's own certificate (chain), PEM. Required. */
  readonly certFile: string;
  /** Its private key, PEM. Required. */
  readonly keyFile: string;
  /** CA(s) that sign sensor certificates, PEM. Required with requireClientCert, refused without it. */
  readonly caFile?: string;
  /** Whether a sensor must present a client certificate. Default false (TLS for privacy only). */
  readonly requireClientCert: boolean;
}

/**
 * How a sensor proves its id on an MQTT listener: `secret` (the password, checked against
 * `sensors.credentials`; with a required client certificate both must pass) or `cert` (the client
 * certificate alone; needs `tls.requireClientCert`). Default `secret`.
 */
export type ListenerAuth = 'secret' | 'cert';

/** A local listener for sensors: TCP on a LAN or loopback address, or a Unix socket. */
export type ListenerConfig =
  | {
      readonly kind: 'mqtt';
      /** IP literal; never 0.0.0.0, :: or an address of a WAN interface. */
      readonly address: string;
      /** 1..65535. */
      readonly port: number;
      readonly limits: ListenerLimitsConfig;
      /** Default: none (plain TCP). */
      readonly tls?: ListenerTlsConfig;
      readonly auth: ListenerAuth;
    }
  | {
      readonly kind: 'http';
      /** IP literal; never 0.0.0.0, :: or an address of a WAN interface. */
      readonly address: string;
      /** 1..65535. */
      readonly port: number;
      readonly limits: ListenerLimitsConfig;
    }
  | {
      readonly kind: 'unix';
      /** Absolute path, at most 107 bytes. */
      readonly path: string;
      readonly limits: ListenerLimitsConfig;
    };

/** Sensors behind the gateway: who they are (a credential each) and what they may do (policy). */
export interface SensorsConfig {
  /**
   * Sensor id → credential: `scrypt$N$r$p$<salt>$<key>` for a password (N a power of two,
   * 1024..1048576; `ztgw sensor hash-secret` makes one with N=16384, r=8, p=1) or `sha256$<hex>` for
   * a random token of at least 128 bits. The id is the MQTT username / HTTP Basic user.
   */
  readonly credentials: Readonly<Record<string, string>>;
  /** Default deny: a sensor without an entry may do nothing (agent/policy/types.ts). */
  readonly policy: PolicyConfig;
}

/** The journal of readings, `<stateDir>/journal`. */
export interface JournalConfig {
  /** Cap on disk over all lanes, bytes, 1 MiB..64 GiB. Default 67108864 (64 MiB). Telemetry goes first. */
  readonly maxBytes: number;
  /** Telemetry older than this is evicted, seconds, 60..31536000. Default 604800 (7 days). */
  readonly maxAgeS: number;
  /** Segment file size, bytes, 64 KiB..64 MiB and at most maxBytes/4. Default 1048576 (1 MiB). */
  readonly segmentBytes: number;
  /**
   * Longest wait for companions before one write and one fsync, ms, 0..1000. Default 25: a reading is
   * acknowledged to its sensor at most this much later, and flash sees one page write per batch.
   */
  readonly groupCommitMs: number;
  /**
   * Commits are padded to a multiple of this many bytes where the pad is no larger than the commit
   * (and the journal is under half its cap), so the next commit starts on a fresh page instead of
   * rewriting a partly filled one. 0 (never pad) or a power of two 512..4096. Default 4096.
   */
  readonly commitAlignBytes: number;
}

/** Telemetry bundles on `ztgw/<id>/up/t` and their cellular budget. */
export interface TelemetryConfig {
  /** Most readings in one bundle, 1..10000. Default 2000. */
  readonly bundleMaxReadings: number;
  /** Most sensor payload bytes in one bundle (before encoding), 1 KiB..1 MiB. Default 262144 (256 KiB). */
  readonly bundleMaxBytes: number;
  /**
   * Longest a durable reading waits for a bundle, ms, 0..600000. Default 1000. With nothing in
   * flight a bundle leaves at once; while one is in flight readings coalesce up to this long.
   */
  readonly bundleMaxWaitMs: number;
  /** Bundles published and not yet acknowledged (PUBACK), 1..16. Default 2. */
  readonly maxInFlight: number;
  /** Deflate a bundle when it saves > 10 % and ≥ 32 bytes. Default true. */
  readonly isDeflateAllowed: boolean;
  /**
   * Telemetry bytes per UTC day on the uplink (bundle payloads), 1 KiB..1 TiB. Default: no cap. Past
   * it telemetry waits in the journal for the next day; alerts and audit are never capped.
   */
  readonly dailyCapBytes?: number;
}

export interface LogConfig {
  /** Default 'info'. */
  readonly level: LevelName;
}

export interface AgentConfig {
  /**
   * The device's identity: MQTT client id, topic prefix `ztgw/<deviceId>/` and certificate CN.
   * 1..64 characters of [A-Za-z0-9._-], starting with a letter or digit. Required. (MQTT 3.1.1 only
   * promises 23-character client ids [MQTT-3.1.3-5]; mosquitto, EMQX, HiveMQ and AWS IoT Core take 64+.)
   */
  readonly deviceId: string;
  readonly uplink: UplinkConfig;
  readonly modem: ModemConfig;
  readonly identity: IdentityConfig;
  readonly clock: ClockConfig;
  readonly paths: PathsConfig;
  readonly exposure: ExposureConfig;
  /** 0..32 local listeners. Default []. */
  readonly listeners: readonly ListenerConfig[];
  /** Default: no sensors (everything denied). */
  readonly sensors: SensorsConfig;
  readonly journal: JournalConfig;
  readonly telemetry: TelemetryConfig;
  /** 1..16 operator Ed25519 public keys, base64 of 32 bytes; they sign remote config and grants. Required. */
  readonly operatorKeys: readonly string[];
  readonly log: LogConfig;
}

/** One problem found in a config, with the path of the field (`uplink.brokers[0].url`). */
export interface ConfigProblem {
  readonly path: string;
  readonly problem: string;
}

export type ConfigResult =
  | { readonly ok: true; readonly config: AgentConfig }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };
