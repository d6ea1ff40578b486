/**
 * The profile registry: one simulated firmware family per key.
 */
import { GENERIC } from './generic.js';
import { QUECTEL_BG96 } from './quectel-bg96.js';
import { QUECTEL_EC25 } from './quectel-ec25.js';
import { SIERRA_EM7455 } from './sierra-em7455.js';
import { SIMCOM_SIM800 } from './simcom-sim800.js';
import { SIMCOM_SIM7600 } from './simcom-sim7600.js';
import { TELIT_LE910 } from './telit-le910.js';
import type { Profile } from './types.js';
import { UBLOX_SARA_R5 } from './ublox-sara-r5.js';
import { UBLOX_SARA_R410M } from './ublox-sara-r410m.js';

export type { Profile, ProfileFamily } from './types.js';

export const PROFILES: Readonly<Record<string, Profile>> = {
  generic: GENERIC,
  'quectel-ec25': QUECTEL_EC25,
  'quectel-bg96': QUECTEL_BG96,
  'simcom-sim7600': SIMCOM_SIM7600,
  'simcom-sim800': SIMCOM_SIM800,
  'ublox-sara-r410m': UBLOX_SARA_R410M,
  'ublox-sara-r5': UBLOX_SARA_R5,
  'sierra-em7455': SIERRA_EM7455,
  'telit-le910': TELIT_LE910,
};

/** The profile for a key; throws TypeError for an unknown one (a programmer or CLI mistake). */
export function profileById(id: string): Profile {
  const p = PROFILES[id];
  if (p === undefined) {
    throw new TypeError(`unknown modem profile "${id}"; known: ${Object.keys(PROFILES).join(', ')}`);
  }
  return p;
}
