/**
 * The `<AcT>` values of 3GPP TS 27.007 §7.3 (+COPS) and §7.2 (+CREG/+CGREG/+CEREG/+C5GREG).
 */
import type { ActName } from '../types.js';

const NAMES: readonly ActName[] = [
  'gsm', // 0 GSM
  'gsm-compact', // 1 GSM Compact
  'umts', // 2 UTRAN
  'edge', // 3 GSM w/EGPRS
  'hsdpa', // 4 UTRAN w/HSDPA
  'hsupa', // 5 UTRAN w/HSUPA
  'hspa', // 6 UTRAN w/HSDPA and HSUPA
  'lte', // 7 E-UTRAN (LTE-M is reported as 7 too)
  'ec-gsm-iot', // 8 EC-GSM-IoT (A/Gb mode)
  'nb-iot', // 9 E-UTRAN (NB-S1 mode)
  'lte-5gc', // 10 E-UTRA connected to a 5GCN
  'nr-5gc', // 11 NR connected to a 5GCN
  'ng-ran', // 12 NG-RAN
  'en-dc', // 13 E-UTRA-NR dual connectivity
];

/**
 * The name of a 27.007 `<AcT>` value 0..13, null for anything else (values 14.. are satellite
 * access in later releases, or vendor use). Vendors that give 8 another meaning are remapped in
 * their shim, not here.
 */
export function actName(act: number): ActName | null {
  return Number.isInteger(act) ? (NAMES[act] ?? null) : null;
}
