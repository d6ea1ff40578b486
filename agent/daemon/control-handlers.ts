/**
 * What the control socket answers (`ztgw status`, `cert rotate`, `config reload`), and the audit
 * record of each local admin action it carries out. Read-only requests are not audited.
 */
import { type JsonValue, toJson } from '../../modem/errors.js';
import type { AuditEvent } from '../audit/index.js';
import type { ControlHandler } from '../control/control-server.js';
import type { ReloadResult } from './config-reload.js';
import type { RotationState } from './rotation.js';

/** Who the control socket's requests are attributed to (the socket is 0600: the agent's user). */
export const CONTROL_ACTOR = 'cli:control-socket';

export interface ControlActions {
  status(): JsonValue;
  refresh(): Promise<void>;
  rotate(): Promise<RotationState>;
  reload(actor: string): Promise<ReloadResult>;
  audit(e: AuditEvent): Promise<void>;
}

export function controlHandlers(a: ControlActions): ReadonlyMap<string, ControlHandler> {
  return new Map<string, ControlHandler>([
    ['status', () => a.status()],
    [
      'refresh',
      async () => {
        await a.refresh();
        return a.status();
      },
    ],
    [
      'rotate',
      async () => {
        const r = await a.rotate();
        await a.audit({
          ev: 'admin.action',
          actor: CONTROL_ACTOR,
          subject: 'command',
          outcome: r.lastOutcome === 'rotated' ? 'ok' : 'failed',
          reason: 'cert rotate',
        });
        return toJson(r);
      },
    ],
    // The reload records config.accepted / config.rejected itself, with this actor.
    ['reload', async () => toJson(await a.reload(CONTROL_ACTOR))],
  ]);
}
