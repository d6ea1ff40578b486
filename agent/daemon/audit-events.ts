/**
 * How the daemon's services' events become audit records: who acted, on what, with what outcome.
 * Pure mappings, kept apart from the composition root so each reads as a table.
 */
import type { AuditEvent } from '../audit/index.js';

type EventData = Record<string, string | number | null>;

/** The identity guard's binding events. */
export function identityAuditEvent(
  name: 'identity.bound' | 'sim.swapped' | 'modem.replaced' | 'identity.restored',
  data: EventData,
): AuditEvent {
  if (name === 'identity.bound') {
    return {
      ev: name,
      actor: 'agent',
      subject: 'device',
      outcome: 'ok',
      data: { iccid: data['iccid'] ?? null, imei: data['imei'] ?? null },
    };
  }
  const subject = name === 'modem.replaced' ? 'modem' : name === 'sim.swapped' ? 'sim' : 'device';
  return {
    ev: name,
    actor: 'agent',
    subject,
    outcome: name === 'identity.restored' ? 'ok' : 'denied',
    reason: String(data['detail'] ?? name),
  };
}

/** Certificate rotation's outcome. */
export function rotationAuditEvent(
  name: 'cert.rotated' | 'cert.rotation-failed',
  data: EventData,
): AuditEvent {
  return name === 'cert.rotated'
    ? { ev: name, actor: 'agent', subject: `cert:${String(data['fingerprint'] ?? '')}`, outcome: 'ok' }
    : {
        ev: name,
        actor: 'agent',
        subject: 'cert:device',
        outcome: 'failed',
        reason: String(data['reason'] ?? ''),
      };
}
