/**
 * The daemon's composition root: the modem, the identity guard, the one uplink, the control socket
 * and the state document, started and stopped together.
 *
 *   Modem ──readModemInfo (every stateRefreshMs, and on registration URCs)──▶ state document
 *     └──▶ identity guard (before every uplink attempt: SIM/modem binding, clock) ──▶ uplink
 *   uplink connected ──▶ pending alerts (up/alert) ──▶ state (up/state, retained)
 *   control socket ──▶ `ztgw status`
 *   sensors ──▶ data path (listeners, policy, journal) ──▶ telemetry bundles (up/t)
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type JsonObject, type JsonValue, toJson } from '../../modem/errors.js';
import type { Logger } from '../../modem/log.js';
import type { ModemInfo } from '../../modem/service/info.js';
import { DEFAULT_MODEM_CONFIG, Modem } from '../../modem/service/modem.js';
import { readModemInfo } from '../../modem/service/read-info.js';
import type { AuditEvent } from '../audit/index.js';
import type { AgentConfig } from '../config/types.js';
import { ControlServer } from '../control/control-server.js';
import {
  certLifetime,
  checkKeyFiles,
  KEY_FILES,
  type LifetimeWarning,
  promoteNext,
} from '../identity/index.js';
import {
  checkExposure,
  createUplink,
  type ExposureReport,
  loadTlsMaterial,
  type UplinkClient,
} from '../uplink/index.js';
import type { AgentClock } from './agent-clock.js';
import { AlertQueue } from './alert-queue.js';
import { identityAuditEvent, rotationAuditEvent } from './audit-events.js';
import { type AuditTrail, openAuditTrail } from './audit-trail.js';
import {
  type ConfigReloadDeps,
  type ConfigReloader,
  createConfigReloader,
  type ReloadResult,
} from './config-reload.js';
import { controlHandlers } from './control-handlers.js';
import { DataPath } from './data-path.js';
import { createIdentityGuard, type IdentityGuard } from './identity-guard.js';
import { Rotation, type RotationOptions } from './rotation.js';
import { buildStateDoc } from './state-doc.js';

/** How often the modem is read for the state document, in ms. */
export const STATE_REFRESH_MS = 30_000;
/** Wait before trying to start a modem that failed to start, in ms. */
export const MODEM_RETRY_MS = 10_000;

export const AGENT_VERSION = '0.1.0';

const ROTATION_OFF =
  'certificate rotation is off: uplink.certFile and uplink.keyFile are not device.crt and device.key in identity.keysDir';

export interface AgentDeps {
  readonly config: AgentConfig;
  readonly log: Logger;
  readonly clock: AgentClock;
  /** Overrides STATE_REFRESH_MS (lab runs). */
  readonly stateRefreshMs?: number;
  readonly rotation?: RotationOptions;
  /** policy.denied aggregation window, ms (lab runs shorten it). Default 60 000. */
  readonly denialWindowMs?: number;
  /** Loads the config file again, as at start (for `ztgw config reload` and SIGHUP). Default: none. */
  readonly loadConfig?: ConfigReloadDeps['load'];
}

export class Agent {
  private modem: Modem | null = null;
  private modemInfo: ModemInfo | null = null;
  private modemError: string | null = 'not started';
  private exposure: ExposureReport | null = null;
  private readonly alerts: AlertQueue;
  private readonly guard: IdentityGuard;
  private readonly uplink: UplinkClient;
  private readonly control: ControlServer;
  private readonly startedAtMs: number;
  private readonly ac = new AbortController();
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly log: Logger;
  private readonly rotation: Rotation | null;
  private isTrial = false;
  private lastWarning: LifetimeWarning | null = null;
  private audit: AuditTrail | null = null;
  private readonly dataPath: DataPath;
  /** The config running now: the one started with, then each accepted reload. */
  private config: AgentConfig;
  private readonly reloader: ConfigReloader | null;

  constructor(private readonly deps: AgentDeps) {
    const { config } = deps;
    this.config = config;
    this.log = deps.log.child({ component: 'agent' });
    this.startedAtMs = deps.clock.nowMs();
    this.alerts = new AlertQueue(join(config.paths.stateDir, 'alerts.json'));
    this.guard = createIdentityGuard({
      certFile: config.uplink.certFile,
      identity: config.identity,
      clockConfig: config.clock,
      clock: deps.clock,
      modem: () => this.modem,
      alerts: this.alerts,
      log: deps.log,
      onEvent: (name, data) => void this.audit?.record(identityAuditEvent(name, data)),
    });
    const keys = config.identity.keysDir;
    const next = { certFile: join(keys, KEY_FILES.nextCert), keyFile: join(keys, KEY_FILES.nextKey) };
    this.uplink = createUplink({
      deviceId: config.deviceId,
      config: config.uplink,
      log: deps.log,
      beforeConnect: (ctx) => this.guard.beforeConnect(ctx),
      nowMs: () => deps.clock.nowMs(),
      // During a rotation trial the session tries the new pair; otherwise the configured one.
      loadMaterial: (cfg) => loadTlsMaterial(this.isTrial ? { ...cfg, ...next } : cfg),
      onPublished: (topic, bytes, qos) => this.dataPath.countPublish(topic, bytes, qos),
    });
    const dataPathDeps = {
      config,
      uplink: this.uplink,
      log: deps.log,
      nowMs: () => deps.clock.nowMs(),
      audit: (e: AuditEvent) => void this.audit?.record(e),
      // Alerts and audit go before telemetry: the backlog telemetry is held behind.
      ahead: () => ({
        auditBacklogRecords:
          this.audit === null ? 0 : this.audit.log.head().seq - this.audit.log.acknowledgedSeq(),
        pendingAlerts: this.alerts.pending.length,
      }),
    };
    this.dataPath = new DataPath(
      deps.denialWindowMs === undefined
        ? dataPathDeps
        : { ...dataPathDeps, denialWindowMs: deps.denialWindowMs },
    );
    // Rotation replaces device.key/device.crt in the keys dir: only possible when the uplink uses them.
    const usesKeysDir =
      config.uplink.certFile === join(keys, KEY_FILES.deviceCert) &&
      config.uplink.keyFile === join(keys, KEY_FILES.deviceKey);
    this.rotation = usesKeysDir
      ? new Rotation({
          deviceId: config.deviceId,
          keysDir: keys,
          uplink: this.uplink,
          clock: deps.clock,
          log: deps.log,
          bound: () => this.guard.state().bound,
          setTrial: (isTrial) => {
            this.isTrial = isTrial;
          },
          onEvent: (name, data) => void this.audit?.record(rotationAuditEvent(name, data)),
          ...deps.rotation,
        })
      : null;
    const load = deps.loadConfig;
    this.reloader =
      load === undefined
        ? null
        : createConfigReloader({
            load,
            running: () => this.config,
            apply: async (next) => {
              const disconnected = this.dataPath.setSensors(next.sensors);
              this.config = next;
              return disconnected;
            },
            audit: (e) => this.record(e),
            log: deps.log,
          });
    this.control = new ControlServer({
      path: config.paths.controlSocket,
      log: deps.log.child({ component: 'control' }),
      handlers: controlHandlers({
        status: () => this.status(),
        refresh: () => this.refresh(),
        rotate: async () => {
          if (this.rotation === null) throw new Error(ROTATION_OFF);
          return this.rotation.rotate('operator');
        },
        reload: (actor) => this.reload(actor),
        audit: (e) => this.record(e),
      }),
    });
  }

  /** Appends to the audit trail once it is open (events before that have nothing to go to). */
  private async record(e: AuditEvent): Promise<void> {
    await this.audit?.record(e);
  }

  /** Re-reads the config file and applies what can be applied live (see config-reload.ts). */
  async reload(actor: string): Promise<ReloadResult> {
    if (this.reloader === null) throw new Error('config reload needs an agent started from a config file');
    return this.reloader.reload(actor);
  }

  /** Starts everything; rejects (before any connection) when the key files are unsafe. */
  async start(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.ac.abort(signal.reason), { once: true });
    const keys = await checkKeyFiles(this.deps.config.identity.keysDir);
    // A rotation cut by a crash after its first rename: finish it (next.crt is next.key's, checked).
    if (keys.hasNextCert && !keys.hasNextKey) await promoteNext(this.deps.config.identity.keysDir);
    await mkdir(this.deps.config.paths.stateDir, { recursive: true, mode: 0o700 });
    this.audit = await openAuditTrail({
      stateDir: this.deps.config.paths.stateDir,
      keysDir: this.deps.config.identity.keysDir,
      deviceId: this.deps.config.deviceId,
      uplink: this.uplink,
      clock: this.deps.clock,
      log: this.deps.log,
    });
    this.audit.watchUplink(this.uplink);
    await this.audit.start(this.ac.signal);
    await this.alerts.load().catch((err: unknown) => this.log.error({ err }, 'alerts.unreadable'));
    await this.control.start(this.ac.signal);
    await this.startModem();
    await this.dataPath.start(this.ac.signal);
    this.uplink.onStatus((s) => {
      if (s.state === 'connected') void this.onConnected();
    });
    await this.refresh();
    await this.uplink.start(this.ac.signal);
    await this.rotation?.start();
    if (this.rotation === null) this.log.warn({ reason: ROTATION_OFF }, 'cert.rotation-off');
    this.loop = this.refreshLoop();
    this.log.info({ deviceId: this.deps.config.deviceId, version: AGENT_VERSION }, 'agent.start');
    await this.audit.record({
      ev: 'agent.start',
      actor: 'agent',
      subject: 'agent',
      outcome: 'ok',
      data: { version: AGENT_VERSION },
    });
  }

  async stop(): Promise<void> {
    await this.audit?.record({
      ev: 'agent.stop',
      actor: 'agent',
      subject: 'agent',
      outcome: 'ok',
      reason: 'stop requested',
    });
    await this.dataPath.stop().catch((err: unknown) => this.log.error({ err }, 'data-path.stop-failed'));
    this.ac.abort();
    this.wake?.();
    await this.uplink.stop();
    await this.loop?.catch(() => undefined);
    await this.modem?.stop().catch(() => undefined);
    await this.control.stop();
    await this.audit?.stop();
    this.log.info({}, 'agent.stop');
  }

  /** The state document plus what only the local operator sees (attempt records). */
  status(): JsonValue {
    return {
      ...this.stateDoc(),
      rotation:
        this.rotation === null ? { phase: 'off', reason: ROTATION_OFF } : toJson(this.rotation.state()),
      attempts: toJson(this.uplink.attempts().slice(-10)),
      dataPath: this.dataPath.status(),
    };
  }

  private stateDoc(): JsonObject {
    return buildStateDoc({
      deviceId: this.deps.config.deviceId,
      version: AGENT_VERSION,
      startedAtMs: this.startedAtMs,
      nowMs: this.deps.clock.nowMs(),
      modem: this.modemInfo,
      modemError: this.modemError,
      identity: this.guard.state(),
      uplink: this.uplink.status(),
      exposure: this.exposure,
    });
  }

  private async startModem(): Promise<void> {
    const m = this.deps.config.modem;
    const modem = new Modem(
      {
        ...DEFAULT_MODEM_CONFIG,
        path: m.port,
        baudRate: m.baudRate,
        simPin: m.simPin ?? null,
        powerCycleCommand: m.powerCycleCommand ?? null,
        recovery: { ...DEFAULT_MODEM_CONFIG.recovery, hasPowerCycle: m.powerCycleCommand !== undefined },
      },
      { log: this.deps.log, nowMs: () => this.deps.clock.nowMs() },
    );
    try {
      await modem.start(this.ac.signal);
      modem.onUrc((line) => {
        if (/^\+C(5G|G|E)?REG:/i.test(line)) this.wake?.();
      });
      this.modem = modem;
      this.modemError = null;
    } catch (err) {
      this.modemError = err instanceof Error ? err.message : String(err);
      this.log.error({ err }, 'modem.unavailable');
    }
  }

  private async refresh(): Promise<void> {
    if (this.modem === null) await this.startModem();
    if (this.modem) {
      try {
        this.modemInfo = await readModemInfo(this.modem);
        this.modemError = null;
      } catch (err) {
        this.modemError = err instanceof Error ? err.message : String(err);
        this.log.warn({ err }, 'modem.read-failed');
      }
    }
    const { wanInterfaces, lanInterfaces } = this.deps.config.exposure;
    this.exposure = await checkExposure({ scope: 'self', wanInterfaces, lanInterfaces }).catch(() => null);
    if (this.exposure?.isExposed) this.log.error({ listeners: this.exposure.listeners }, 'exposure.exposed');
    await this.uplink.publishState(this.stateDoc());
    this.checkLifetime();
  }

  /** Warns as the certificate nears expiry (30/7/1 days) and starts a rotation at 2/3 of its life. */
  private checkLifetime(): void {
    const cert = this.guard.state().certificate;
    if (cert === null) return;
    const nowMs = this.deps.clock.nowMs();
    const life = certLifetime(cert.notBeforeMs, cert.notAfterMs, nowMs);
    if (life.warning !== this.lastWarning) {
      this.lastWarning = life.warning;
      if (life.warning !== null) {
        this.log.warn(
          { warning: life.warning, notAfter: new Date(cert.notAfterMs).toISOString() },
          'cert.expiring',
        );
        void this.audit?.record({
          ev: 'cert.expiring',
          actor: 'agent',
          subject: `cert:${cert.fingerprint}`,
          outcome: 'info',
          reason: `${life.warning}: ${Math.floor(life.remainingMs / 86_400_000)} days left`,
        });
      }
    }
    const r = this.rotation;
    if (r && life.isRotationDue && r.mayRetry(nowMs) && this.uplink.status().state === 'connected') {
      void r.rotate('lifetime');
    }
  }

  private async refreshLoop(): Promise<void> {
    const everyMs = this.deps.stateRefreshMs ?? STATE_REFRESH_MS;
    while (!this.ac.signal.aborted) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, this.modem === null ? Math.min(everyMs, MODEM_RETRY_MS) : everyMs);
        const signal = this.ac.signal;
        function done(): void {
          clearTimeout(t);
          signal.removeEventListener('abort', done);
          resolve();
        }
        this.wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
      this.wake = null;
      if (this.ac.signal.aborted) break;
      await this.refresh().catch((err: unknown) => this.log.error({ err }, 'agent.refresh-failed'));
    }
  }

  /** Sends the alerts that waited for a legitimate identity, then the fresh state. */
  private async onConnected(): Promise<void> {
    for (const a of this.alerts.pending) {
      try {
        await this.uplink.publish(`ztgw/${this.deps.config.deviceId}/up/alert`, JSON.stringify(a.body), {
          qos: 1,
        });
        await this.alerts.remove(a.id);
        this.log.info({ alert: a.id }, 'alert.delivered');
      } catch (err) {
        this.log.warn({ err, alert: a.id }, 'alert.deferred');
        return;
      }
    }
    await this.uplink.publishState(this.stateDoc());
  }
}

/** Waits until `signal` aborts. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return signal.aborted
    ? Promise.resolve()
    : new Promise((r) => signal.addEventListener('abort', () => r(), { once: true }));
}
