/**
 * The filters one connected sensor subscribed to (for commands down to it), and the SUBACK /
 * UNSUBACK codes for a request. No I/O: the gate's decision is passed in.
 */
import { matchesFilter } from '../policy/index.js';
import { RC, V4_SUBACK_FAILURE } from './mqtt-codes.js';
import type { IngestResult } from './types.js';

export class SubscriptionSet {
  private readonly filters = new Set<string>();

  add(filter: string): void {
    this.filters.add(filter);
  }

  /** Whether a command on `topic` reaches this sensor. */
  matches(topic: string): boolean {
    for (const f of this.filters) if (matchesFilter(f, topic)) return true;
    return false;
  }

  /**
   * SUBACK codes for `filters`: granted at QoS 0 (commands go down at most once), or refused
   * (3.1.1 0x80; 5: 0x87, or 0x9E for a shared subscription, which a sensor has no use for).
   * `decide` is not asked about shared subscriptions.
   */
  subscribe(
    version: number,
    filters: readonly string[],
    decide: (filter: string) => IngestResult,
  ): { readonly granted: number[]; readonly hasShared: boolean } {
    let hasShared = false;
    const granted = filters.map((f) => {
      if (f.startsWith('$share/')) {
        hasShared = true;
        return version === 5 ? RC.sharedSubscriptionsNotSupported : V4_SUBACK_FAILURE;
      }
      if (!decide(f).ok) return version === 5 ? RC.notAuthorized : V4_SUBACK_FAILURE;
      this.filters.add(f);
      return 0;
    });
    return { granted, hasShared };
  }

  /** UNSUBACK codes (MQTT 5 only; 3.1.1 has none): success, or 0x11 for a filter never subscribed. */
  unsubscribe(filters: readonly string[]): number[] {
    return filters.map((f) => (this.filters.delete(f) ? RC.success : RC.noSubscriptionExisted));
  }
}
