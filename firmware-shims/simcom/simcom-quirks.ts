/**
 * Known SIMCom firmware oddities, as data. Each has a test named after its id.
 */
import type { Quirk } from '../shim.js';

export const SIMCOM_QUIRKS: readonly Quirk[] = [
  {
    id: 'simcom-sim7600-cpsi-tenths',
    shim: 'simcom',
    models: /SIM7[56]00/i,
    source:
      'SIM7500/SIM7600 Series AT Command Manual, +CPSI example "+CPSI: LTE,Online,404-45,0x21F9,322642,453,' +
      'EUTRAN-BAND40,39275,4,4,-168,-1126,-773,7"; ROOTer simcomdata.sh (ofmodemsandmen/RooterSource) divides ' +
      'RSRQ/RSRP by 10 and takes SINR = 2*RSSNR-20',
    summary:
      'On "LTE" lines RSRQ/RSRP/RSSI are in tenths and RSSNR is an index (SINR = 2x-20 dB); the SIM70x0 ' +
      '"LTE CAT-M1"/"LTE NB-IOT" lines use whole units.',
  },
  {
    id: 'simcom-sim800-ccid-bare-digits',
    shim: 'simcom',
    models: /SIM8\d\d(?!\d)/i,
    source: 'Linch1/SIM800L README: AT+CCID answers "8939103320004650065f" (no prefix, lower-case F filler)',
    summary: 'SIM800 reads the ICCID with AT+CCID, printed as a bare line of 19 digits padded with "f".',
  },
];
