/**
 * Security alerts waiting for the uplink. A SIM swap is found while the uplink is refused, so its
 * alert must wait for a legitimate identity to come back; the queue is a file (written durably) so a
 * restart in between does not lose it. Bounded: past `maxAlerts` the oldest go first, counted.
 */
import { readFile } from 'node:fs/promises';
import type { JsonObject } from '../../modem/errors.js';
import { writeFileDurable } from '../store/durable-file.js';

/** Alerts kept while waiting. Default 100. */
export const DEFAULT_MAX_PENDING_ALERTS = 100;

export interface PendingAlert {
  readonly id: string;
  readonly atMs: number;
  readonly body: JsonObject;
}

export class AlertQueue {
  private alerts: PendingAlert[] = [];
  /** Alerts dropped because the queue was full. */
  dropped = 0;

  constructor(
    private readonly path: string,
    private readonly maxAlerts = DEFAULT_MAX_PENDING_ALERTS,
  ) {}

  /** Loads what a previous run left; a damaged file is reported by the caller and started afresh. */
  async load(): Promise<void> {
    const text = await readFile(this.path, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return '[]';
      throw e;
    });
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error(`${this.path}: expected a JSON array`);
    this.alerts = parsed.filter(
      (a): a is PendingAlert =>
        typeof a === 'object' && a !== null && typeof (a as PendingAlert).id === 'string',
    );
  }

  get pending(): readonly PendingAlert[] {
    return this.alerts;
  }

  /** Adds an alert unless one with the same id is already waiting (one per incident, not per retry). */
  async add(alert: PendingAlert): Promise<boolean> {
    if (this.alerts.some((a) => a.id === alert.id)) return false;
    this.alerts.push(alert);
    while (this.alerts.length > this.maxAlerts) {
      this.alerts.shift();
      this.dropped++;
    }
    await this.save();
    return true;
  }

  async remove(id: string): Promise<void> {
    this.alerts = this.alerts.filter((a) => a.id !== id);
    await this.save();
  }

  private save(): Promise<void> {
    return writeFileDurable(this.path, JSON.stringify(this.alerts), 0o600);
  }
}
