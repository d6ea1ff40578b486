/**
 * A fake AuditUplink: each publish takes the next planned answer (PUBACK, failure, or never),
 * records what was sent, and anything unplanned is an error the test sees. `unmet()` lists the
 * plans never used.
 */
import type { AuditUplink } from '../../../agent/audit/shipper.js';

export type PublishPlan = 'puback' | 'fail' | 'hang';

export interface Sent {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly qos: number;
}

export class FakeAuditUplink implements AuditUplink {
  readonly sent: Sent[] = [];
  /** The publishes answered with a PUBACK. */
  readonly pubacked: Sent[] = [];
  readonly unplanned: Sent[] = [];
  private readonly plans: PublishPlan[] = [];
  private waiters: (() => void)[] = [];

  plan(...p: PublishPlan[]): this {
    this.plans.push(...p);
    return this;
  }

  unmet(): readonly PublishPlan[] {
    return [...this.plans];
  }

  async publish(topic: string, payload: Uint8Array, opts: { qos: 1 }): Promise<void> {
    const s = { topic, payload, qos: opts.qos };
    const p = this.plans.shift();
    if (p === undefined) {
      this.unplanned.push(s);
      this.wake();
      throw new Error(`unplanned publish #${this.sent.length + this.unplanned.length} on ${topic}`);
    }
    this.sent.push(s);
    this.wake();
    if (p === 'fail') throw new Error('connection lost before PUBACK');
    if (p === 'hang') return new Promise<void>(() => undefined);
    this.pubacked.push(s);
  }

  /** Resolves once `n` publishes were planned-and-sent, or rejects after `timeoutMs`. */
  waitForSent(n: number, timeoutMs = 5000): Promise<void> {
    return this.waitUntil(() => this.sent.length >= n, `${n} publishes`, timeoutMs);
  }

  /** Resolves once `isDone()` holds after a publish, or rejects after `timeoutMs`. */
  async waitUntil(isDone: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!isDone()) {
      if (this.unplanned.length > 0) throw new Error(`unplanned publish: ${this.unplanned[0]?.topic}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms (${this.sent.length} sent)`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
