/**
 * Which SIMCom command set an identity needs: the LTE modules (SIM7500/SIM7600, SIM7000/SIM7080,
 * A76xx) or the 2G SIM800, which lacks `+CICCID` and `+CRESET`. Pure.
 */
import type { ModemIdent } from '../../modem/at/types.js';

export type SimcomVariant = 'lte' | 'sim800' | 'unknown';

/** The variant for `+CGMM`/`+CGMR` or `ATI` text; `unknown` when neither names a model. */
export function simcomVariant(ident: ModemIdent, ati: readonly string[] = []): SimcomVariant {
  const names = [ident.model ?? '', ident.revision ?? '', ...ati].join('\n');
  if (/SIM8\d\d(?!\d)/i.test(names)) return 'sim800';
  if (/SIM7\d{3}|A76\d\d/i.test(names)) return 'lte';
  return 'unknown';
}
