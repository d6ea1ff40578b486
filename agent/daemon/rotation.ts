/**
 * Certificate rotation as a transaction. A new key is made on the device, its CSR goes up over the
 * MQTT session, the signed certificate comes back, and the new pair must connect before the old one
 * is discarded. If it does not connect, the old pair stays and the session goes back to it.
 *
 *   stageNextKey ─▶ CSR ─▶ up/csr ─▶ down/cert ─▶ checks (CN, SIM/modem binding, key, dates)
 *     ─▶ next.crt ─▶ trial: reconnect with next.* ─┬─ connected ─▶ promoteNext (device.* := next.*)
 *                                                  └─ failed / timeout ─▶ back to device.*, reconnect
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../modem/log.js';
import {
  certMatchesKey,
  createCsr,
  promoteNext,
  readCertInfo,
  stageNextKey,
  writeCertificate,
} from '../identity/index.js';
import {
  CERT_TOPIC_SUFFIX,
  type CertResponse,
  CSR_TOPIC_SUFFIX,
  parseCertResponse,
  type RotationReason,
} from '../identity/rotation-messages.js';
import type { AttemptRecord, UplinkClient } from '../uplink/index.js';
import type { AgentClock } from './agent-clock.js';

export interface RotationOptions {
  /** How long to wait for the signed certificate, in ms. Default 600000 (10 min). */
  readonly responseTimeoutMs?: number;
  /** How long the new pair has to connect, in ms. Default 60000. */
  readonly trialTimeoutMs?: number;
  /** After a failed rotation, wait this long before a lifetime-driven retry, in ms. Default 3600000. */
  readonly retryAfterMs?: number;
}

export interface RotationDeps extends RotationOptions {
  readonly deviceId: string;
  readonly keysDir: string;
  readonly uplink: UplinkClient;
  readonly clock: AgentClock;
  readonly log: Logger;
  /** The ICCID and IMEI the current certificate binds (copied into the new CSR). */
  readonly bound: () => { readonly iccid: string | null; readonly imei: string | null } | null;
  /** Switches the uplink's TLS material to next.* (true) or back to device.* (false). */
  readonly setTrial: (isTrial: boolean) => void;
  readonly onEvent?: (
    name: 'cert.rotated' | 'cert.rotation-failed',
    data: Record<string, string | number | null>,
  ) => void;
}

export type RotationPhase = 'idle' | 'requested' | 'trial';

export interface RotationState {
  readonly phase: RotationPhase;
  readonly lastOutcome: 'rotated' | 'failed' | null;
  readonly lastReason: string | null;
  readonly lastAtMs: number | null;
}

export class Rotation {
  private phase: RotationPhase = 'idle';
  private last: Omit<RotationState, 'phase'> = { lastOutcome: null, lastReason: null, lastAtMs: null };
  private waiting: { requestId: string; resolve: (payload: Buffer) => void } | null = null;
  private readonly log: Logger;

  constructor(private readonly deps: RotationDeps) {
    this.log = deps.log.child({ component: 'rotation' });
  }

  state(): RotationState {
    return { phase: this.phase, ...this.last };
  }

  /** Subscribes to the answers; call once the uplink has started. */
  async start(): Promise<void> {
    await this.deps.uplink.subscribe(`ztgw/${this.deps.deviceId}/${CERT_TOPIC_SUFFIX}`, (_topic, payload) => {
      const w = this.waiting;
      if (w) w.resolve(payload);
    });
  }

  /** Whether a lifetime-driven rotation may start now (not busy, not right after a failure). */
  mayRetry(nowMs: number): boolean {
    if (this.phase !== 'idle') return false;
    if (this.last.lastOutcome !== 'failed' || this.last.lastAtMs === null) return true;
    return nowMs - this.last.lastAtMs >= (this.deps.retryAfterMs ?? 3_600_000);
  }

  /** Runs one rotation; resolves with what happened (never rejects). */
  async rotate(reason: RotationReason): Promise<RotationState> {
    if (this.phase !== 'idle') return this.state();
    try {
      await this.run(reason);
    } catch (err) {
      this.fail(err instanceof Error ? err.message : String(err));
    } finally {
      this.phase = 'idle';
      this.waiting = null;
    }
    return this.state();
  }

  private async run(reason: RotationReason): Promise<void> {
    const { deps } = this;
    const bound = deps.bound();
    if (bound === null)
      throw new Error('the current certificate could not be read: nothing to bind the new one to');
    this.phase = 'requested';
    const nextKey = await stageNextKey(deps.keysDir);
    const csr = createCsr({ deviceId: deps.deviceId, iccid: bound.iccid, imei: bound.imei }, nextKey);
    const requestId = randomUUID();
    const answer = this.awaitAnswer(requestId);
    await deps.uplink.publish(
      `ztgw/${deps.deviceId}/${CSR_TOPIC_SUFFIX}`,
      JSON.stringify({ v: 1, requestId, csr, reason }),
      { qos: 1 },
    );
    this.log.info({ requestId, reason }, 'cert.rotation-requested');
    const resp = await answer;
    if ('error' in resp) throw new Error(`the operator refused the CSR: ${resp.error}`);
    const info = readCertInfo(resp.cert);
    if (!info.ok) throw new Error(`the new certificate does not parse: ${info.reason}`);
    const c = info.value;
    const nowMs = deps.clock.nowMs();
    if (c.deviceId !== deps.deviceId)
      throw new Error(`the new certificate is for ${c.deviceId ?? '(no CN)'}, not ${deps.deviceId}`);
    if (c.iccid !== bound.iccid || c.imei !== bound.imei)
      throw new Error('the new certificate does not bind the same SIM and modem');
    if (!certMatchesKey(resp.cert, nextKey))
      throw new Error('the new certificate is not for the key this device made');
    if (c.notAfterMs <= nowMs)
      throw new Error(`the new certificate expired at ${new Date(c.notAfterMs).toISOString()}`);
    await writeCertificate(deps.keysDir, 'next.crt', resp.cert);
    this.phase = 'trial';
    const trial = this.awaitNextAttempt();
    deps.setTrial(true);
    await deps.uplink.reconnect('certificate rotation: trying the new pair');
    const attempt = await trial;
    if (attempt.outcome !== 'connected') {
      deps.setTrial(false);
      await deps.uplink.reconnect('certificate rotation failed: back to the old pair');
      throw new Error(
        `the new pair did not connect (${attempt.reason}${attempt.message ? `: ${attempt.message}` : ''}); the old pair stays`,
      );
    }
    await promoteNext(deps.keysDir);
    deps.setTrial(false); // device.* is the new pair now; the live session already uses it
    this.last = {
      lastOutcome: 'rotated',
      lastReason: `rotated (${reason}); new certificate valid until ${new Date(c.notAfterMs).toISOString()}`,
      lastAtMs: nowMs,
    };
    this.log.info({ requestId, notAfter: new Date(c.notAfterMs).toISOString() }, 'cert.rotated');
    deps.onEvent?.('cert.rotated', { reason, notAfterMs: c.notAfterMs, fingerprint: c.fingerprintSha256 });
  }

  private fail(why: string): void {
    this.last = { lastOutcome: 'failed', lastReason: why, lastAtMs: this.deps.clock.nowMs() };
    this.log.error({ reason: why }, 'cert.rotation-failed');
    this.deps.onEvent?.('cert.rotation-failed', { reason: why });
  }

  private awaitAnswer(requestId: string): Promise<CertResponse> {
    const timeoutMs = this.deps.responseTimeoutMs ?? 600_000;
    return new Promise<CertResponse>((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiting = null;
        reject(new Error(`no certificate came back within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = {
        requestId,
        resolve: (payload) => {
          const r = parseCertResponse(payload);
          if (!r.ok) {
            this.log.warn({ reason: r.reason }, 'cert.bad-answer');
            return;
          }
          if (r.value.requestId !== requestId) return; // an answer to an older request
          clearTimeout(t);
          this.waiting = null;
          resolve(r.value);
        },
      };
    });
  }

  /** The first attempt record after now: the trial's outcome. */
  private awaitNextAttempt(): Promise<AttemptRecord> {
    const timeoutMs = this.deps.trialTimeoutMs ?? 60_000;
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        off();
        resolve({
          atMs: this.deps.clock.nowMs(),
          broker: '',
          outcome: 'failed',
          reason: 'trial-timeout',
          delayBeforeMs: 0,
          capMs: 0,
          durationMs: timeoutMs,
        });
      }, timeoutMs);
      const off = this.deps.uplink.onAttempt((r) => {
        if (r.outcome === 'closed') return;
        clearTimeout(t);
        off();
        resolve(r);
      });
    });
  }
}
