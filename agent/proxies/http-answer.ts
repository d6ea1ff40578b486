/**
 * HTTP ingest, the pure parts: the Basic credentials of a request and the answer to each outcome.
 *
 *   202 durable · 401 no or bad credentials · 403 denied by policy · 413 too large · 429 rate
 *   limited (Retry-After) · 503 journal unavailable (Retry-After) · 404 / 405 anything else
 */
import type { IngestResult } from './types.js';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON text, or '' for no body. */
  readonly body: string;
}

const json = (o: Record<string, string>): string => JSON.stringify(o);

/** An error answer with a JSON body `{ error, reason, …more }`. */
export function errorAnswer(
  status: number,
  error: string,
  reason: string,
  headers: Readonly<Record<string, string>> = {},
  more: Readonly<Record<string, string>> = {},
): HttpAnswer {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: json({ error, reason, ...more }),
  };
}

/** 401 with the challenge (RFC 7617 §2). The reason stays generic: no hint which part was wrong. */
export const UNAUTHORIZED: HttpAnswer = errorAnswer(401, 'unauthorized', 'valid Basic credentials required', {
  'www-authenticate': 'Basic realm="ztgw", charset="UTF-8"',
});

/** Retry-After in whole seconds, rounded up, at least 1 (RFC 9110 §10.2.3). */
export function retryAfterS(ms: number | undefined): string {
  return String(Math.max(1, Math.ceil((ms ?? 1000) / 1000)));
}

/** The answer to the gate's outcome of a publish. */
export function answerFor(r: IngestResult, unavailableRetryAfterS: number): HttpAnswer {
  if (r.ok) return { status: 202, headers: {}, body: '' };
  if (r.kind === 'unavailable') {
    return errorAnswer(503, 'unavailable', r.reason, { 'retry-after': String(unavailableRetryAfterS) });
  }
  const more = { rule: r.rule };
  if (r.rule === 'rate-limited') {
    return errorAnswer(429, 'denied', r.reason, { 'retry-after': retryAfterS(r.retryAfterMs) }, more);
  }
  if (r.rule === 'payload-too-large') return errorAnswer(413, 'denied', r.reason, {}, more);
  return errorAnswer(403, 'denied', r.reason, {}, more);
}

/**
 * The sensor id and secret of an `Authorization: Basic …` header (RFC 7617), or null. The user-id
 * cannot contain a colon, so the first colon splits; the secret may contain any.
 */
export function parseBasic(header: string | undefined): { sensorId: string; secret: string } | null {
  if (header === undefined) return null;
  const m = /^basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header);
  if (m === null) return null;
  const decoded = Buffer.from(m[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { sensorId: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** The local topic of `POST /t/<topic>`: percent-decoded, query dropped; null for another path. */
export function topicOfPath(url: string): { ok: true; topic: string } | { ok: false; reason: string } | null {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (!path.startsWith('/t/') || path.length === 3) return null;
  try {
    return { ok: true, topic: decodeURIComponent(path.slice(3)) };
  } catch {
    // decodeURIComponent throws URIError on a bad escape: that is the sensor's input, not a bug.
    return { ok: false, reason: 'the topic is not valid percent-encoding' };
  }
}
