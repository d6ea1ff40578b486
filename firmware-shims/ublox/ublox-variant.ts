/**
 * Which u-blox module family an identity is: SARA-R4 (`+UCGED=5`, reboot `+CFUN=15`) or SARA-R5
 * (`+UCGED=2`, reboot `+CFUN=16`). Pure.
 */
import type { ModemIdent } from '../../modem/at/types.js';

export type UbloxVariant = 'sara-r4' | 'sara-r5' | 'unknown';

/** The variant for `+CGMM` or `ATI` text; `unknown` for other u-blox modules. */
export function ubloxVariant(ident: ModemIdent, ati: readonly string[] = []): UbloxVariant {
  const names = [ident.model ?? '', ...ati].join('\n');
  if (/SARA-R4/i.test(names)) return 'sara-r4';
  if (/SARA-R5/i.test(names)) return 'sara-r5';
  return 'unknown';
}
