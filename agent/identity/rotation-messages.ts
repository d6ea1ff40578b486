/**
 * The certificate rotation messages on the device's own topics (JSON, `v` 1):
 *
 *   ztgw/<id>/up/csr    up, QoS 1     { v: 1, requestId, csr: PEM, reason: 'lifetime' | 'operator' }
 *   ztgw/<id>/down/cert down, QoS 1   { v: 1, requestId, cert: PEM } | { v: 1, requestId, error: text }
 *
 * The broker's ACL pins both to the device's certificate identity, so only the device can ask and
 * only the operator side (write on ztgw/+/down/#) can answer. Pure.
 */
import { fail, ok, type Result } from '../../modem/at/result.js';

export const CSR_TOPIC_SUFFIX = 'up/csr';
export const CERT_TOPIC_SUFFIX = 'down/cert';
/** Longest message accepted, in bytes (a P-256 CSR or certificate is well under 2 kB). */
export const MAX_ROTATION_MESSAGE_BYTES = 16 * 1024;

export type RotationReason = 'lifetime' | 'operator';

export interface CsrRequest {
  readonly v: 1;
  readonly requestId: string;
  readonly csr: string;
  readonly reason: RotationReason;
}

export type CertResponse =
  | { readonly v: 1; readonly requestId: string; readonly cert: string }
  | { readonly v: 1; readonly requestId: string; readonly error: string };

function parseObject(payload: Uint8Array): Result<Record<string, unknown>> {
  if (payload.length > MAX_ROTATION_MESSAGE_BYTES)
    return fail(`message of ${payload.length} bytes is over ${MAX_ROTATION_MESSAGE_BYTES}`);
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return fail('not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('not a JSON object');
  const o = raw as Record<string, unknown>;
  if (o['v'] !== 1) return fail(`v: expected 1, got ${JSON.stringify(o['v'])}`);
  if (typeof o['requestId'] !== 'string' || !/^[A-Za-z0-9-]{8,64}$/.test(o['requestId']))
    return fail('requestId: expected 8-64 letters, digits or dashes');
  return ok(o);
}

export function parseCsrRequest(payload: Uint8Array): Result<CsrRequest> {
  const r = parseObject(payload);
  if (!r.ok) return r;
  const { requestId, csr, reason } = r.value;
  if (typeof csr !== 'string' || !csr.includes('BEGIN CERTIFICATE REQUEST'))
    return fail('csr: expected a PEM certificate request');
  if (reason !== 'lifetime' && reason !== 'operator')
    return fail('reason: expected "lifetime" or "operator"');
  return ok({ v: 1, requestId: String(requestId), csr, reason });
}

export function parseCertResponse(payload: Uint8Array): Result<CertResponse> {
  const r = parseObject(payload);
  if (!r.ok) return r;
  const { requestId, cert, error } = r.value;
  if (typeof error === 'string')
    return ok({ v: 1, requestId: String(requestId), error: error.slice(0, 500) });
  if (typeof cert !== 'string' || !cert.includes('BEGIN CERTIFICATE'))
    return fail('cert: expected a PEM certificate');
  return ok({ v: 1, requestId: String(requestId), cert });
}
