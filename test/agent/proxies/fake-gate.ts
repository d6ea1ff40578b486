/**
 * An in-memory SensorGate for the listener tests: fixed secrets, a publish answer chosen per test
 * (at once, or held until the test resolves it), every call and event recorded, and `until()` to
 * wait for a condition with a deadline, woken by each call instead of polling.
 */
import type { IngestResult, ListenerEvent, SensorGate, Via } from '../../../agent/proxies/index.js';

export interface Published {
  readonly sensorId: string;
  readonly topic: string;
  readonly payload: Buffer;
  readonly via: Via;
}

interface Held {
  readonly publish: Published;
  readonly resolve: (r: IngestResult) => void;
}

export type Answer = (p: Published) => IngestResult | 'hold';

export class FakeGate implements SensorGate {
  readonly events: ListenerEvent[] = [];
  readonly publishes: Published[] = [];
  readonly held: Held[] = [];
  readonly subscribes: Array<{ sensorId: string; filter: string }> = [];
  answer: Answer = () => ({ ok: true });
  subscribeAnswer: (sensorId: string, filter: string) => IngestResult = () => ({ ok: true });
  /** Most publishes held at once. */
  maxHeld = 0;
  private readonly waiters = new Waiters();

  constructor(
    private readonly secrets: Readonly<Record<string, string>> = { s1: 'secret-1', s2: 'secret-2' },
  ) {}

  async authenticate(
    sensorId: string,
    secret: string,
  ): Promise<{ ok: true } | { ok: false; reason: string }> {
    this.changed();
    return Object.hasOwn(this.secrets, sensorId) && this.secrets[sensorId] === secret
      ? { ok: true }
      : { ok: false, reason: 'bad credentials' };
  }

  publish(sensorId: string, topic: string, payload: Uint8Array, via: Via): Promise<IngestResult> {
    const p: Published = { sensorId, topic, payload: Buffer.from(payload), via };
    this.publishes.push(p);
    const a = this.answer(p);
    this.changed();
    if (a !== 'hold') return Promise.resolve(a);
    return new Promise<IngestResult>((resolve) => {
      this.held.push({ publish: p, resolve });
      this.maxHeld = Math.max(this.maxHeld, this.held.length);
      this.changed();
    });
  }

  subscribe(sensorId: string, filter: string): IngestResult {
    this.subscribes.push({ sensorId, filter });
    this.changed();
    return this.subscribeAnswer(sensorId, filter);
  }

  event(e: ListenerEvent): void {
    this.events.push(e);
    this.changed();
  }

  /** Resolves the oldest held publish. */
  release(r: IngestResult = { ok: true }): void {
    const h = this.held.shift();
    if (h === undefined) throw new Error('no held publish to release');
    h.resolve(r);
  }

  /** Answers every held publish now and every later one at once. */
  releaseAll(r: IngestResult = { ok: true }): void {
    this.answer = () => r;
    while (this.held.length > 0) this.release(r);
  }

  eventsOf<K extends ListenerEvent['kind']>(kind: K): Array<Extract<ListenerEvent, { kind: K }>> {
    return this.events.filter((e): e is Extract<ListenerEvent, { kind: K }> => e.kind === kind);
  }

  /** Waits until `cond()` holds, re-checked on every gate call; rejects after `timeoutMs`. */
  until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    return this.waiters.until(cond, what, timeoutMs);
  }

  private changed(): void {
    this.waiters.wake();
  }
}

/** Conditions waited on with a deadline, re-checked each time `wake()` is called instead of polled. */
export class Waiters {
  private readonly pending = new Set<() => void>();

  /** Resolves once `cond()` holds; rejects after `timeoutMs`. */
  until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!cond()) return;
        clearTimeout(timer);
        this.pending.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.pending.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.pending.add(check);
    });
  }

  wake(): void {
    for (const w of [...this.pending]) w();
  }
}

/** Rejects with `what` if `p` does not settle within `timeoutMs`. */
export function deadline<T>(p: Promise<T>, what: string, timeoutMs = 5000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${what}`)), timeoutMs);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** `host:port` of a TCP listener address. */
export function portOf(address: string): number {
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  if (!Number.isInteger(port) || port <= 0) throw new Error(`no port in ${address}`);
  return port;
}
