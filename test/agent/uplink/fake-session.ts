/**
 * A fake of our MqttSession interface for unit tests of the uplink client. Attempts are planned up
 * front (`plan`); an attempt beyond the plan is recorded as unplanned and fails. The factory checks
 * that no session is opened while another one is still open (the one-socket rule).
 */

import type { UplinkFailure } from '../../../agent/uplink/classify-error.js';
import type {
  MqttSession,
  OpenSession,
  PublishOptions,
  SessionParams,
} from '../../../agent/uplink/mqtt-session.js';
import { ZtgwError } from '../../../modem/errors.js';

export interface Published {
  readonly topic: string;
  readonly payload: string;
  readonly qos: 0 | 1;
  readonly retain: boolean;
}

export class FakeSession implements MqttSession {
  readonly localPort = 50_000;
  readonly published: Published[] = [];
  readonly subscribed: { filter: string; qos: 0 | 1 }[][] = [];
  readonly unsubscribed: string[][] = [];
  /** SUBACK codes to answer, per filter; default the asked QoS. */
  readonly grants = new Map<string, number>();
  /** When set, the next subscribe rejects with it (a session dropping before its SUBACK). */
  failNextSubscribe: Error | null = null;
  closedWith: boolean | null = null;
  isOpen = true;
  private listener: ((topic: string, payload: Buffer) => void) | null = null;
  private readonly watchers = new Set<() => void>();
  private resolveEnded: (f: UplinkFailure | null) => void = () => undefined;
  readonly ended = new Promise<UplinkFailure | null>((r) => {
    this.resolveEnded = r;
  });

  constructor(readonly params: SessionParams) {}

  async publish(topic: string, payload: string | Uint8Array, opts: PublishOptions): Promise<void> {
    if (!this.isOpen) throw new ZtgwError('UPLINK_CLOSED', 'closed', { reason: 'not-connected' });
    this.published.push({
      topic,
      payload: Buffer.from(payload).toString('utf8'),
      qos: opts.qos,
      retain: opts.retain,
    });
    this.changed();
  }

  /** Resolves when `done()` holds, checked after every publish and subscribe; rejects after `deadlineMs`. */
  until(what: string, done: () => boolean, deadlineMs = 2000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.watchers.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.watchers.delete(check);
        reject(new Error(`not within ${deadlineMs} ms: ${what}`));
      }, deadlineMs);
      this.watchers.add(check);
      check();
    });
  }

  private changed(): void {
    for (const w of [...this.watchers]) w();
  }

  async subscribe(filters: readonly { filter: string; qos: 0 | 1 }[]): Promise<readonly number[]> {
    this.subscribed.push([...filters]);
    this.changed();
    const err = this.failNextSubscribe;
    this.failNextSubscribe = null;
    if (err !== null) throw err;
    return filters.map((f) => this.grants.get(f.filter) ?? f.qos);
  }

  async unsubscribe(filters: readonly string[]): Promise<void> {
    this.unsubscribed.push([...filters]);
  }

  onMessage(listener: (topic: string, payload: Buffer) => void): void {
    this.listener = listener;
  }

  /** Delivers a message as the broker would. */
  deliver(topic: string, payload: string): void {
    this.listener?.(topic, Buffer.from(payload));
  }

  /** Ends the session from the broker's side. */
  drop(failure: UplinkFailure): void {
    this.isOpen = false;
    this.resolveEnded(failure);
  }

  async close(graceful: boolean): Promise<void> {
    if (this.closedWith === null) this.closedWith = graceful;
    this.isOpen = false;
    this.resolveEnded(null);
  }
}

export type PlannedAttempt = { readonly kind: 'ok' } | { readonly kind: 'fail'; readonly error: Error };

export class FakeSessionFactory {
  readonly params: SessionParams[] = [];
  readonly sessions: FakeSession[] = [];
  unplanned = 0;
  maxOpenAtOnce = 0;
  private readonly planned: PlannedAttempt[] = [];
  private readonly waiters: Array<() => void> = [];

  plan(...attempts: PlannedAttempt[]): this {
    this.planned.push(...attempts);
    return this;
  }

  get remaining(): number {
    return this.planned.length;
  }

  readonly open: OpenSession = async (params) => {
    this.params.push(params);
    const openNow = this.sessions.filter((s) => s.isOpen).length + 1;
    this.maxOpenAtOnce = Math.max(this.maxOpenAtOnce, openNow);
    const next = this.planned.shift();
    for (const w of this.waiters.splice(0)) w();
    if (next === undefined) {
      this.unplanned++;
      throw new Error(`unplanned attempt ${this.params.length} to ${params.broker}`);
    }
    if (next.kind === 'fail') throw next.error;
    const s = new FakeSession(params);
    this.sessions.push(s);
    return s;
  };

  /** The last session opened. */
  get last(): FakeSession {
    const s = this.sessions[this.sessions.length - 1];
    if (s === undefined) throw new Error('no session opened yet');
    return s;
  }
}

/** A classified failure the way the real session reports one. */
export function failure(code: UplinkFailure['code'], reason: string): UplinkFailure {
  return { code, reason, message: reason, phase: 'session' };
}

/** An attempt error the way the real session rejects. */
export function attemptError(code: UplinkFailure['code'], reason: string): ZtgwError {
  return new ZtgwError(code, `broker: ${reason}`, { reason });
}
