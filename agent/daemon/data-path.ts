/**
 * The sensor data path, started and stopped as one: the journal, the credentials, the policy gate,
 * the local listeners, the telemetry sender and the cellular budget.
 *
 *   listeners ──▶ gate (auth, policy, journal) ──▶ journal ──▶ telemetry sender ──▶ uplink (up/t)
 *   uplink (down/cmd/<sensor>) ──▶ decideCommand ──▶ the listener the sensor is connected to
 *   uplink publishes ──▶ budget (bytes per lane per UTC day, persisted in <stateDir>/budget.json)
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonObject, JsonValue } from '../../modem/errors.js';
import type { Logger } from '../../modem/log.js';
import type { AuditEvent } from '../audit/index.js';
import type { AgentConfig } from '../config/types.js';
import { decideCommand } from '../policy/decide.js';
import { createAuthenticator, type Listener, startListener } from '../proxies/index.js';
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
import { type AgentSensorGate, createSensorGate } from './sensor-gate.js';

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
}

export class DataPath {
  private journal: Journal | null = null;
  private gate: AgentSensorGate | null = null;
  private sender: TelemetrySender | null = null;
  private readonly listeners: Listener[] = [];
  private budget: BudgetState;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | null = null;
  private lastSavedMs = 0;
  private commandsDelivered = 0;
  private commandsDropped = 0;

  constructor(private readonly deps: DataPathDeps) {
    this.log = deps.log.child({ component: 'data-path' });
    this.budget = emptyBudget(deps.nowMs());
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
    });
    this.journal = journal;
    this.log.info({ report: json(report) }, 'journal.open');
    const auth = createAuthenticator(config.sensors.credentials);
    const gateOpts = {
      policy: config.sensors.policy,
      verify: (id: string, secret: string) => auth.verify(id, secret),
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
    for (const l of config.listeners) {
      this.listeners.push(await startListener(l, {}, gate, this.deps.log));
    }
    this.sender = createTelemetrySender({
      deviceId: config.deviceId,
      journal,
      uplink: this.deps.uplink,
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
    const d = decideCommand(this.deps.config.sensors.policy, { targetSensorId: sensorId, payload });
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
    for (const [id, c] of this.gate?.counters() ?? []) sensors[id] = json(c);
    const budget = rollDay(this.budget, this.deps.nowMs());
    return {
      listeners: this.listeners.map((l) => ({ address: l.address(), ...(json(l.stats()) as JsonObject) })),
      listenerEvents: { ...(this.gate?.listenerEvents() ?? {}) },
      sensors,
      // Per lane: depth, lastSeq, ackedThrough, evictions (the journal's own figures).
      journal: this.journal === null ? null : json(this.journal.stats()),
      telemetry: this.sender === null ? null : json(this.sender.status()),
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

/** A plain-data status object as JSON (records of numbers, strings, booleans and nulls). */
function json(v: object): JsonValue {
  return JSON.parse(JSON.stringify(v)) as JsonValue;
}
