/**
 * The check that runs before every uplink attempt: is this still the device the certificate was
 * issued to (its SIM and its modem), and can the clock be trusted to judge the certificates?
 *
 *   cert SAN (ICCID, IMEI) ─┐
 *                           ├─ checkBinding ─ ok ────────────────┐
 *   modem (+CGSN, ICCID) ───┘        └─ mismatch ─ alert queued ─┴─ refuse (default) | restricted
 *   system clock ─ decideClock ─ trusted | step to the network time (+CCLK?) | wait, saying why
 */
import { readFile } from 'node:fs/promises';
import { parseCclk } from '../../modem/at/parsers/index.js';
import type { SimState } from '../../modem/at/types.js';
import type { Logger } from '../../modem/log.js';
import type { Modem } from '../../modem/service/modem.js';
import { readLiveIdentity } from '../../modem/service/read-info.js';
import type { ClockConfig, IdentityConfig } from '../config/types.js';
import { clockFloorMs, decideClock } from '../identity/clock-trust.js';
import { type BindingStatus, checkBinding, lastDigits, readCertInfo } from '../identity/index.js';
import type { BeforeConnect, BeforeConnectDecision } from '../uplink/index.js';
import type { AgentClock } from './agent-clock.js';
import type { AlertQueue } from './alert-queue.js';

export interface IdentityState {
  readonly binding: BindingStatus | 'not-checked' | 'no-certificate';
  readonly detail: string;
  readonly isRestricted: boolean;
  readonly sim: SimState | null;
  readonly live: { readonly iccid: string | null; readonly imei: string | null } | null;
  readonly bound: { readonly iccid: string | null; readonly imei: string | null } | null;
  readonly certificate: {
    readonly notBeforeMs: number;
    readonly notAfterMs: number;
    readonly fingerprint: string;
  } | null;
  readonly clock: { readonly isTrusted: boolean; readonly reason: string | null };
  readonly checkedAtMs: number | null;
}

export interface GuardDeps {
  readonly certFile: string;
  readonly identity: IdentityConfig;
  readonly clockConfig: ClockConfig;
  readonly clock: AgentClock;
  readonly modem: () => Modem | null;
  readonly alerts: AlertQueue;
  readonly log: Logger;
  /**
   * Security events (for the audit trail): `identity.bound` (the first check that passes after
   * start, with the ICCID and IMEI), `sim.swapped`, `modem.replaced`, `identity.restored`.
   */
  readonly onEvent?: (
    name: 'identity.bound' | 'sim.swapped' | 'modem.replaced' | 'identity.restored',
    data: Record<string, string | number | null>,
  ) => void;
}

export interface IdentityGuard {
  readonly beforeConnect: BeforeConnect;
  state(): IdentityState;
}

const veto = (
  code:
    | 'IDENTITY_SIM_MISMATCH'
    | 'IDENTITY_MODEM_MISMATCH'
    | 'IDENTITY_CERT'
    | 'IDENTITY_UNREADABLE'
    | 'UPLINK_CLOCK',
  reason: string,
  message: string,
): BeforeConnectDecision => ({
  allow: false,
  code,
  reason,
  message,
});

export function createIdentityGuard(deps: GuardDeps): IdentityGuard {
  const log = deps.log.child({ component: 'identity' });
  let state: IdentityState = {
    binding: 'not-checked',
    detail: 'not checked yet',
    isRestricted: false,
    sim: null,
    live: null,
    bound: null,
    certificate: null,
    clock: { isTrusted: false, reason: 'not checked yet' },
    checkedAtMs: null,
  };
  let wasMismatched = false;
  let hasReportedBound = false;

  async function checkClock(modem: Modem | null, notBeforeMs: number): Promise<BeforeConnectDecision | null> {
    const nowMs = deps.clock.nowMs();
    let networkTimeMs: number | null = null;
    // The network time is read only when the clock is behind what the certificate needs.
    if (nowMs < clockFloorMs(notBeforeMs) && modem) {
      const r = await modem.send('AT+CCLK?').then(
        (x) => parseCclk(x.lines),
        () => null,
      );
      if (r?.ok && !r.value.isDefault) networkTimeMs = r.value.utcMs;
    }
    const d = decideClock({
      ...deps.clockConfig,
      nowMs,
      certNotBeforeMs: notBeforeMs,
      networkTimeMs,
      networkTimeAgeMs: 0,
    });
    if (d.kind === 'trusted') {
      state = { ...state, clock: { isTrusted: true, reason: null } };
      return null;
    }
    if (d.kind === 'step') {
      try {
        await deps.clock.step(d.toMs);
        log.warn({ reason: d.reason }, 'clock.stepped');
        state = { ...state, clock: { isTrusted: true, reason: d.reason } };
        return null;
      } catch (err) {
        const reason = `${d.reason}, but setting it failed: ${err instanceof Error ? err.message : String(err)}`;
        state = { ...state, clock: { isTrusted: false, reason } };
        return veto('UPLINK_CLOCK', 'clock-untrusted', reason);
      }
    }
    state = { ...state, clock: { isTrusted: false, reason: d.reason } };
    log.warn({ reason: d.reason }, 'clock.untrusted');
    return veto('UPLINK_CLOCK', 'clock-untrusted', d.reason);
  }

  const beforeConnect: BeforeConnect = async () => {
    const nowMs = deps.clock.nowMs();
    const pem = await readFile(deps.certFile, 'utf8').catch(() => null);
    const cert = pem === null ? null : readCertInfo(pem);
    if (cert === null || !cert.ok) {
      const detail =
        cert === null ? `no device certificate at ${deps.certFile}` : `${deps.certFile}: ${cert.reason}`;
      state = { ...state, binding: 'no-certificate', detail, checkedAtMs: nowMs };
      return veto('IDENTITY_CERT', 'no-certificate', detail);
    }
    const c = cert.value;
    const bound = { iccid: c.iccid, imei: c.imei };
    const modem = deps.modem();
    const live = modem ? await readLiveIdentity(modem).catch(() => null) : null;
    const liveIds =
      live && (live.iccid !== null || live.imei !== null) ? { iccid: live.iccid, imei: live.imei } : null;
    const b = checkBinding(bound, liveIds);
    state = {
      ...state,
      binding: b.status,
      detail: b.detail,
      sim: live?.sim ?? null,
      live: liveIds,
      bound,
      certificate: { notBeforeMs: c.notBeforeMs, notAfterMs: c.notAfterMs, fingerprint: c.fingerprintSha256 },
      checkedAtMs: nowMs,
      isRestricted: false,
    };
    if (b.status === 'unknown-live') {
      return veto('IDENTITY_UNREADABLE', 'identity-unknown', `${b.detail}: the binding cannot be checked`);
    }
    if (
      b.status === 'sim-mismatch' ||
      b.status === 'modem-mismatch' ||
      b.status === 'sim-and-modem-mismatch'
    ) {
      const event = b.status === 'modem-mismatch' ? 'modem.replaced' : 'sim.swapped';
      const isNew = await deps.alerts.add({
        id: `${b.status}:${liveIds?.iccid ?? '-'}:${liveIds?.imei ?? '-'}`,
        atMs: nowMs,
        body: {
          v: 1,
          type: event,
          severity: 'high',
          detectedAt: new Date(nowMs).toISOString(),
          detail: b.detail,
          bound: { iccid: bound.iccid, imei: bound.imei },
          seen: { iccid: liveIds?.iccid ?? null, imei: liveIds?.imei ?? null },
        },
      });
      if (isNew) {
        log.error(
          {
            binding: b.status,
            iccid: lastDigits(liveIds?.iccid ?? ''),
            imei: lastDigits(liveIds?.imei ?? ''),
          },
          event,
        );
        deps.onEvent?.(event, { binding: b.status, detail: b.detail });
      }
      wasMismatched = true;
      if (deps.identity.onSimMismatch === 'refuse') {
        return veto(
          b.status === 'modem-mismatch' ? 'IDENTITY_MODEM_MISMATCH' : 'IDENTITY_SIM_MISMATCH',
          b.status,
          `${b.detail}; not connecting (identity.onSimMismatch is "refuse")`,
        );
      }
      state = { ...state, isRestricted: true };
    } else if (wasMismatched) {
      wasMismatched = false;
      hasReportedBound = true;
      log.info({ binding: b.status }, 'identity.restored');
      deps.onEvent?.('identity.restored', { binding: b.status, detail: b.detail });
    } else if (!hasReportedBound && b.status === 'ok') {
      hasReportedBound = true;
      deps.onEvent?.('identity.bound', {
        binding: b.status,
        detail: b.detail,
        iccid: liveIds?.iccid ?? null,
        imei: liveIds?.imei ?? null,
      });
    }
    const clockVeto = await checkClock(modem, c.notBeforeMs);
    return clockVeto ?? { allow: true };
  };

  return { beforeConnect, state: () => state };
}
