/**
 * The Unix socket protocol, one JSON object per line (UTF-8, `\n`-terminated), pure:
 *
 *   → {"auth":{"sensor":"s1","secret":"…"}}            ← {"ok":true} | {"ok":false,"error":"…"} and close
 *   → {"id":1,"topic":"readings/x","payload":<JSON>}     payload re-serialised as UTF-8 JSON bytes
 *   → {"id":2,"topic":"readings/x","payloadB64":"…"}     raw bytes
 *   → {"id":3,"subscribe":"cmd/s1"}                      commands for this sensor
 *   ← {"id":1,"ok":true}                                 once durable (or subscribed)
 *   ← {"id":1,"ok":false,"rule":"…","reason":"…"[,"retryAfterMs":n]}   denied by policy
 *   ← {"id":1,"ok":false,"error":"unavailable"|"invalid","reason":"…"}  journal not accepting / bad request
 *   ← {"topic":"cmd/s1","payloadB64":"…"}                a command (no id)
 *
 * A line that is not a JSON object with a safe integer `id` is a protocol error: answered with
 * {"ok":false,"error":"…"} and the connection closed. A request with an id but bad fields gets an
 * `invalid` answer and the connection stays.
 */
import type { IngestResult } from './types.js';

export type Request =
  | { readonly kind: 'publish'; readonly id: number; readonly topic: string; readonly payload: Uint8Array }
  | { readonly kind: 'subscribe'; readonly id: number; readonly filter: string }
  | { readonly kind: 'invalid'; readonly id: number; readonly reason: string }
  | { readonly kind: 'fatal'; readonly reason: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJson(line: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(line) };
  } catch {
    // JSON.parse throws SyntaxError on bad input: a sensor's mistake, reported to it by the caller.
    return { ok: false };
  }
}

/** The first line: `{"auth":{"sensor":…,"secret":…}}`. */
export function parseAuthLine(
  line: string,
): { ok: true; sensorId: string; secret: string } | { ok: false; reason: string } {
  const j = parseJson(line);
  if (!j.ok) return { ok: false, reason: 'first line is not JSON' };
  const auth = isObject(j.value) ? j.value['auth'] : undefined;
  if (!isObject(auth)) return { ok: false, reason: 'first line must be {"auth":{"sensor":…,"secret":…}}' };
  const sensor = auth['sensor'];
  const secret = auth['secret'];
  if (typeof sensor !== 'string' || sensor === '' || typeof secret !== 'string') {
    return { ok: false, reason: 'auth needs "sensor" and "secret" strings' };
  }
  return { ok: true, sensorId: sensor, secret };
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A line after authentication. */
export function parseRequestLine(line: string): Request {
  const j = parseJson(line);
  if (!j.ok) return { kind: 'fatal', reason: 'line is not JSON' };
  const o = j.value;
  if (!isObject(o)) return { kind: 'fatal', reason: 'line is not a JSON object' };
  const id = o['id'];
  if (typeof id !== 'number' || !Number.isSafeInteger(id))
    return { kind: 'fatal', reason: '"id" must be an integer' };
  const sub = o['subscribe'];
  if (sub !== undefined) {
    if (typeof sub !== 'string' || sub === '')
      return { kind: 'invalid', id, reason: '"subscribe" must be a filter' };
    return { kind: 'subscribe', id, filter: sub };
  }
  const topic = o['topic'];
  if (typeof topic !== 'string') return { kind: 'invalid', id, reason: '"topic" must be a string' };
  const hasPayload = Object.hasOwn(o, 'payload');
  const b64 = o['payloadB64'];
  if (hasPayload === (b64 !== undefined)) {
    return { kind: 'invalid', id, reason: 'exactly one of "payload" and "payloadB64" is needed' };
  }
  if (hasPayload)
    return { kind: 'publish', id, topic, payload: Buffer.from(JSON.stringify(o['payload']), 'utf8') };
  if (typeof b64 !== 'string' || !B64.test(b64) || b64.length % 4 !== 0) {
    return { kind: 'invalid', id, reason: '"payloadB64" is not base64' };
  }
  return { kind: 'publish', id, topic, payload: Buffer.from(b64, 'base64') };
}

/** The answer line to a publish or subscribe, newline included. */
export function answerLine(id: number, r: IngestResult): string {
  if (r.ok) return `{"id":${id},"ok":true}\n`;
  if (r.kind === 'unavailable')
    return `${JSON.stringify({ id, ok: false, error: 'unavailable', reason: r.reason })}\n`;
  const o =
    r.retryAfterMs === undefined
      ? { id, ok: false, rule: r.rule, reason: r.reason }
      : { id, ok: false, rule: r.rule, reason: r.reason, retryAfterMs: r.retryAfterMs };
  return `${JSON.stringify(o)}\n`;
}

export function invalidLine(id: number, reason: string): string {
  return `${JSON.stringify({ id, ok: false, error: 'invalid', reason })}\n`;
}

export function errorLine(reason: string): string {
  return `${JSON.stringify({ ok: false, error: reason })}\n`;
}

export function commandLine(topic: string, payload: Uint8Array): string {
  return `${JSON.stringify({ topic, payloadB64: Buffer.from(payload).toString('base64') })}\n`;
}

/**
 * Splits a byte stream into lines of at most `maxLineBytes` (newline and a trailing `\r` not
 * counted). Holds only the unfinished tail. `push` returns null when the tail is over the cap.
 */
export class LineSplitter {
  private tail: Buffer[] = [];
  private tailBytes = 0;

  constructor(private readonly maxLineBytes: number) {}

  push(chunk: Buffer): string[] | null {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      const whole = this.tailBytes === 0 ? piece : Buffer.concat([...this.tail, piece]);
      this.tail = [];
      this.tailBytes = 0;
      const end = whole.length > 0 && whole[whole.length - 1] === 0x0d ? whole.length - 1 : whole.length;
      if (end > this.maxLineBytes) return null;
      if (end > 0) lines.push(whole.toString('utf8', 0, end));
      start = nl + 1;
    }
    if (start < chunk.length) {
      this.tail.push(chunk.subarray(start));
      this.tailBytes += chunk.length - start;
      // One byte of slack for a `\r` that may precede the newline.
      if (this.tailBytes > this.maxLineBytes + 1) return null;
    }
    return lines;
  }

  /** Whether part of a line is waiting for its newline. */
  get isMidLine(): boolean {
    return this.tailBytes > 0;
  }
}
