/**
 * A small logger with pino's output shape: one JSON object per line, numeric `level`, `time`, `msg`,
 * bound fields from `child()`, and `err` as `{ type, code, message, stack }`. It is passed in, never
 * global, so pino can replace it without changing a caller.
 */
import { isZtgwError } from './errors.js';

export const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, silent: 100 } as const;
export type LevelName = keyof typeof LEVELS;

export type LogFields = Record<string, unknown>;

export interface Logger {
  trace(fields: LogFields, msg: string): void;
  debug(fields: LogFields, msg: string): void;
  info(fields: LogFields, msg: string): void;
  warn(fields: LogFields, msg: string): void;
  error(fields: LogFields, msg: string): void;
  child(bindings: LogFields): Logger;
  /** Whether a level is on, so costly fields (hex dumps) are built only when they will be written. */
  isLevelEnabled(level: LevelName): boolean;
}

export interface LogSink {
  write(line: string): void;
}

/** Serialises an error the way pino's standard serializer does, with our `code` and `details`. */
export function serializeError(err: unknown): LogFields {
  if (isZtgwError(err)) {
    return { type: err.name, code: err.code, message: err.message, details: err.details, stack: err.stack };
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      type: err.name,
      message: err.message,
      ...(code === undefined ? {} : { code }),
      stack: err.stack,
    };
  }
  return { type: typeof err, message: String(err) };
}

export function createLogger(opts: {
  sink: LogSink;
  level?: LevelName;
  bindings?: LogFields;
  nowMs?: () => number;
}): Logger {
  const threshold = LEVELS[opts.level ?? 'info'];
  const bindings = opts.bindings ?? {};
  const nowMs = opts.nowMs ?? Date.now;
  const emit = (level: Exclude<LevelName, 'silent'>, fields: LogFields, msg: string): void => {
    const n = LEVELS[level];
    if (n < threshold) return;
    const rec: LogFields = { level: n, time: nowMs(), ...bindings, ...fields, msg };
    if (fields['err'] !== undefined) rec['err'] = serializeError(fields['err']);
    opts.sink.write(`${JSON.stringify(rec)}\n`);
  };
  return {
    trace: (f, m) => emit('trace', f, m),
    debug: (f, m) => emit('debug', f, m),
    info: (f, m) => emit('info', f, m),
    warn: (f, m) => emit('warn', f, m),
    error: (f, m) => emit('error', f, m),
    child: (more) => createLogger({ ...opts, bindings: { ...bindings, ...more } }),
    isLevelEnabled: (level) => LEVELS[level] >= threshold && level !== 'silent',
  };
}

/** A logger that writes nothing (tests, and the CLI's quiet mode). */
export function silentLogger(): Logger {
  return createLogger({ sink: { write: () => undefined }, level: 'silent' });
}
