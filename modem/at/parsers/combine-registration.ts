/**
 * One registration picture from the CS, GPRS, EPS and 5GS lines a modem reports separately.
 */
import type { ActName, RegDomain, RegInfo, RegState } from '../types.js';

/** The combined registration. Cell fields are null when nothing is registered. */
export interface CombinedRegistration {
  readonly state: RegState;
  readonly domain: RegDomain | null;
  readonly act: number | null;
  readonly actName: ActName | null;
  readonly lac: number | null;
  readonly tac: number | null;
  readonly cellId: number | null;
}

/** Newer core first: what a 5GS or EPS registration says about the cell beats what CS says. */
const DOMAIN_ORDER: readonly RegDomain[] = ['5gs', 'eps', 'gprs', 'cs'];

/** Not-registered states, most informative first. */
const UNREGISTERED_ORDER: readonly RegState[] = ['denied', 'searching', 'not-registered', 'unknown'];

function byDomain(infos: readonly RegInfo[]): RegInfo[] {
  const rank = (d: RegDomain): number => DOMAIN_ORDER.indexOf(d);
  // A stable sort keeps the caller's order within a domain: the first line given wins.
  return [...infos].sort((a, b) => rank(a.domain) - rank(b.domain));
}

/**
 * Combines registration lines: registered (home or roaming) if any domain is, taking `state` and
 * `domain` from the registered line of the newest domain (5GS > EPS > GPRS > CS), `cellId` from the
 * newest registered line that has one, `act` from that same line when it gave one (else from the
 * newest registered line), and `lac` and `tac` each from the newest registered line that has it. When nothing is registered, the most
 * informative state wins (denied > searching > not-registered > unknown), with its domain and null
 * cell fields. No lines give 'unknown' with nulls.
 */
export function combineRegistration(infos: readonly RegInfo[]): CombinedRegistration {
  const sorted = byDomain(infos);
  const registered = sorted.filter((i) => i.state === 'home' || i.state === 'roaming');
  const primary = registered[0];
  if (primary === undefined) {
    for (const state of UNREGISTERED_ORDER) {
      const hit = sorted.find((i) => i.state === state);
      if (hit !== undefined) {
        return { state, domain: hit.domain, act: null, actName: null, lac: null, tac: null, cellId: null };
      }
    }
    return { state: 'unknown', domain: null, act: null, actName: null, lac: null, tac: null, cellId: null };
  }
  const withCell = registered.find((i) => i.cellId !== null);
  const actSource = withCell !== undefined && withCell.act !== null ? withCell : primary;
  return {
    state: primary.state,
    domain: primary.domain,
    act: actSource.act,
    actName: actSource.actName,
    lac: registered.find((i) => i.lac !== null)?.lac ?? null,
    tac: registered.find((i) => i.tac !== null)?.tac ?? null,
    cellId: withCell?.cellId ?? null,
  };
}
