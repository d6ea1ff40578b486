/**
 * The sensor data path, started and stopped as one: the journal, the credentials, the policy gate,
 * the local listeners, the telemetry sender and the cellular budget.
 *
 *   listeners ──▶ gate (auth, policy, journal) ──▶ journal ──▶ telemetry sender ──▶ hold ──▶ uplink (up/t)
 *   (the hold lets the audit backlog and pending alerts go first after a reconnect)
 *   uplink (down/cmd/<sensor>) ──▶ decideCommand ──▶ the listener the sensor is connected to
 *   uplink publishes ──▶ budget (bytes per lane per UTC day, persisted in <stateDir>/budget.json)
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type JsonObject, toJson } from '../../modem/errors.js';
import type { Logger } from '../../modem/log.js';
import type { AuditEvent } from '../audit/index.js';
import type { AgentConfig, SensorsConfig } from '../config/types.js';
import { decideCommand } from '../policy/decide.js';
import { type Authenticator, createAuthenticator, type Listener, startListener } from '../proxies/index.js';
import { type Journal, openJournal } from '../queue/index.js';
import { writeFileDurable } from '../store/durable-file.js';
import {
  type BudgetState,
  countBytes,
  emptyBudget,
  laneOfTopic,
  mayUseTelemetry,
  parseBudget,
  publishWireBytes,
  rollDay,
} from '../uplink/budget.js';
import { createTelemetrySender, type TelemetrySender } from '../uplink/telemetry-sender.js';
import type { UplinkClient } from '../uplink/uplink-types.js';
import { listenerSpec } from './listener-specs.js';
import { type AgentSensorGate, createSensorGate } from './sensor-gate.js';
import { type AheadOfTelemetry, type HoldOptions, TelemetryHold } from './telemetry-hold.js';

/** How often the budget is written to disk, ms (and at stop). */
export const BUDGET_SAVE_MS = 60_000;

export interface DataPathDeps {
  readonly config: AgentConfig;
  readonly uplink: UplinkClient;
  readonly log: Logger;
  readonly nowMs: () => number;
  readonly audit: (e: AuditEvent) => void;
  /** policy.denied aggregation window, ms. Default 60 000. */
  readonly denialWindowMs?: number;
  /**
   * What must reach the broker before telemetry (the audit backlog, pending alerts); telemetry is
   * held behind it (telemetry-hold.ts). Default: nothing, telemetry is never held.
   */
  readonly ahead?: () => AheadOfTelemetry;
  /** Overrides DEFAULT_HOLD. */
  readonly holdOptions?: Partial<HoldOptions>;
}

export class DataPath {
  private journal: Journal | null = null;
  private gate: AgentSensorGate | null = null;
  private sender: TelemetrySender | null = null;
  private hold: TelemetryHold | null = null;
  private readonly listeners: Listener[] = [];
  private budget: BudgetState;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | null = null;
  private lastSavedMs = 0;
  private commandsDelivered = 0;
  private commandsDropped = 0;
  private sensors: SensorsConfig;
  private auth: Authenticator;

  constructor(private readonly deps: DataPathDeps) {
    this.log = deps.log.child({ component: 'data-path' });
    this.budget = emptyBudget(deps.nowMs());
    this.sensors = deps.config.sensors;
    this.auth = createAuthenticator(deps.config.sensors.credentials);
  }

  /**
   * Takes a reloaded `sensors` section: new credentials apply from the next connect (the
   * authenticator's cache of past successes goes with the old table), new policies from the next
   * request. A sensor that was removed, or whose credential or policy changed, is disconnected, so
   * that it connects again under what it is now allowed (its subscriptions are checked anew).
   * Returns the sensors disconnected.
   */
  setSensors(sensors: SensorsConfig): string[] {
    const old = this.sensors;
    // Built first: a credential it cannot take throws here, before anything has changed.
    this.auth = createAuthenticator(sensors.credentials);
    this.sensors = sensors;
    this.gate?.setPolicy(sensors.policy);
    const dropped: string[] = [];
    for (const id of Object.keys(old.credentials)) {
      const isSame =
        sensors.credentials[id] === old.credentials[id] &&
        JSON.stringify(sensors.policy.sensors[id]) === JSON.stringify(old.policy.sensors[id]);
      if (isSame) continue;
      const why = Object.hasOwn(sensors.credentials, id) ? 'credential or policy changed' : 'sensor removed';
      let isClosed = false;
      for (const l of this.listeners) isClosed = l.disconnect(id, why) || isClosed;
      if (isClosed) dropped.push(id);
    }
    if (dropped.length > 0) this.log.info({ sensors: dropped }, 'sensors.disconnected');
    return dropped;
  }

  private get budgetFile(): string {
    return join(this.deps.config.paths.stateDir, 'budget.json');
  }

  async start(signal: AbortSignal): Promise<void> {
    const { config } = this.deps;
    this.budget = await readFile(this.budgetFile, 'utf8')
      .then((t) => parseBudget(JSON.parse(t), this.deps.nowMs()))
      .catch(() => emptyBudget(this.deps.nowMs()));
    const { journal, report } = await openJournal({
      dir: join(config.paths.stateDir, 'journal'),
      log: this.deps.log,
      nowMs: this.deps.nowMs,
      maxBytes: config.journal.maxBytes,
      maxAgeMs: config.journal.maxAgeS * 1000,
      segmentBytes: config.journal.segmentBytes,
      groupCommitMs: config.journal.groupCommitMs,
      commitAlignBytes: config.journal.commitAlignBytes,
    });
    this.journal = journal;
    this.log.info({ report: toJson(report) }, 'journal.open');
    const gateOpts = {
      policy: this.sensors.policy,
      verify: (id: string, secret: string) => this.auth.verify(id, secret),
      journal,
      nowMs: this.deps.nowMs,
      log: this.deps.log,
      audit: this.deps.audit,
    };
    const gate = createSensorGate(
      this.deps.denialWindowMs === undefined
        ? gateOpts
        : { ...gateOpts, denialWindowMs: this.deps.denialWindowMs },
    );
    this.gate = gate;
    for (const [i, l] of config.listeners.entries()) {
      this.listeners.push(await startListener(await listenerSpec(l, i), l.limits, gate, this.deps.log));
    }
    const uplink = this.deps.uplink;
    const hold = new TelemetryHold({
      ahead: this.deps.ahead ?? (() => ({ auditBacklogRecords: 0, pendingAlerts: 0 })),
      nowMs: this.deps.nowMs,
      ...(this.deps.holdOptions === undefined ? {} : { options: this.deps.holdOptions }),
    });
    this.hold = hold;
    this.sender = createTelemetrySender({
      deviceId: config.deviceId,
      journal,
      uplink: {
        publish: hold.gate(uplink.publish.bind(uplink)),
        status: () => uplink.status(),
        onStatus: (l) => uplink.onStatus(l),
      },
      config: config.telemetry,
      nowMs: this.deps.nowMs,
      log: this.deps.log,
      mayUse: (bytes) =>
        mayUseTelemetry(this.budget, config.telemetry.dailyCapBytes, bytes, this.deps.nowMs()),
    });
    this.sender.start(signal);
    await this.deps.uplink.subscribe(`ztgw/${config.deviceId}/down/cmd/+`, (topic, payload) =>
      this.onCommand(topic, payload),
    );
    const tickMs = Math.min(this.deps.denialWindowMs ?? 60_000, 5000);
    this.timer = setInterval(() => this.tick(), tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    // Listeners first: no new reading is accepted that could not be made durable.
    for (const l of this.listeners.splice(0)) await l.close().catch(() => undefined);
    await this.sender?.stop();
    this.hold?.stop();
    this.gate?.flushDenials(true);
    await this.journal?.close();
    await this.saveBudget();
  }

  /** Counts a publish the broker took against its lane's daily budget. */
  countPublish(topic: string, payloadBytes: number, qos: 0 | 1): void {
    const bytes = publishWireBytes(Buffer.byteLength(topic), payloadBytes, qos);
    this.budget = countBytes(this.budget, laneOfTopic(topic), bytes, this.deps.nowMs());
  }

  private tick(): void {
    this.gate?.flushDenials(false);
    if (this.deps.nowMs() - this.lastSavedMs >= BUDGET_SAVE_MS) void this.saveBudget();
  }

  private async saveBudget(): Promise<void> {
    this.lastSavedMs = this.deps.nowMs();
    await writeFileDurable(this.budgetFile, JSON.stringify(this.budget), 0o600).catch((err: unknown) =>
      this.log.warn({ err }, 'budget.save-failed'),
    );
  }

  private onCommand(topic: string, payload: Buffer): void {
    const sensorId = topic.slice(topic.lastIndexOf('/') + 1);
    const d = decideCommand(this.sensors.policy, { targetSensorId: sensorId, payload });
    if (!d.allow) {
      this.commandsDropped++;
      this.log.warn({ sensor: sensorId, rule: d.rule, reason: d.reason }, 'command.denied');
      this.deps.audit({
        ev: 'policy.denied',
        actor: 'broker',
        subject: `sensor:${sensorId.slice(0, 64)}`,
        outcome: 'denied',
        reason: `command ${d.rule}: ${d.reason}`,
        data: { count: 1 },
      });
      return;
    }
    const isDelivered = this.listeners.some((l) => l.deliver(sensorId, d.localTopic, payload));
    if (isDelivered) this.commandsDelivered++;
    else {
      this.commandsDropped++;
      this.log.info({ sensor: sensorId }, 'command.undelivered');
    }
  }

  /** The data path for `ztgw status`: per-sensor counters, journal depth, bundles and bytes sent. */
  status(): JsonObject {
    const sensors: JsonObject = {};
    for (const [id, c] of this.gate?.counters() ?? []) sensors[id] = toJson(c);
    const budget = rollDay(this.budget, this.deps.nowMs());
    return {
      listeners: this.listeners.map((l) => ({ address: l.address(), ...(toJson(l.stats()) as JsonObject) })),
      listenerEvents: { ...(this.gate?.listenerEvents() ?? {}) },
      sensors,
      // Per lane: depth, lastSeq, ackedThrough, evictions (the journal's own figures).
      journal: this.journal === null ? null : toJson(this.journal.stats()),
      telemetry: this.sender === null ? null : toJson(this.sender.status()),
      // Bundles waiting behind the audit backlog or pending alerts, and why (telemetry-hold.ts).
      telemetryHold: this.hold === null ? null : toJson(this.hold.status()),
      commands: { delivered: this.commandsDelivered, dropped: this.commandsDropped },
      budget: {
        day: budget.day,
        bytes: { ...budget.bytes },
        publishes: { ...budget.publishes },
        telemetryCapBytes: this.deps.config.telemetry.dailyCapBytes ?? null,
      },
    };
  }
}
