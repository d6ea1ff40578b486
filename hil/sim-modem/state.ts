/**
 * The scriptable state of the simulated modem: SIM, registration per domain, signal, operator,
 * clock, PDP contexts and the V.250/27.007 session settings. Plain readonly data; every change goes
 * through `applyPatch`, so a test can script the modem with a partial object.
 */
import type { RegDomain } from '../../modem/at/types.js';

export type SimStatus = 'ready' | 'pin' | 'puk' | 'absent';
export type RegStatus = 'home' | 'roaming' | 'searching' | 'denied' | 'not-registered';
export const REG_DOMAINS: readonly RegDomain[] = ['cs', 'gprs', 'eps', '5gs'];

/** One domain's registration. `act` is the 27.007 `<AcT>` (0 GSM, 2 UTRAN, 7 E-UTRAN, 8 eMTC on some …). */
export interface Registration {
  readonly state: RegStatus;
  /** Location area code (CS/GPRS), 16 bits. */
  readonly lac: number;
  /** Tracking area code (EPS 16 bits, 5GS 24 bits). */
  readonly tac: number;
  /** Cell identity: 16 bits GSM, 28 bits UMTS/LTE, 36 bits NR. */
  readonly cellId: number;
  readonly act: number;
}

export interface Signal {
  /** `+CSQ` `<rssi>` 0..31, 99 unknown. */
  readonly csq: number;
  readonly rsrpDbm: number;
  readonly rsrqDb: number;
  readonly sinrDb: number;
}

export interface Operator {
  /** Strings, to keep leading zeros. */
  readonly mcc: string;
  readonly mnc: string;
  readonly longName: string;
  readonly shortName: string;
}

/** Radio details of the serving cell that only the vendor queries show. */
export interface ServingCellState {
  readonly earfcn: number;
  /** E-UTRA band number, e.g. 20. */
  readonly band: number;
  readonly pci: number;
  readonly bandwidthMhz: number;
}

/**
 * The network time the modem's RTC holds. `iso` is the local wall-clock time
 * (`2026-12-01T19:05:23`, an offset suffix is ignored); `tzQuarterHours` is the offset from UTC.
 * `setAtMs` (shell clock) lets the clock run when the responder is given `nowMs`.
 */
export interface NetworkTime {
  readonly iso: string;
  readonly tzQuarterHours: number;
  readonly setAtMs?: number;
}

export interface PdpContextState {
  readonly cid: number;
  /** `IP`, `IPV6`, `IPV4V6`, `PPP`, `Non-IP`. */
  readonly type: string;
  readonly apn: string;
  readonly isActive: boolean;
  /** Addresses handed out while active (IPv6 as 27.007 dotted bytes); empty → the sim assigns some. */
  readonly addresses: readonly string[];
}

export interface Identity {
  readonly imei: string;
  readonly iccid: string;
  readonly imsi: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly revision: string;
}

export interface VendorModes {
  /** u-blox `AT+UCGED=<mode>`. */
  readonly ucged?: number;
}

export interface ModemState {
  readonly sim: SimStatus;
  readonly pin: string;
  readonly puk: string;
  readonly pinAttemptsLeft: number;
  /** The SIM asks for its PIN at power-up. Set when a PIN is entered, since a SIM that asked has the lock on. */
  readonly isPinLockEnabled: boolean;
  readonly registration: Readonly<Record<RegDomain, Registration>>;
  /** The `<n>` of `AT+CREG=<n>` (cs), `+CGREG` (gprs), `+CEREG` (eps), `+C5GREG` (5gs). */
  readonly urcMode: Readonly<Record<RegDomain, number>>;
  readonly signal: Signal;
  readonly operator: Operator;
  readonly servingCell: ServingCellState;
  /** `AT+COPS=3,<f>`: 0 long name, 1 short name, 2 numeric. */
  readonly copsFormat: number;
  /** `null`: the RTC was never set (`+CCLK: "80/01/06,00:00:08+00"`). */
  readonly networkTime: NetworkTime | null;
  readonly cfun: number;
  readonly pdp: readonly PdpContextState[];
  readonly echo: boolean;
  readonly cmee: number;
  readonly s7: number;
  readonly identity: Identity;
  /** Vendor modes (set by vendor commands) that a reset clears. */
  readonly vendorModes: VendorModes;
}

/** A partial state; nested objects are merged one level deep, arrays replace. */
export interface StatePatch {
  readonly sim?: SimStatus;
  readonly pin?: string;
  readonly puk?: string;
  readonly pinAttemptsLeft?: number;
  readonly isPinLockEnabled?: boolean;
  readonly registration?: Partial<Record<RegDomain, Partial<Registration>>>;
  readonly urcMode?: Partial<Record<RegDomain, number>>;
  readonly signal?: Partial<Signal>;
  readonly operator?: Partial<Operator>;
  readonly servingCell?: Partial<ServingCellState>;
  readonly copsFormat?: number;
  readonly networkTime?: NetworkTime | null;
  readonly cfun?: number;
  readonly pdp?: readonly PdpContextState[];
  readonly echo?: boolean;
  readonly cmee?: number;
  readonly s7?: number;
  readonly identity?: Partial<Identity>;
  readonly vendorModes?: VendorModes;
}

const NO_REG: Registration = { state: 'not-registered', lac: 0, tac: 0, cellId: 0, act: 7 };

/** Power-up defaults of a modem with a ready SIM, camped nowhere. Profiles build on this. */
export const BASE_STATE: ModemState = {
  sim: 'ready',
  pin: '1234',
  puk: '12345678',
  pinAttemptsLeft: 3,
  isPinLockEnabled: false,
  registration: { cs: NO_REG, gprs: NO_REG, eps: NO_REG, '5gs': NO_REG },
  urcMode: { cs: 0, gprs: 0, eps: 0, '5gs': 0 },
  signal: { csq: 99, rsrpDbm: -140, rsrqDb: -20, sinrDb: -20 },
  operator: { mcc: '001', mnc: '01', longName: 'Test Network', shortName: 'Test' },
  servingCell: { earfcn: 0, band: 0, pci: 0, bandwidthMhz: 0 },
  copsFormat: 0,
  networkTime: null,
  cfun: 1,
  pdp: [],
  // V.250 §6.2.4: E1 is the power-up default of real modems.
  echo: true,
  cmee: 0,
  s7: 60,
  identity: { imei: '', iccid: '', imsi: '', manufacturer: '', model: '', revision: '' },
  vendorModes: {},
};

function mergeRegistration(
  base: ModemState['registration'],
  patch: StatePatch['registration'],
): ModemState['registration'] {
  if (patch === undefined) return base;
  return {
    cs: { ...base.cs, ...patch.cs },
    gprs: { ...base.gprs, ...patch.gprs },
    eps: { ...base.eps, ...patch.eps },
    '5gs': { ...base['5gs'], ...patch['5gs'] },
  };
}

/** Applies a patch. Pure: returns a new state. */
export function applyPatch(state: ModemState, patch: StatePatch): ModemState {
  return {
    ...state,
    ...(patch.sim !== undefined && { sim: patch.sim }),
    ...(patch.pin !== undefined && { pin: patch.pin }),
    ...(patch.puk !== undefined && { puk: patch.puk }),
    ...(patch.pinAttemptsLeft !== undefined && { pinAttemptsLeft: patch.pinAttemptsLeft }),
    ...(patch.isPinLockEnabled !== undefined && { isPinLockEnabled: patch.isPinLockEnabled }),
    registration: mergeRegistration(state.registration, patch.registration),
    urcMode: { ...state.urcMode, ...patch.urcMode },
    signal: { ...state.signal, ...patch.signal },
    operator: { ...state.operator, ...patch.operator },
    servingCell: { ...state.servingCell, ...patch.servingCell },
    ...(patch.copsFormat !== undefined && { copsFormat: patch.copsFormat }),
    ...(patch.networkTime !== undefined && { networkTime: patch.networkTime }),
    ...(patch.cfun !== undefined && { cfun: patch.cfun }),
    ...(patch.pdp !== undefined && { pdp: patch.pdp }),
    ...(patch.echo !== undefined && { echo: patch.echo }),
    ...(patch.cmee !== undefined && { cmee: patch.cmee }),
    ...(patch.s7 !== undefined && { s7: patch.s7 }),
    identity: { ...state.identity, ...patch.identity },
    vendorModes: { ...state.vendorModes, ...patch.vendorModes },
  };
}

/** Merges two patches so that applying the result equals applying `a` then `b`. */
export function mergePatches(a: StatePatch, b: StatePatch): StatePatch {
  const reg: Partial<Record<RegDomain, Partial<Registration>>> = {};
  for (const d of REG_DOMAINS) {
    const merged = { ...a.registration?.[d], ...b.registration?.[d] };
    if (Object.keys(merged).length > 0) reg[d] = merged;
  }
  return {
    ...a,
    ...b,
    registration: reg,
    urcMode: { ...a.urcMode, ...b.urcMode },
    signal: { ...a.signal, ...b.signal },
    operator: { ...a.operator, ...b.operator },
    servingCell: { ...a.servingCell, ...b.servingCell },
    identity: { ...a.identity, ...b.identity },
    vendorModes: { ...a.vendorModes, ...b.vendorModes },
  };
}

/**
 * The state after a power cycle or soft reset: session settings back to power-up values (echo on,
 * CMEE 0, URC modes 0, long operator names), radio on, data sessions gone, a PIN-locked SIM locked
 * again. Network, identity, stored contexts (non-volatile) and the RTC are kept.
 */
export function powerUpState(state: ModemState, initial: ModemState): ModemState {
  const sim: SimStatus = state.sim === 'ready' && state.isPinLockEnabled ? 'pin' : state.sim;
  return {
    ...state,
    sim,
    urcMode: { cs: 0, gprs: 0, eps: 0, '5gs': 0 },
    copsFormat: 0,
    cfun: 1,
    pdp: state.pdp.map((c) => ({ ...c, isActive: false })),
    echo: true,
    cmee: 0,
    s7: initial.s7,
    vendorModes: initial.vendorModes,
  };
}

/**
 * The registration a query reports: the scripted network view, but nothing while the radio is off
 * (`+CFUN` 0 or 4) or the SIM is not ready.
 */
export function effectiveRegistration(state: ModemState, domain: RegDomain): Registration {
  const reg = state.registration[domain];
  if (state.cfun !== 1 || state.sim !== 'ready') return { ...reg, state: 'not-registered' };
  return reg;
}

export function isRegistered(reg: Registration): boolean {
  return reg.state === 'home' || reg.state === 'roaming';
}
