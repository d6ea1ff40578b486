/**
 * The uplink's observable side: its state and since when, the last error, the counters, the bounded
 * ring of attempt records, and the listeners told of each change. A listener that throws is logged
 * and does not stop the others.
 */
import { isZtgwError } from '../../modem/errors.js';
import type { Logger } from '../../modem/log.js';
import type { AttemptRecord, UplinkErrorInfo, UplinkState, UplinkStatus } from './uplink-types.js';

/** What `lastError` and the attempt records say about a caught error. */
export function errorInfo(err: unknown, atMs: number): UplinkErrorInfo {
  if (isZtgwError(err)) {
    const reason = err.details['reason'];
    return {
      code: err.code,
      reason: typeof reason === 'string' ? reason : 'error',
      message: err.message,
      atMs,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'UPLINK_CONNECT', reason: 'internal', message, atMs };
}

export class UplinkRecorder {
  state: UplinkState = 'stopped';
  broker: string | null = null;
  lastError: UplinkErrorInfo | null = null;
  attempts = 0;
  failures = 0;
  private since: number;
  private readonly history: AttemptRecord[] = [];
  private readonly attemptListeners = new Set<(r: AttemptRecord) => void>();
  private readonly statusListeners = new Set<(s: UplinkStatus) => void>();

  constructor(
    private readonly now: () => number,
    /** Records kept in the ring. */
    private readonly historySize: number,
    private readonly log: Logger,
  ) {
    this.since = now();
  }

  status(): UplinkStatus {
    return {
      state: this.state,
      broker: this.broker,
      since: this.since,
      lastError: this.lastError,
      attempts: this.attempts,
      consecutiveFailures: this.failures,
    };
  }

  setState(next: UplinkState): void {
    if (next === this.state) return;
    this.state = next;
    this.since = this.now();
    this.notify(this.statusListeners, this.status());
  }

  record(r: AttemptRecord): void {
    this.history.push(r);
    if (this.history.length > this.historySize) this.history.shift();
    this.notify(this.attemptListeners, r);
  }

  records(): readonly AttemptRecord[] {
    return [...this.history];
  }

  onAttempt(listener: (r: AttemptRecord) => void): () => void {
    this.attemptListeners.add(listener);
    return () => this.attemptListeners.delete(listener);
  }

  onStatus(listener: (s: UplinkStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private notify<T>(listeners: Set<(v: T) => void>, v: T): void {
    for (const l of [...listeners]) {
      try {
        l(v);
      } catch (err) {
        this.log.error({ err }, 'uplink.listener_failed');
      }
    }
  }
}
