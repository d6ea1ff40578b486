/**
 * Every default and every range of the bootstrap config, in one place. types.ts documents each field
 * and quotes these figures; validate-*.ts enforce them.
 */
import { LISTENER_LIMIT_RANGES } from '../proxies/limits.js';
import { JOURNAL_DEFAULTS as QUEUE_JOURNAL_DEFAULTS } from '../queue/journal-types.js';
import type {
  ClockConfig,
  ExposureConfig,
  IdentityConfig,
  JournalConfig,
  LogConfig,
  PathsConfig,
  TelemetryConfig,
  UplinkConfig,
} from './types.js';

/** Where the bootstrap config lives unless `--config` or `ZTGW_CONFIG` says otherwise. */
export const DEFAULT_CONFIG_PATH = '/etc/ztgw/agent.json';

/** Config files larger than this are refused before parsing, in bytes (1 MiB). */
export const MAX_CONFIG_FILE_BYTES = 1_048_576;

export const UPLINK_DEFAULTS = {
  keepaliveS: 45,
  connectTimeoutMs: 30_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 300_000,
  publishTimeoutMs: 20_000,
  stableAfterMs: 60_000,
  tlsMinVersion: 'TLSv1.2',
  useSystemCa: false,
} as const satisfies Partial<UplinkConfig>;

export const MODEM_DEFAULTS = { baudRate: 115_200 } as const;

export const IDENTITY_DEFAULTS = {
  keysDir: '/var/lib/ztgw/keys',
  onSimMismatch: 'refuse',
} as const satisfies IdentityConfig;

export const CLOCK_DEFAULTS = {
  mayStepClock: false,
  maxNetworkTimeAgeMs: 86_400_000,
} as const satisfies ClockConfig;

export const PATHS_DEFAULTS = {
  stateDir: '/var/lib/ztgw',
  controlSocket: '/run/ztgw/control.sock',
} as const satisfies PathsConfig;

export const EXPOSURE_DEFAULTS: ExposureConfig = {
  wanInterfaces: ['wwan*', 'ppp*', 'rmnet*'],
  lanInterfaces: [],
};

export const LOG_DEFAULTS = { level: 'info' } as const satisfies LogConfig;

/** Inclusive integer ranges, by field path. */
export const RANGES = {
  'uplink.brokers': { min: 1, max: 8 },
  'uplink.keepaliveS': { min: 10, max: 1200 },
  'uplink.connectTimeoutMs': { min: 1000, max: 120_000 },
  'uplink.backoffBaseMs': { min: 10, max: 60_000 },
  'uplink.backoffMaxMs': { min: 10, max: 3_600_000 },
  'uplink.publishTimeoutMs': { min: 100, max: 600_000 },
  'uplink.stableAfterMs': { min: 0, max: 3_600_000 },
  'modem.powerCycleCommand': { min: 1, max: 32 },
  'clock.maxNetworkTimeAgeMs': { min: 60_000, max: 2_592_000_000 },
  'exposure.wanInterfaces': { min: 1, max: 32 },
  'exposure.lanInterfaces': { min: 0, max: 32 },
  listeners: { min: 0, max: 32 },
  'listeners.port': { min: 1, max: 65_535 },
  /** Per limit, in the unit its name carries; the one source is agent/proxies/limits.ts. */
  'listeners.limits': LISTENER_LIMIT_RANGES,
  operatorKeys: { min: 1, max: 16 },
  'journal.maxBytes': { min: 1_048_576, max: 68_719_476_736 },
  'journal.maxAgeS': { min: 60, max: 31_536_000 },
  'journal.segmentBytes': { min: 65_536, max: 67_108_864 },
  'journal.groupCommitMs': { min: 0, max: 1000 },
  'journal.commitAlignBytes': { min: 0, max: 4096 },
  'telemetry.bundleMaxReadings': { min: 1, max: 10_000 },
  'telemetry.bundleMaxBytes': { min: 1024, max: 1_048_576 },
  'telemetry.bundleMaxWaitMs': { min: 0, max: 600_000 },
  'telemetry.maxInFlight': { min: 1, max: 16 },
  'telemetry.dailyCapBytes': { min: 1024, max: 1_099_511_627_776 },
} as const;

export const JOURNAL_DEFAULTS = {
  maxBytes: 67_108_864,
  maxAgeS: 604_800,
  segmentBytes: 1_048_576,
  // 25, not 10: each commit costs at least one page, so at 1 000 readings/s a 25 ms window is
  // ~4096/25 B per reading (152 measured; 10 ms, by the same count, ~410), for a PUBACK up to 15 ms later
  // (hil/bench/RESULTS.md, data path).
  groupCommitMs: 25,
  commitAlignBytes: QUEUE_JOURNAL_DEFAULTS.commitAlignBytes,
} as const satisfies JournalConfig;

export const TELEMETRY_DEFAULTS = {
  bundleMaxReadings: 2000,
  bundleMaxBytes: 262_144,
  bundleMaxWaitMs: 1000,
  maxInFlight: 2,
  isDeflateAllowed: true,
} as const satisfies TelemetryConfig;

/** Baud rates a modem AT port is configured with. */
export const BAUD_RATES: readonly number[] = [
  9600, 19_200, 38_400, 57_600, 115_200, 230_400, 460_800, 921_600,
];

/** sun_path is 108 bytes on Linux, one of them the terminating NUL. */
export const MAX_UNIX_SOCKET_PATH_BYTES = 107;

/** Linux IFNAMSIZ is 16 including the NUL. */
export const MAX_INTERFACE_NAME_CHARS = 15;

/** 3GPP TS 23.003 §9.1: an APN is at most 100 octets. */
export const MAX_APN_CHARS = 100;

/** An Ed25519 public key is 32 bytes (RFC 8032 §5.1.5). */
export const ED25519_PUBLIC_KEY_BYTES = 32;
