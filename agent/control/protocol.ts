/**
 * The control socket's protocol: one JSON object per line each way. A request names a command;
 * the answer is `{ ok: true, result }` or `{ ok: false, error: { code, message } }`. Pure.
 */
import { fail, ok, type Result } from '../../modem/at/result.js';
import type { JsonValue } from '../../modem/errors.js';

/** Longest request line accepted, in bytes: the socket is local, but a client can still be wrong. */
export const MAX_REQUEST_BYTES = 16 * 1024;

export interface ControlRequest {
  readonly cmd: string;
  readonly args: { readonly [key: string]: JsonValue };
}

export type ControlResponse =
  | { readonly ok: true; readonly result: JsonValue }
  | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

export function parseRequest(line: string): Result<ControlRequest> {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return fail('request is not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return fail('request must be a JSON object');
  const cmd = (raw as { cmd?: unknown }).cmd;
  if (typeof cmd !== 'string' || !/^[a-z][a-z0-9.-]{0,63}$/.test(cmd))
    return fail('request.cmd must be a command name');
  const args = (raw as { args?: unknown }).args ?? {};
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    return fail('request.args must be an object');
  return ok({ cmd, args: args as { [key: string]: JsonValue } });
}

export function encodeResponse(r: ControlResponse): string {
  return `${JSON.stringify(r)}\n`;
}
