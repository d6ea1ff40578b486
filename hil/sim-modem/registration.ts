/**
 * Registration lines (27.007 §7.2 +CREG, §10.1.20 +CGREG, §10.1.22 +CEREG, §10.1.47 +C5GREG) in
 * their read and unsolicited forms, and the URCs a state change causes.
 */
import type { RegDomain } from '../../modem/at/types.js';
import { hex } from './format.js';
import type { Profile } from './profiles/types.js';
import { effectiveRegistration, isRegistered, type ModemState, type Registration } from './state.js';

export const REG_PREFIX: Readonly<Record<RegDomain, string>> = {
  cs: '+CREG',
  gprs: '+CGREG',
  eps: '+CEREG',
  '5gs': '+C5GREG',
};

/** 27.007 `<stat>`: 0 not registered, 1 home, 2 searching, 3 denied, 5 roaming. */
export function statOf(reg: Registration): number {
  switch (reg.state) {
    case 'not-registered':
      return 0;
    case 'home':
      return 1;
    case 'searching':
      return 2;
    case 'denied':
      return 3;
    case 'roaming':
      return 5;
  }
}

// 8 is EC-GSM-IoT in 27.007 but eMTC on BG96 and SARA-R4, so it is not treated as GSM here.
const GSM_ACTS = new Set([0, 1, 3]);

/** `"<lac|tac>","<ci>"[,<act>]`, with the field widths each domain uses. */
function locationFields(domain: RegDomain, reg: Registration, omitsAct: boolean): string {
  let area: string;
  let cell: string;
  if (domain === '5gs') {
    area = hex(reg.tac, 6);
    cell = hex(reg.cellId, 9);
  } else if (domain === 'eps') {
    area = hex(reg.tac, 4);
    cell = hex(reg.cellId, 8);
  } else {
    area = hex(reg.lac, 4);
    // A GSM cell id is 16 bits; UMTS/LTE 28 bits (27.007 §7.2 <ci>).
    cell = GSM_ACTS.has(reg.act) ? hex(reg.cellId, 4) : hex(reg.cellId, 8);
  }
  return omitsAct ? `"${area}","${cell}"` : `"${area}","${cell}",${reg.act}`;
}

/** Location is shown for `<n>` ≥ 2 while registered. */
function tail(domain: RegDomain, n: number, reg: Registration, profile: Profile): string {
  return n >= 2 && isRegistered(reg) ? `,${locationFields(domain, reg, profile.omitsAct)}` : '';
}

/** Read form, `+CEREG: 2,1,"3193","08F381C5",7`. */
export function regReadLine(state: ModemState, profile: Profile, domain: RegDomain): string {
  const reg = effectiveRegistration(state, domain);
  const n = state.urcMode[domain];
  return `${REG_PREFIX[domain]}: ${n},${statOf(reg)}${tail(domain, n, reg, profile)}`;
}

/** Unsolicited form, `+CEREG: 1,"3193","08F381C5",7`; null when the URC is off (`<n>` = 0). */
export function regUrcLine(state: ModemState, profile: Profile, domain: RegDomain): string | null {
  const n = state.urcMode[domain];
  if (n === 0) return null;
  const reg = effectiveRegistration(state, domain);
  return `${REG_PREFIX[domain]}: ${statOf(reg)}${tail(domain, n, reg, profile)}`;
}

/**
 * URCs caused by going from `before` to `after`: `<n>` = 1 reports a change of `<stat>`,
 * `<n>` ≥ 2 also a change of cell or area while registered. Only the profile's domains report.
 */
export function registrationUrcs(before: ModemState, after: ModemState, profile: Profile): string[] {
  const out: string[] = [];
  for (const domain of profile.domains) {
    const line = regUrcLine(after, profile, domain);
    if (line === null) continue;
    const a = effectiveRegistration(before, domain);
    const b = effectiveRegistration(after, domain);
    const isStatChange = statOf(a) !== statOf(b);
    const isCellChange =
      after.urcMode[domain] >= 2 &&
      isRegistered(b) &&
      (a.lac !== b.lac || a.tac !== b.tac || a.cellId !== b.cellId || a.act !== b.act);
    if (isStatChange || isCellChange) out.push(line);
  }
  return out;
}

/** The `<AcT>` of the serving cell: EPS first, then GPRS, then CS; null when camped nowhere. */
export function servingAct(state: ModemState): number | null {
  for (const d of ['5gs', 'eps', 'gprs', 'cs'] as const) {
    const reg = effectiveRegistration(state, d);
    if (isRegistered(reg)) return reg.act;
  }
  return null;
}

/** LTE-family access technologies (E-UTRAN, eMTC as some firmwares number it, NB-IoT). */
export function isLteAct(act: number | null): boolean {
  return act === 7 || act === 8 || act === 9 || act === 10;
}
