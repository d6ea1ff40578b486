/**
 * Config fields that the environment and CLI flags may override, and how their text becomes JSON.
 * Names derive from the field path: `uplink.keepaliveS` is `ZTGW_UPLINK_KEEPALIVE_S` and
 * `--uplink-keepalive-s`. Lists (`uplink.brokers`, `operatorKeys`, interface globs, the power-cycle
 * argv) are comma-separated. Pure.
 *
 * | field                     | kind    | environment                        | flag                            |
 * |---------------------------|---------|------------------------------------|---------------------------------|
 * | deviceId                  | string  | ZTGW_DEVICE_ID                     | --device-id                     |
 * | uplink.brokers            | brokers | ZTGW_UPLINK_BROKERS                | --uplink-brokers                |
 * | uplink.caFile             | string  | ZTGW_UPLINK_CA_FILE                | --uplink-ca-file                |
 * | uplink.certFile           | string  | ZTGW_UPLINK_CERT_FILE              | --uplink-cert-file              |
 * | uplink.keyFile            | string  | ZTGW_UPLINK_KEY_FILE               | --uplink-key-file               |
 * | uplink.keepaliveS         | int     | ZTGW_UPLINK_KEEPALIVE_S            | --uplink-keepalive-s            |
 * | uplink.connectTimeoutMs   | int     | ZTGW_UPLINK_CONNECT_TIMEOUT_MS     | --uplink-connect-timeout-ms     |
 * | uplink.backoffBaseMs      | int     | ZTGW_UPLINK_BACKOFF_BASE_MS        | --uplink-backoff-base-ms        |
 * | uplink.backoffMaxMs       | int     | ZTGW_UPLINK_BACKOFF_MAX_MS         | --uplink-backoff-max-ms         |
 * | uplink.publishTimeoutMs   | int     | ZTGW_UPLINK_PUBLISH_TIMEOUT_MS     | --uplink-publish-timeout-ms     |
 * | uplink.stableAfterMs      | int     | ZTGW_UPLINK_STABLE_AFTER_MS        | --uplink-stable-after-ms        |
 * | uplink.tlsMinVersion      | string  | ZTGW_UPLINK_TLS_MIN_VERSION        | --uplink-tls-min-version        |
 * | uplink.useSystemCa        | bool    | ZTGW_UPLINK_USE_SYSTEM_CA          | --uplink-use-system-ca          |
 * | uplink.serverName         | string  | ZTGW_UPLINK_SERVER_NAME            | --uplink-server-name            |
 * | modem.port                | string  | ZTGW_MODEM_PORT                    | --modem-port                    |
 * | modem.baudRate            | int     | ZTGW_MODEM_BAUD_RATE               | --modem-baud-rate               |
 * | modem.simPin              | string  | ZTGW_MODEM_SIM_PIN                 | --modem-sim-pin                 |
 * | modem.powerCycleCommand   | list    | ZTGW_MODEM_POWER_CYCLE_COMMAND     | --modem-power-cycle-command     |
 * | modem.apn                 | string  | ZTGW_MODEM_APN                     | --modem-apn                     |
 * | identity.keysDir          | string  | ZTGW_IDENTITY_KEYS_DIR             | --identity-keys-dir             |
 * | identity.onSimMismatch    | string  | ZTGW_IDENTITY_ON_SIM_MISMATCH      | --identity-on-sim-mismatch      |
 * | clock.mayStepClock        | bool    | ZTGW_CLOCK_MAY_STEP_CLOCK          | --clock-may-step-clock          |
 * | clock.maxNetworkTimeAgeMs | int     | ZTGW_CLOCK_MAX_NETWORK_TIME_AGE_MS | --clock-max-network-time-age-ms |
 * | paths.stateDir            | string  | ZTGW_PATHS_STATE_DIR               | --paths-state-dir               |
 * | paths.controlSocket       | string  | ZTGW_PATHS_CONTROL_SOCKET          | --paths-control-socket          |
 * | exposure.wanInterfaces    | list    | ZTGW_EXPOSURE_WAN_INTERFACES       | --exposure-wan-interfaces       |
 * | exposure.lanInterfaces    | list    | ZTGW_EXPOSURE_LAN_INTERFACES       | --exposure-lan-interfaces       |
 * | operatorKeys              | list    | ZTGW_OPERATOR_KEYS                 | --operator-keys                 |
 * | log.level                 | string  | ZTGW_LOG_LEVEL                     | --log-level                     |
 *
 * `ZTGW_CONFIG` / `--config PATH` name the file itself. A test checks this table against OVERRIDES.
 */
import type { RawObject } from './check.js';

export type OverrideKind = 'string' | 'int' | 'bool' | 'list' | 'brokers';

export interface OverrideSpec {
  /** Field path, dot-separated. */
  readonly path: string;
  readonly kind: OverrideKind;
}

export const OVERRIDES: readonly OverrideSpec[] = [
  { path: 'deviceId', kind: 'string' },
  { path: 'uplink.brokers', kind: 'brokers' },
  { path: 'uplink.caFile', kind: 'string' },
  { path: 'uplink.certFile', kind: 'string' },
  { path: 'uplink.keyFile', kind: 'string' },
  { path: 'uplink.keepaliveS', kind: 'int' },
  { path: 'uplink.connectTimeoutMs', kind: 'int' },
  { path: 'uplink.backoffBaseMs', kind: 'int' },
  { path: 'uplink.backoffMaxMs', kind: 'int' },
  { path: 'uplink.publishTimeoutMs', kind: 'int' },
  { path: 'uplink.stableAfterMs', kind: 'int' },
  { path: 'uplink.tlsMinVersion', kind: 'string' },
  { path: 'uplink.useSystemCa', kind: 'bool' },
  { path: 'uplink.serverName', kind: 'string' },
  { path: 'modem.port', kind: 'string' },
  { path: 'modem.baudRate', kind: 'int' },
  { path: 'modem.simPin', kind: 'string' },
  { path: 'modem.powerCycleCommand', kind: 'list' },
  { path: 'modem.apn', kind: 'string' },
  { path: 'identity.keysDir', kind: 'string' },
  { path: 'identity.onSimMismatch', kind: 'string' },
  { path: 'clock.mayStepClock', kind: 'bool' },
  { path: 'clock.maxNetworkTimeAgeMs', kind: 'int' },
  { path: 'paths.stateDir', kind: 'string' },
  { path: 'paths.controlSocket', kind: 'string' },
  { path: 'exposure.wanInterfaces', kind: 'list' },
  { path: 'exposure.lanInterfaces', kind: 'list' },
  { path: 'operatorKeys', kind: 'list' },
  { path: 'log.level', kind: 'string' },
];

const words = (path: string): string[] =>
  path.split('.').flatMap((seg) => seg.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(' '));

/** `uplink.keepaliveS` → `ZTGW_UPLINK_KEEPALIVE_S`. */
export function envName(path: string): string {
  return `ZTGW_${words(path)
    .map((w) => w.toUpperCase())
    .join('_')}`;
}

/** `uplink.keepaliveS` → `uplink-keepalive-s` (without the leading `--`). */
export function flagName(path: string): string {
  return words(path)
    .map((w) => w.toLowerCase())
    .join('-');
}

/** Environment variable naming the config file. */
export const CONFIG_PATH_ENV = 'ZTGW_CONFIG';
/** Flag naming the config file. */
export const CONFIG_PATH_FLAG = 'config';

/**
 * Turns override text into the JSON value validation expects. Text that does not convert is passed
 * on as a string, so that validation names the field and what it expected.
 */
export function convertOverride(kind: OverrideKind, text: string): unknown {
  switch (kind) {
    case 'string':
      return text;
    case 'int':
      return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text;
    case 'bool': {
      const t = text.trim().toLowerCase();
      if (t === 'true' || t === '1' || t === 'yes') return true;
      if (t === 'false' || t === '0' || t === 'no') return false;
      return text;
    }
    case 'list':
      return text === '' ? [] : text.split(',').map((s) => s.trim());
    case 'brokers':
      return text === '' ? [] : text.split(',').map((s) => ({ url: s.trim() }));
  }
}

/**
 * Sets `value` at a dot path in a copy of `raw`, creating section objects as needed. A section that
 * is present but not an object is left as it is: validation reports it.
 */
export function setAtPath(raw: RawObject, path: string, value: unknown): RawObject {
  const [head, ...rest] = path.split('.');
  if (head === undefined) return raw;
  if (rest.length === 0) return { ...raw, [head]: value };
  const inner = raw[head];
  if (inner !== undefined && (typeof inner !== 'object' || inner === null || Array.isArray(inner)))
    return raw;
  const innerObj: RawObject = inner === undefined ? {} : { ...inner };
  return { ...raw, [head]: setAtPath(innerObj, rest.join('.'), value) };
}
