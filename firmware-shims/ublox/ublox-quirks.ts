/**
 * Known u-blox firmware oddities, as data. Each has a test named after its id. The reboot waits are
 * u-blox's own figures: ubxlib cell/src/u_cell_private.c gUCellPrivateModuleList, "Reboot wait"
 * (seconds from the reboot command to the module answering again).
 */
import type { Quirk } from '../shim.js';

const MODULE_TABLE = 'u-blox/ubxlib cell/src/u_cell_private.c gUCellPrivateModuleList';

export const UBLOX_QUIRKS: readonly Quirk[] = [
  {
    id: 'ublox-sara-r4-ucged5-only',
    shim: 'ublox',
    models: /^SARA-R4(?!22)/i,
    source:
      'u-blox/ubxlib cell/src/u_cell_info.c uCellInfoRefreshRadioParameters(): "SARA-R4 (except 422) only ' +
      `supports UCGED=5, and it only supports it in EUTRAN mode"; ${MODULE_TABLE} flags U_CELL_PRIVATE_FEATURE_UCGED5`,
    summary:
      'AT+UCGED=2 is refused; mode 5 prints +RSRP:/+RSRQ: lines (PCI, EARFCN, value) instead of the cell table.',
  },
  {
    id: 'ublox-sara-r4-reboot-cfun15',
    shim: 'ublox',
    models: /^SARA-R4/i,
    source: `${MODULE_TABLE}: "AT+CFUN reboot command" is 15 for every SARA-R4 entry, 16 for SARA-R5`,
    summary:
      'The SARA-R4 is rebooted with AT+CFUN=15 (silent reset without SIM reset); the SARA-R5 with AT+CFUN=16.',
  },
  {
    id: 'ublox-sara-r412m-r422-reboot-10s',
    shim: 'ublox',
    models: /^SARA-R4(?:12M|22)/i,
    source: `${MODULE_TABLE}: SARA-R412M-02B and SARA-R422 "Reboot wait" 10 s (SARA-R410M 5 s)`,
    summary: 'Needs 10 s after the reboot command before it answers AT again.',
    traits: { resetRecoverMs: 10_000 },
  },
  {
    id: 'ublox-sara-r5-reboot-15s',
    shim: 'ublox',
    models: /^SARA-R5/i,
    source: `${MODULE_TABLE}: SARA-R5 "Reboot wait" 15 s`,
    summary: 'Needs 15 s after AT+CFUN=16 before it answers AT again.',
    traits: { resetRecoverMs: 15_000 },
  },
  {
    id: 'ublox-sara-r410m-act8-catm',
    shim: 'ublox',
    models: /^SARA-R41[02]M-0[12]B/i,
    source:
      'u-blox SARA-R4 AT Commands Manual, +COPS <AcT> 8 "LTE Cat M1"; public SARA drivers note 8 means LTE Cat M1 ' +
      'on SARA-R410M-01B/-02B but EC-GSM-IoT on SARA-R404M and -52B',
    summary: '<AcT> 8 is LTE Cat-M1 on SARA-R410M-01B/-02B.',
    traits: { isAct8CatM: true },
  },
];
