/**
 * SIM state from `AT+CPIN?` (3GPP TS 27.007 §8.3) or from the `+CME ERROR` a command got instead.
 */
import { fail, ok, type Result } from '../result.js';
import type { CpinInfo, SimState } from '../types.js';
import { findPrefixed, hasGarbage, show, unquote } from './lines.js';

// <code> values of 27.007 §8.3 and vendor additions, in canonical spelling (upper case, single
// spaces, `PH_` written `PH-`).
const CODES: ReadonlyMap<string, SimState> = new Map<string, SimState>([
  ['READY', 'ready'],
  ['SIM PIN', 'pin-required'],
  ['SIM PUK', 'puk-required'],
  // PIN2/PUK2 guard only some phonebook/FDN operations; the SIM is usable.
  ['SIM PIN2', 'ready'],
  ['SIM PUK2', 'ready'],
  ['PH-SIM PIN', 'pin-required'],
  ['PH-SIM PUK', 'puk-required'],
  ['PH-FSIM PIN', 'pin-required'],
  ['PH-FSIM PUK', 'puk-required'],
  ['PH-NET PIN', 'pin-required'],
  ['PH-NET PUK', 'puk-required'],
  ['PH-NETSUB PIN', 'pin-required'],
  ['PH-NETSUB PUK', 'puk-required'],
  ['PH-SP PIN', 'pin-required'],
  ['PH-SP PUK', 'puk-required'],
  ['PH-CORP PIN', 'pin-required'],
  ['PH-CORP PUK', 'puk-required'],
  // SIMCom SIM300/SIM800 (e.g. SIM800 R14.18) report a missing or unreadable card in +CPIN itself.
  ['NOT INSERTED', 'absent'],
  ['SIM NOT INSERTED', 'absent'],
  ['SIM REMOVED', 'absent'],
  ['NO SIM', 'absent'],
  ['NOT READY', 'error'],
  ['SIM FAILURE', 'error'],
  ['SIM BUSY', 'error'],
  ['SIM WRONG', 'error'],
  // ST-Ericsson/Android RIL: PUK attempts used up, the card is dead.
  ['BLOCKED', 'error'],
]);

function canonical(code: string): string {
  return code.toUpperCase().replace(/_/g, '-').replace(/\s+/g, ' ').trim();
}

/**
 * Reads `+CPIN: <code>`: READY → ready; SIM PIN / PH-… PIN → pin-required; SIM PUK / PH-… PUK →
 * puk-required; SIM PIN2/PUK2 → ready (the SIM is usable); NOT INSERTED → absent and NOT READY →
 * error (SIMCom). Quotes, case and `PH_` for `PH-` are tolerated. An unknown code gives a reason.
 */
export function parseCpin(lines: readonly string[]): Result<CpinInfo> {
  const line = findPrefixed(lines, ['+CPIN:']);
  if (line === null) return fail('+CPIN: no +CPIN line in the response');
  const code = unquote(line.rest);
  if (code === '') return fail('+CPIN: empty <code>');
  if (hasGarbage(code)) return fail(`+CPIN: <code> ${show(code)} has unreadable characters`);
  const key = canonical(code);
  let sim = CODES.get(key);
  // Other PH- locks (PH-SIMLOCK PIN, PH-ESL PIN on ST-Ericsson) follow the same PIN/PUK pattern.
  if (sim === undefined && /^PH-[A-Z0-9]+ PIN$/.test(key)) sim = 'pin-required';
  if (sim === undefined && /^PH-[A-Z0-9]+ PUK$/.test(key)) sim = 'puk-required';
  // Other vendor wordings for a missing or broken card ("SIM NOT READY", "NO SIM CARD" …).
  if (sim === undefined && /NOT INSERTED|REMOVED|\bNO SIM\b/.test(key)) sim = 'absent';
  if (sim === undefined && /NOT READY|FAILURE|ERROR|BUSY/.test(key)) sim = 'error';
  if (sim === undefined) return fail(`+CPIN: unknown <code> ${show(code)}`);
  return ok({ sim, code });
}

/**
 * The SIM state a `+CME ERROR` implies (27.007 §9.2.1), or null when the error says nothing about
 * the SIM: 10 → absent; 5, 6, 11 and the personalisation PINs 40/42/44/46 → pin-required; 7, 12 and
 * 41/43/45/47 → puk-required; 13 (failure), 14 (busy), 15 (wrong) → error.
 */
export function simStateFromCme(cme: number | null): SimState | null {
  switch (cme) {
    case 10:
      return 'absent';
    case 5:
    case 6:
    case 11:
    case 40:
    case 42:
    case 44:
    case 46:
      return 'pin-required';
    case 7:
    case 12:
    case 41:
    case 43:
    case 45:
    case 47:
      return 'puk-required';
    case 13:
    case 14:
    case 15:
      return 'error';
    default:
      return null;
  }
}
