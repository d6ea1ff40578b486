/**
 * Defaults and building blocks the profiles share: a profile gives its data and overrides only what its
 * firmware does differently.
 */
import type { RegDomain } from '../../../modem/at/types.js';
import { okReply, type Reply, type RespondContext, simGate } from '../reply.js';
import { applyPatch, BASE_STATE, type ModemState, type StatePatch } from '../state.js';
import type { Profile } from './types.js';

type Optional =
  | 'bootUrcs'
  | 'stormUrcs'
  | 'ati'
  | 'cgmi'
  | 'cgmm'
  | 'cgmr'
  | 'cgsn'
  | 'vendor'
  | 'hasCesq'
  | 'omitsAct'
  | 'pdpStyle'
  | 'maxCid'
  | 'rebootMs';

export type ProfileSpec = Omit<Profile, Optional | 'initialState'> &
  Partial<Pick<Profile, Optional>> & {
    /** Applied over `BASE_STATE`. */
    readonly state: StatePatch;
  };

/** LTE-era firmwares: CS, GPRS and EPS registration, no 5GS. */
export const LTE_DOMAINS: readonly RegDomain[] = ['cs', 'gprs', 'eps'];

/** Fills in the 27.007 defaults: bare identity lines, no vendor commands, no boot URCs. */
export function defineProfile(spec: ProfileSpec): Profile {
  const { state, ...rest } = spec;
  return {
    hasCesq: true,
    omitsAct: false,
    pdpStyle: { idleAddress: 'zero', trailer: '0,0,0,0' },
    maxCid: 16,
    rebootMs: 300,
    bootUrcs: () => [],
    stormUrcs: ['RING', '+CEREG: 2', '+CEREG: 1'],
    ati: (s) => [s.identity.manufacturer, s.identity.model, `Revision: ${s.identity.revision}`],
    cgmi: (s) => [s.identity.manufacturer],
    cgmm: (s) => [s.identity.model],
    cgmr: (s) => [s.identity.revision],
    cgsn: (s) => [s.identity.imei],
    vendor: () => null,
    ...rest,
    initialState: applyPatch(BASE_STATE, state),
  };
}

/** A vendor ICCID read: the SIM gate, then one line. */
export function iccidReply(state: ModemState, ctx: RespondContext, line: string): Reply {
  return simGate(state, ctx, false) ?? okReply([line]);
}

/** `+CPIN` code as boot URCs report it. */
export function cpinUrc(state: ModemState): string | null {
  if (state.sim === 'absent') return null;
  if (state.sim === 'pin') return '+CPIN: SIM PIN';
  if (state.sim === 'puk') return '+CPIN: SIM PUK';
  return '+CPIN: READY';
}

/** The RRC-ish connection word a serving-cell query shows: connected while a context is active. */
export function isDataActive(state: ModemState): boolean {
  return state.pdp.some((c) => c.isActive);
}
