/** The public shapes of the uplink: its status, its attempt records, its hooks and its service. */
import type { ErrorCode, JsonObject } from '../../modem/errors.js';

export type UplinkState = 'connecting' | 'connected' | 'backoff' | 'vetoed' | 'stopped';

export interface UplinkErrorInfo {
  readonly code: ErrorCode;
  /** Stable short cause (`wrong-ca`, `refused-not-authorized`, `sim-mismatch`, …). */
  readonly reason: string;
  readonly message: string;
  /** Wall clock, ms since the epoch. */
  readonly atMs: number;
}

export interface UplinkStatus {
  readonly state: UplinkState;
  /** The broker of the current or last attempt; null before the first. */
  readonly broker: string | null;
  /** When `state` was entered, wall clock ms. */
  readonly since: number;
  readonly lastError: UplinkErrorInfo | null;
  /** Attempts made since start. */
  readonly attempts: number;
  /** Failures since the last stable session (drives the back-off). */
  readonly consecutiveFailures: number;
}

/**
 * One record per attempt (`connected`, `failed`, `vetoed`) and per session end (`closed`), kept in a
 * bounded ring. `delayBeforeMs` is the back-off waited before the attempt and `capMs` the bound it was
 * drawn under, so the back-off can be checked from the records alone.
 */
export interface AttemptRecord {
  /** When the attempt started (after the back-off), or when the session closed; wall clock ms. */
  readonly atMs: number;
  readonly broker: string;
  readonly outcome: 'connected' | 'failed' | 'vetoed' | 'closed';
  /** Stable short cause; `ok` for `connected`, `stopped` for a close asked for by stop(). */
  readonly reason: string;
  readonly code?: ErrorCode;
  readonly message?: string;
  readonly delayBeforeMs: number;
  readonly capMs: number;
  /** Attempt duration, or for `closed` how long the session had been up, in ms. */
  readonly durationMs: number;
}

export type BeforeConnectDecision =
  | { readonly allow: true }
  | { readonly allow: false; readonly code: ErrorCode; readonly reason: string; readonly message?: string };

export interface BeforeConnectContext {
  readonly broker: string;
  /** 1-based attempt number since start. */
  readonly attempt: number;
  readonly signal: AbortSignal;
}

/**
 * Called before every attempt; may veto it (the SIM binding guard, the clock check). A hook that
 * throws, or does not answer within connectTimeoutMs, vetoes with code UPLINK_CONNECT.
 */
export type BeforeConnect = (ctx: BeforeConnectContext) => Promise<BeforeConnectDecision>;

export type MessageHandler = (topic: string, payload: Buffer) => void;

export interface UplinkPublishOptions {
  /** Default 1. */
  readonly qos?: 0 | 1;
  /** Default false. */
  readonly retain?: boolean;
}

export interface UplinkClient {
  /** Starts the connect loop and returns; the session comes up in the background (see status()). */
  start(signal: AbortSignal): Promise<void>;
  /** Publishes `offline`, disconnects cleanly (no will), closes the socket and ends the loop. */
  stop(): Promise<void>;
  /**
   * Replaces the session now (after a certificate rotation or a config change): a clean DISCONNECT
   * (no will), then an attempt at once to the same broker through the usual path (hook, fresh TLS
   * material), its record `closed` with reason `reconnect`. Cuts a back-off wait short. Resolves
   * when the old socket is closed, not when the new session is up (see onAttempt).
   */
  reconnect(reason: string): Promise<void>;
  status(): UplinkStatus;
  /** The attempt records, oldest first. */
  attempts(): readonly AttemptRecord[];
  onAttempt(listener: (r: AttemptRecord) => void): () => void;
  onStatus(listener: (s: UplinkStatus) => void): () => void;
  /**
   * Publishes under `ztgw/<id>/` and resolves when PUBACKed (QoS 1) or written (QoS 0). Rejects with
   * UPLINK_CLOSED when there is no session or it drops first; the caller (the journal) retries.
   * A topic outside the device prefix is a TypeError.
   */
  publish(topic: string, payload: string | Uint8Array, opts?: UplinkPublishOptions): Promise<void>;
  /**
   * Sets the retained `ztgw/<id>/up/state` document: published now when connected and changed, and
   * on every connect. Never rejects: a failed publish is redone on the next connect.
   */
  publishState(doc: JsonObject): Promise<void>;
  /**
   * Subscribes a filter under `ztgw/<id>/` for this and every later session. Resolves when SUBACKed
   * (or at once when offline); rejects with UPLINK_REFUSED when the broker refuses the filter, and
   * with TypeError for a filter outside the prefix. Resolves to the function that unsubscribes.
   */
  subscribe(filter: string, handler: MessageHandler, opts?: { readonly qos?: 0 | 1 }): Promise<() => void>;
}
