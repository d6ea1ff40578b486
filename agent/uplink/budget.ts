/**
 * The cellular budget, pure: bytes sent upstream per UTC day and per lane, and whether telemetry may
 * still go today under its cap. Counted bytes are what MQTT carries for a publish: the fixed header,
 * the topic, the packet id and the payload (TLS adds about 22–29 bytes per record and TCP/IP about
 * 52 per segment on top; the benchmark measures those on the wire).
 *
 *   count(state, lane, bytes, nowMs) ─▶ state'   (a new UTC day starts from zero)
 *   mayUse(state, cap, bytes, nowMs)  ─▶ yes | no (until the next UTC midnight)
 */

export type BudgetLane = 'telemetry' | 'audit' | 'alert' | 'control';

export const BUDGET_LANES: readonly BudgetLane[] = ['telemetry', 'audit', 'alert', 'control'];

export interface BudgetState {
  /** UTC day as `YYYY-MM-DD`. */
  readonly day: string;
  readonly bytes: Readonly<Record<BudgetLane, number>>;
  readonly publishes: Readonly<Record<BudgetLane, number>>;
}

const ZERO: Readonly<Record<BudgetLane, number>> = { telemetry: 0, audit: 0, alert: 0, control: 0 };

export function utcDay(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

export function emptyBudget(nowMs: number): BudgetState {
  return { day: utcDay(nowMs), bytes: ZERO, publishes: ZERO };
}

/** The lane of a topic under `ztgw/<id>/`. */
export function laneOfTopic(topic: string): BudgetLane {
  if (topic.endsWith('/up/t')) return 'telemetry';
  if (topic.endsWith('/up/audit')) return 'audit';
  if (topic.endsWith('/up/alert')) return 'alert';
  return 'control';
}

/** MQTT 3.1.1 PUBLISH size: 1 header byte, the remaining-length varint, topic (+2), packet id (QoS 1), payload. */
export function publishWireBytes(topicBytes: number, payloadBytes: number, qos: 0 | 1): number {
  const remaining = 2 + topicBytes + (qos === 1 ? 2 : 0) + payloadBytes;
  const varint = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
  return 1 + varint + remaining + (qos === 1 ? 4 : 0); // + the 4-byte PUBACK back
}

export function rollDay(s: BudgetState, nowMs: number): BudgetState {
  const day = utcDay(nowMs);
  return day === s.day ? s : { day, bytes: ZERO, publishes: ZERO };
}

export function countBytes(s: BudgetState, lane: BudgetLane, bytes: number, nowMs: number): BudgetState {
  const cur = rollDay(s, nowMs);
  return {
    day: cur.day,
    bytes: { ...cur.bytes, [lane]: cur.bytes[lane] + bytes },
    publishes: { ...cur.publishes, [lane]: cur.publishes[lane] + 1 },
  };
}

/** Whether `bytes` more telemetry fit today's cap; when not, how long until the next UTC day. */
export function mayUseTelemetry(
  s: BudgetState,
  capBytes: number | undefined,
  bytes: number,
  nowMs: number,
): { readonly ok: true } | { readonly ok: false; readonly retryInMs: number } {
  if (capBytes === undefined) return { ok: true };
  const cur = rollDay(s, nowMs);
  if (cur.bytes.telemetry + bytes <= capBytes) return { ok: true };
  const now = new Date(nowMs);
  const nextDayMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return { ok: false, retryInMs: nextDayMs - nowMs };
}

/** Reads a persisted budget; anything unexpected starts the day from zero (never blocks sending). */
export function parseBudget(v: unknown, nowMs: number): BudgetState {
  const fresh = emptyBudget(nowMs);
  if (typeof v !== 'object' || v === null || !('day' in v) || v.day !== fresh.day) return fresh;
  const read = (k: string): Record<BudgetLane, number> => {
    const src = k in v ? (v as Record<string, unknown>)[k] : undefined;
    const out = { ...ZERO };
    if (typeof src !== 'object' || src === null) return out;
    for (const lane of BUDGET_LANES) {
      const n = (src as Record<string, unknown>)[lane];
      if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) out[lane] = n;
    }
    return out;
  };
  return { day: fresh.day, bytes: read('bytes'), publishes: read('publishes') };
}
