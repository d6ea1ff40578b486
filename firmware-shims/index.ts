/**
 * The shim registry: every firmware family, how a modem is matched to one, and the traits a model
 * and firmware revision end up with. Pure.
 *
 *   ident (+CGMI/+CGMM/+CGMR) + ATI lines ──▶ detect() of every family ──▶ highest score wins
 *                                                 (generic scores 1, a vendor match ≥ 10)
 *   winner + ident ──▶ the family's shim for that model ──▶ resolveTraits(): traits ⊕ matching quirks
 */
import type { ModemIdent } from '../modem/at/types.js';
import type { Dialect } from '../modem/at/urc.js';
import { genericShim } from './generic/generic-shim.js';
import { quectelShim } from './quectel/quectel-shim.js';
import type { Quirk, Shim, ShimId, ShimTraits } from './shim.js';
import { sierraShim } from './sierra/sierra-shim.js';
import { createSimcomShim, simcomShim } from './simcom/simcom-shim.js';
import { telitShim } from './telit/telit-shim.js';
import { createUbloxShim, ubloxShim } from './ublox/ublox-shim.js';

export type { Quirk, ResetOptions, Shim, ShimId, ShimTraits } from './shim.js';

interface Family {
  readonly shim: Shim;
  /** The family's shim specialised for one model, where commands differ by model. */
  readonly forIdent?: (ident: ModemIdent, ati: readonly string[]) => Shim;
}

const FAMILIES: readonly Family[] = [
  { shim: genericShim },
  { shim: quectelShim },
  { shim: simcomShim, forIdent: createSimcomShim },
  { shim: ubloxShim, forIdent: createUbloxShim },
  { shim: sierraShim },
  { shim: telitShim },
];

/** Every family's shim, generic first. The SIMCom and u-blox entries are their model-agnostic forms. */
export const ALL_SHIMS: readonly Shim[] = FAMILIES.map((f) => f.shim);

/**
 * The dialect before the modem is identified: every family's URC prefixes, since any of them may
 * arrive while `+CGMI`/`+CGMR`/`ATI` are answered (a Quectel `+QIND:` is no firmware revision).
 * No vendor finals: a family's final could be another's answer text.
 */
export const UNIDENTIFIED_DIALECT: Dialect = {
  finals: [],
  urcPrefixes: [...new Set(ALL_SHIMS.flatMap((s) => s.urcPrefixes))],
};

/**
 * The shim for a modem: the family whose `detect` scores highest (ties go to the earlier family, so
 * generic wins only when no vendor matches), specialised for the model where that matters.
 */
export function selectShim(ident: ModemIdent, ati: readonly string[]): Shim {
  let best: Family | undefined;
  let bestScore = 0;
  for (const family of FAMILIES) {
    const score = family.shim.detect(ident, ati);
    if (best === undefined || score > bestScore) {
      best = family;
      bestScore = score;
    }
  }
  if (best === undefined) return genericShim;
  return best.forIdent === undefined ? best.shim : best.forIdent(ident, ati);
}

/** The family's shim by id (its model-agnostic form). */
export function shimById(id: ShimId): Shim {
  const family = FAMILIES.find((f) => f.shim.id === id);
  if (family === undefined) throw new TypeError(`shimById: unknown shim id ${String(id)}`);
  return family.shim;
}

function quirkApplies(q: Quirk, ident: ModemIdent): boolean {
  if (!q.models.test(ident.model ?? '')) return false;
  return q.revisions === undefined || q.revisions.test(ident.revision ?? '');
}

/**
 * The shim's traits patched by every quirk whose models (and revisions, when given) match the
 * identity, in the order the shim lists them; and those quirks.
 */
export function resolveTraits(shim: Shim, ident: ModemIdent): { traits: ShimTraits; quirks: Quirk[] } {
  const quirks = shim.quirks.filter((q) => quirkApplies(q, ident));
  let traits: ShimTraits = shim.traits;
  for (const q of quirks) if (q.traits !== undefined) traits = { ...traits, ...q.traits };
  return { traits, quirks };
}
