/**
 * The retained state document (`ztgw/<id>/up/state`, JSON): what the operator sees of a gateway
 * without asking it anything. Pure: built from the parts' latest values and the time.
 *
 * Shape (v 1):
 *   { v, at, deviceId, agent { version, startedAt }, modem { … ModemInfo without problems } | null,
 *     identity { binding, detail, isRestricted, sim, live, bound },
 *     certificate { notBefore, notAfter, daysLeft, warning, rotationDueAt, fingerprint } | null,
 *     clock { isTrusted, reason }, uplink { state, broker, since, lastError },
 *     exposure { isExposed, listeners[] } | null, config { version } }
 */
import { type JsonObject, toJson } from '../../modem/errors.js';
import type { ModemInfo } from '../../modem/service/info.js';
import { certLifetime } from '../identity/index.js';
import type { ExposureReport, UplinkStatus } from '../uplink/index.js';
import type { IdentityState } from './identity-guard.js';

export interface StateParts {
  readonly deviceId: string;
  readonly version: string;
  readonly startedAtMs: number;
  readonly nowMs: number;
  readonly modem: ModemInfo | null;
  readonly modemError: string | null;
  readonly identity: IdentityState;
  readonly uplink: UplinkStatus;
  readonly exposure: ExposureReport | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function buildStateDoc(p: StateParts): JsonObject {
  const cert = p.identity.certificate;
  const life = cert ? certLifetime(cert.notBeforeMs, cert.notAfterMs, p.nowMs) : null;
  const modem = p.modem === null ? null : (({ problems: _p, ...rest }) => rest)(p.modem);
  return {
    v: 1,
    at: new Date(p.nowMs).toISOString(),
    deviceId: p.deviceId,
    agent: { version: p.version, startedAt: new Date(p.startedAtMs).toISOString() },
    modem: modem === null ? { error: p.modemError } : toJson(modem),
    identity: toJson({
      binding: p.identity.binding,
      detail: p.identity.detail,
      isRestricted: p.identity.isRestricted,
      sim: p.identity.sim,
      live: p.identity.live,
      bound: p.identity.bound,
      checkedAt: iso(p.identity.checkedAtMs),
    }),
    certificate:
      cert && life
        ? {
            notBefore: new Date(cert.notBeforeMs).toISOString(),
            notAfter: new Date(cert.notAfterMs).toISOString(),
            daysLeft: Math.floor(life.remainingMs / 86_400_000),
            warning: life.warning,
            rotationDueAt: new Date(life.rotationAtMs).toISOString(),
            fingerprint: cert.fingerprint,
          }
        : null,
    clock: toJson(p.identity.clock),
    uplink: toJson({
      state: p.uplink.state,
      broker: p.uplink.broker,
      since: iso(p.uplink.since),
      attempts: p.uplink.attempts,
      lastError: p.uplink.lastError,
    }),
    exposure:
      p.exposure === null
        ? null
        : toJson({
            isExposed: p.exposure.isExposed,
            listeners: p.exposure.listeners.map((l) => ({
              proto: l.proto,
              address: l.address,
              port: l.port,
              class: l.class,
              interface: l.interface ?? null,
            })),
            problems: p.exposure.problems,
          }),
    config: { version: null },
  };
}
