/**
 * What a parser returns: a value, or the reason it could not read the input. Parsers never throw on
 * modem output; bad output is expected input.
 */
export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(reason: string): Result<T> => ({ ok: false, reason });
