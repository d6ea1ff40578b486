/**
 * Where a certificate is in its life: time left, which expiry warning applies, and when rotation
 * is due (at two thirds of the lifetime, so a device that misses a few attempts still renews well
 * before expiry). Pure: time is an argument.
 */

export const DAY_MS = 86_400_000;
/** Warning thresholds on the time left, in ms. */
export const WARN_30D_MS = 30 * DAY_MS;
export const WARN_7D_MS = 7 * DAY_MS;
export const WARN_1D_MS = DAY_MS;
/** Fraction of the lifetime after which rotation is due. */
export const ROTATION_FRACTION = 2 / 3;

export type LifetimeWarning = null | '30d' | '7d' | '1d' | 'expired' | 'not-yet-valid';

export interface CertLifetime {
  /** notAfter − now, in ms; negative once expired. */
  readonly remainingMs: number;
  /** The tightest threshold reached; null while more than 30 days are left. */
  readonly warning: LifetimeWarning;
  /** now ≥ rotationAtMs and the certificate is valid now or expired. */
  readonly isRotationDue: boolean;
  /** notBefore + 2/3 of the lifetime, whole ms. */
  readonly rotationAtMs: number;
}

/**
 * The certificate's lifetime at `nowMs`. A certificate is valid from notBefore through notAfter
 * inclusive (RFC 5280 §4.1.2.5). Throws TypeError on non-finite inputs.
 */
export function certLifetime(notBeforeMs: number, notAfterMs: number, nowMs: number): CertLifetime {
  if (!Number.isFinite(notBeforeMs) || !Number.isFinite(notAfterMs) || !Number.isFinite(nowMs))
    throw new TypeError('certLifetime needs finite times in ms');
  const lifetimeMs = Math.max(0, notAfterMs - notBeforeMs);
  const rotationAtMs = notBeforeMs + Math.floor(lifetimeMs * ROTATION_FRACTION);
  const remainingMs = notAfterMs - nowMs;
  let warning: LifetimeWarning = null;
  if (nowMs < notBeforeMs) warning = 'not-yet-valid';
  else if (nowMs > notAfterMs) warning = 'expired';
  else if (remainingMs <= WARN_1D_MS) warning = '1d';
  else if (remainingMs <= WARN_7D_MS) warning = '7d';
  else if (remainingMs <= WARN_30D_MS) warning = '30d';
  return {
    remainingMs,
    warning,
    isRotationDue: warning !== 'not-yet-valid' && nowMs >= rotationAtMs,
    rotationAtMs,
  };
}
