/**
 * The daemon's side of the audit trail: one log in `<stateDir>/audit`, the events every part of the
 * agent records into it, and the shipper that sends it upstream on `ztgw/<id>/up/audit`.
 *
 *   guard, uplink attempts, rotation, control ──record()──▶ AuditLog (durable) ──▶ shipper ──▶ uplink
 *
 * Logs may be lost; audit may not: a record that cannot be written is logged at error level, and the
 * agent keeps running.
 */
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { hasCode } from '../../modem/errors.js';
import type { Logger } from '../../modem/log.js';
import {
  type AuditEvent,
  type AuditLog,
  type AuditShipper,
  createAuditShipper,
  openAuditLog,
} from '../audit/index.js';
import type { AttemptRecord, UplinkClient } from '../uplink/index.js';
import type { AgentClock } from './agent-clock.js';

export interface AuditTrail {
  readonly log: AuditLog;
  /** Appends one event; never rejects. */
  record(e: AuditEvent): Promise<void>;
  /** Turns uplink attempt records into uplink.up / uplink.down on each change of state. */
  watchUplink(uplink: UplinkClient): () => void;
  start(signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

export async function openAuditTrail(opts: {
  readonly stateDir: string;
  readonly keysDir: string;
  readonly deviceId: string;
  readonly uplink: UplinkClient;
  readonly clock: AgentClock;
  readonly log: Logger;
}): Promise<AuditTrail> {
  const log = opts.log.child({ component: 'audit' });
  const dir = join(opts.stateDir, 'audit');
  const open = () => openAuditLog({ dir, keysDir: opts.keysDir, log: opts.log, clock: opts.clock });
  let setAside: { readonly path: string; readonly why: string } | null = null;
  let auditLog: AuditLog;
  try {
    auditLog = await open();
  } catch (err) {
    if (!hasCode(err, 'AUDIT_CORRUPT')) throw err;
    // Damage past a torn tail: keep the old log untouched for forensics and start a new chain, so
    // the agent goes on recording instead of refusing to run.
    const path = `${dir}.damaged-${new Date(opts.clock.nowMs()).toISOString().replace(/[:.]/g, '-')}`;
    await rename(dir, path);
    setAside = { path, why: err.message };
    log.error({ err, setAsideTo: path }, 'audit.set-aside');
    auditLog = await open();
  }
  if (auditLog.tailCut) log.warn({ tailCut: auditLog.tailCut }, 'audit.tail-cut');
  const shipper: AuditShipper = createAuditShipper({
    source: auditLog,
    uplink: { publish: (topic, payload, o) => opts.uplink.publish(topic, payload, o) },
    log: opts.log,
    options: { deviceId: opts.deviceId },
  });
  const record = async (e: AuditEvent): Promise<void> => {
    try {
      await auditLog.append(e);
    } catch (err) {
      log.error({ err, ev: e.ev }, 'audit.append-failed');
    }
  };
  if (setAside !== null) {
    await record({
      ev: 'audit.set-aside',
      actor: 'agent',
      subject: 'audit',
      outcome: 'info',
      reason: `${setAside.why}; the old log is at ${setAside.path}`,
    });
  }
  let loop: Promise<void> | null = null;
  return {
    log: auditLog,
    record,
    watchUplink: (uplink) => {
      let isUp = false;
      return uplink.onAttempt((r: AttemptRecord) => {
        if (r.outcome === 'connected') {
          isUp = true;
          shipper.rewind(); // resend what the last session did not acknowledge
          void record({ ev: 'uplink.up', actor: 'agent', subject: `uplink:${r.broker}`, outcome: 'ok' });
        } else if (isUp && (r.outcome === 'closed' || r.outcome === 'failed')) {
          isUp = false;
          void record({
            ev: 'uplink.down',
            actor: 'agent',
            subject: `uplink:${r.broker}`,
            outcome: r.reason === 'stopped' || r.reason === 'reconnect' ? 'info' : 'failed',
            reason: `${r.code ?? ''} ${r.reason}`.trim(),
          });
        }
      });
    },
    start: async (signal) => {
      loop = shipper.start(signal);
    },
    stop: async () => {
      await shipper.stop();
      await loop?.catch(() => undefined);
      await auditLog.close();
    },
  };
}
