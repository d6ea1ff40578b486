/**
 * Known Sierra Wireless firmware oddities, as data. Each has a test named after its id.
 */
import type { Quirk } from '../shim.js';

export const SIERRA_QUIRKS: readonly Quirk[] = [
  {
    id: 'sierra-ac860-c885-cfun-settle-10s',
    shim: 'sierra',
    models: /^(?:AC860|C885)\b/i,
    source:
      'ModemManager src/plugins/sierra/mm-common-sierra.c cfun_enable_ready(): "Many Sierra devices return OK ' +
      'immediately in response to CFUN=1 but need some time to finish powering up … Give more time for older ' +
      'devices like the AC860 and C885" (10 s, 5 s for sierra_net devices)',
    summary: 'OK to +CFUN=1 comes before the radio is up; commands sent too early fail or crash the modem.',
    traits: { cfunSettleMs: 10_000 },
  },
  {
    id: 'sierra-reset-password-protected',
    shim: 'sierra',
    models: /^(?:EM|MC)7\d{3}/i,
    source:
      'AirPrime MC73xx/8805 AT Command Reference (4114486) §2, !ENTERCND: password-protected commands stay ' +
      'locked until the password is entered; mips171/telcos set_modem_in_10D_mode.sh sends AT!ENTERCND="A710" ' +
      'before AT!RESET',
    summary:
      'AT!RESET may be refused until AT!ENTERCND="A710" (the factory default password) unlocks the ' +
      'protected command set; the shim enters it and retries once.',
  },
];
