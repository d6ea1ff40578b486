/**
 * What the responder returns for one command: the information lines, the final result code, the
 * state change it causes and any after-effect the shell carries out (a reboot).
 */
import { cmeFinal } from './format.js';
import type { ModemState, StatePatch } from './state.js';

/** `reboot`: the modem restarts after the final; `radio-on`: +CFUN went to 1 (the SIM re-initialises). */
export type ReplyEffect = 'reboot' | 'radio-on';

export interface Reply {
  readonly lines: readonly string[];
  /** `OK`, `ERROR`, `+CME ERROR: 16` …; null for a line the modem ignores (no `AT` prefix). */
  readonly final: string | null;
  /** The CME error number behind `final`, whatever the CMEE mode; null otherwise. */
  readonly cme: number | null;
  readonly stateChanges: StatePatch;
  readonly effect: ReplyEffect | null;
}

/** Facts from the shell that the pure responder cannot know. */
export interface RespondContext {
  /** Shell clock in ms, lets the RTC run (`+CCLK`). */
  readonly nowMs?: number;
  /** The SIM is still initialising (`sim-busy-after-cfun` fault): SIM commands get CME 14. */
  readonly isSimBusy?: boolean;
}

export function okReply(lines: readonly string[] = [], stateChanges: StatePatch = {}): Reply {
  return { lines, final: 'OK', cme: null, stateChanges, effect: null };
}

export function errorReply(): Reply {
  return { lines: [], final: 'ERROR', cme: null, stateChanges: {}, effect: null };
}

export function cmeReply(state: ModemState, code: number): Reply {
  return { lines: [], final: cmeFinal(state.cmee, code), cme: code, stateChanges: {}, effect: null };
}

export const IGNORED: Reply = { lines: [], final: null, cme: null, stateChanges: {}, effect: null };

export function withEffect(reply: Reply, effect: ReplyEffect): Reply {
  return { ...reply, effect };
}

/**
 * Gate for commands that read the SIM: absent → CME 10, initialising → CME 14, and with
 * `needsUnlocked` a locked SIM → CME 11 (PIN) or 12 (PUK). Null when the command may run.
 */
export function simGate(state: ModemState, ctx: RespondContext, needsUnlocked: boolean): Reply | null {
  if (state.sim === 'absent') return cmeReply(state, 10);
  if (ctx.isSimBusy === true) return cmeReply(state, 14);
  if (needsUnlocked && state.sim === 'pin') return cmeReply(state, 11);
  if (needsUnlocked && state.sim === 'puk') return cmeReply(state, 12);
  return null;
}
