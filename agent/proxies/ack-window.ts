/**
 * The in-flight window of one MQTT connection: publishes handed to the gate, in arrival order, and
 * the PUBACK bytes for those settled at its head. Acks leave in the order the PUBLISHes came
 * (MQTT 3.1.1 §4.6, MQTT 5 §4.6), so a settled publish behind an unsettled one waits. No I/O.
 */
import { denialReasonCode, encodePubackV5, PUBACK_OK_BYTES, writePubackOk } from './mqtt-codes.js';
import type { IngestResult } from './types.js';

/** One publish handed to the gate; `result` is set when the gate answers. */
export interface InflightEntry {
  readonly messageId: number;
  readonly qos: 0 | 1;
  result: IngestResult | null;
}

/** What `takeSettled` removed from the head of the window. */
export interface AckBatch {
  /** The PUBACKs to write in one go, or null when there is none. */
  readonly bytes: Buffer | null;
  readonly settled: number;
  readonly acked: number;
  readonly denied: number;
  readonly unavailable: number;
  /**
   * Set when a QoS 1 publish found the journal unavailable: its ack is held (the batch stops before
   * it) and the connection must close so that the sensor resends it.
   */
  readonly unavailableReason: string | null;
}

const isUnavailable = (r: IngestResult): boolean => !r.ok && r.kind === 'unavailable';

export class AckWindow {
  private readonly entries: InflightEntry[] = [];

  /** Publishes not yet removed by `takeSettled`. */
  get size(): number {
    return this.entries.length;
  }

  /** Whether `e` is the oldest publish in flight (only then can acks go out). */
  isHead(e: InflightEntry): boolean {
    return this.entries[0] === e;
  }

  open(messageId: number, qos: 0 | 1): InflightEntry {
    const e: InflightEntry = { messageId, qos, result: null };
    this.entries.push(e);
    return e;
  }

  /** Forgets everything (the connection closed); returns how many were in flight. */
  clear(): number {
    const n = this.entries.length;
    this.entries.length = 0;
    return n;
  }

  /**
   * Removes the settled publishes at the head and encodes their acks. QoS 0 publishes need none;
   * an MQTT 3.1.1 denial gets a plain PUBACK (3.1.1 has no negative one); an MQTT 5 denial gets its
   * reason code, with a reason string unless `hasProblemInfo` is false (§3.1.2.11.7).
   */
  takeSettled(version: number, hasProblemInfo: boolean): AckBatch {
    let n = 0;
    let plainAcks = 0;
    let acked = 0;
    let denied = 0;
    let unavailable = 0;
    let hasV5Denial = false;
    let unavailableReason: string | null = null;
    for (const e of this.entries) {
      const r = e.result;
      if (r === null) break;
      n++;
      if (!r.ok && r.kind === 'unavailable') {
        unavailable++;
        if (e.qos === 0) continue;
        unavailableReason = r.reason;
        break;
      }
      if (r.ok) acked++;
      else denied++;
      if (e.qos === 0) continue;
      if (!r.ok && version === 5) hasV5Denial = true;
      else plainAcks++;
    }
    let bytes: Buffer | null = null;
    if (hasV5Denial) {
      const parts: Buffer[] = [];
      for (let i = 0; i < n; i++) {
        const b = this.ackOf(this.entries[i], hasProblemInfo);
        if (b !== null) parts.push(b);
      }
      bytes = Buffer.concat(parts);
    } else if (plainAcks > 0) {
      bytes = Buffer.allocUnsafe(plainAcks * PUBACK_OK_BYTES);
      let at = 0;
      for (let i = 0; i < n; i++) {
        const e = this.entries[i];
        if (e === undefined || e.qos === 0 || e.result === null || isUnavailable(e.result)) continue;
        writePubackOk(bytes, at, e.messageId);
        at += PUBACK_OK_BYTES;
      }
    }
    this.entries.splice(0, n);
    return { bytes, settled: n, acked, denied, unavailable, unavailableReason };
  }

  private ackOf(e: InflightEntry | undefined, hasProblemInfo: boolean): Buffer | null {
    if (e === undefined || e.qos === 0 || e.result === null) return null;
    const r = e.result;
    if (r.ok) {
      const b = Buffer.allocUnsafe(PUBACK_OK_BYTES);
      writePubackOk(b, 0, e.messageId);
      return b;
    }
    if (r.kind === 'unavailable') return null;
    return encodePubackV5(
      e.messageId,
      denialReasonCode(r.rule),
      hasProblemInfo ? `${r.rule}: ${r.reason}` : null,
    );
  }
}
