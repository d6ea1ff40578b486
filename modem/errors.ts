/**
 * The one error type of ztgw. Callers branch on `code`, never on message text.
 * Codes are area first, SCREAMING_SNAKE; `details` carries the facts a caller or a log needs.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A JSON-safe copy of plain data (drops undefined, keeps null), for status documents. */
export function toJson(v: unknown): JsonValue {
  return JSON.parse(JSON.stringify(v ?? null)) as JsonValue;
}

export const ERROR_CODES = [
  // AT engine
  'AT_TIMEOUT',
  'AT_ERROR',
  'AT_CME',
  'AT_CMS',
  'AT_NO_CARRIER',
  'AT_PORT_CLOSED',
  'AT_ABORTED',
  'AT_BAD_COMMAND',
  'AT_RESYNC_FAILED',
  // serial port
  'SERIAL_NOT_FOUND',
  'SERIAL_PERMISSION',
  'SERIAL_BUSY',
  'SERIAL_IO',
  // modem service
  'MODEM_NO_ANSWER',
  'MODEM_GAVE_UP',
  'MODEM_RESET_BUDGET',
  'SHIM_UNKNOWN_MODEM',
  // config (bootstrap file, environment, flags, remote config)
  'CONFIG_INVALID',
  'CONFIG_IO',
  // identity: device key, certificate, SIM/modem binding, operator CA
  'IDENTITY_KEY',
  'IDENTITY_FILE_MODE',
  'IDENTITY_CERT',
  'IDENTITY_SIM_MISMATCH',
  'IDENTITY_MODEM_MISMATCH',
  'IDENTITY_CSR',
  'IDENTITY_UNREADABLE',
  'CA_INVALID',
  // uplink: the one outbound MQTT session
  'UPLINK_TLS',
  'UPLINK_REFUSED',
  'UPLINK_CONNECT',
  'UPLINK_CLOCK',
  'UPLINK_CLOSED',
  // audit trail
  'AUDIT_IO',
  'AUDIT_CORRUPT',
  'AUDIT_QUOTA',
  'AUDIT_SIGNATURE',
  // control socket
  'CONTROL_IO',
  'CONTROL_PROTOCOL',
  // sensor policy (publish, subscribe, command decisions)
  'POLICY_DENIED',
  // journal (agent/queue): the durable store of readings
  'JOURNAL_IO',
  'JOURNAL_CORRUPT',
  'JOURNAL_UNAVAILABLE',
  // local listeners for sensors (agent/proxies)
  'SENSOR_AUTH_FAILED',
  'LISTENER_LIMIT',
  'LISTENER_PROTOCOL',
  'LISTENER_BIND',
  // CLI
  'CLI_USAGE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class ZtgwError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details: JsonObject = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ZtgwError';
  }
}

export function isZtgwError(e: unknown): e is ZtgwError {
  return e instanceof Error && e.name === 'ZtgwError' && typeof (e as { code?: unknown }).code === 'string';
}

export function hasCode<C extends ErrorCode>(e: unknown, code: C): e is ZtgwError<C> {
  return isZtgwError(e) && e.code === code;
}

export const isAtTimeout = (e: unknown): e is ZtgwError<'AT_TIMEOUT'> => hasCode(e, 'AT_TIMEOUT');
export const isAtCme = (e: unknown): e is ZtgwError<'AT_CME'> => hasCode(e, 'AT_CME');
