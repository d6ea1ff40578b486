/**
 * `<stat>` of +CREG/+CGREG/+CEREG/+C5GREG (3GPP TS 27.007 §7.2, §10.1.19, §10.1.22, §10.1.47) as a
 * registration state.
 */
import type { RegState } from '../types.js';

const STATES: readonly RegState[] = [
  'not-registered', // 0 not registered, not searching
  'home', // 1 registered, home network
  'searching', // 2 not registered, searching
  'denied', // 3 registration denied
  'unknown', // 4 unknown (e.g. out of coverage)
  'roaming', // 5 registered, roaming
  'home', // 6 registered for "SMS only", home network
  'roaming', // 7 registered for "SMS only", roaming
  'not-registered', // 8 attached for emergency bearer services only
  'home', // 9 registered for "CSFB not preferred", home network
  'roaming', // 10 registered for "CSFB not preferred", roaming
  'not-registered', // 11 emergency services only (5GS)
];

/** nRF91 firmware reports `+CEREG: 90` for "not registered due to UICC failure". */
export const STAT_UICC_FAILURE = 90;

/** The state for a raw `<stat>`; values outside the table give 'unknown'. */
export function regStateFromStat(stat: number): RegState {
  if (stat === STAT_UICC_FAILURE) return 'not-registered';
  return Number.isInteger(stat) ? (STATES[stat] ?? 'unknown') : 'unknown';
}

/** True for the `<stat>` values the parsers accept: 0..11, and 90 (nRF91). */
export function isKnownStat(stat: number): boolean {
  return (Number.isInteger(stat) && stat >= 0 && stat <= 11) || stat === STAT_UICC_FAILURE;
}
