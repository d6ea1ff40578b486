/**
 * u-blox SARA-R410M-02B (LTE Cat-M1) on Verizon. `AT+UCGED` has only mode 5 on this module:
 * `+RSRP: <pci>,<earfcn>,"-096.50",` and `+RSRQ: <pci>,<earfcn>,"-20.00",` (ubxlib u_cell_info.c;
 * Particle trace `AT+UCGED=5` / `+RSRP: 476,5110,"-096.50",` / `+RSRQ: 476,5110,"-20.00",`).
 * Cat-M1 is `<AcT>` 8 in +COPS/+CEREG on this firmware (same trace: `+COPS: 0,2,"310410",8`).
 */
import { effectiveRegistration, isRegistered, type ModemState } from '../state.js';
import { defineProfile, LTE_DOMAINS } from './base.js';
import { ubloxAti, ubloxVendor, ucgedMode } from './ublox.js';

/** `-096.50`: sign, `digits` integer digits, two decimals. */
function fixed(value: number, digits: number): string {
  const sign = value < 0 ? '-' : '';
  return `${sign}${Math.abs(value)
    .toFixed(2)
    .padStart(digits + 3, '0')}`;
}

export function ucged5Lines(state: ModemState): readonly string[] {
  if (ucgedMode(state) !== 5) return [`+UCGED: ${ucgedMode(state)}`];
  if (!isRegistered(effectiveRegistration(state, 'eps'))) return [];
  const pci = String(state.servingCell.pci).padStart(3, '0');
  const { earfcn } = state.servingCell;
  return [
    `+RSRP: ${pci},${earfcn},"${fixed(state.signal.rsrpDbm, 3)}",`,
    `+RSRQ: ${pci},${earfcn},"${fixed(state.signal.rsrqDb, 2)}",`,
  ];
}

export const UBLOX_SARA_R410M = defineProfile({
  id: 'ublox-sara-r410m',
  family: 'ublox',
  summary: 'u-blox SARA-R410M-02B, LTE Cat-M1 (Verizon)',
  domains: LTE_DOMAINS,
  rebootMs: 600,
  ati: ubloxAti('03'),
  vendor: ubloxVendor({ modes: [0, 5], read: ucged5Lines }),
  state: {
    identity: {
      manufacturer: 'u-blox',
      model: 'SARA-R410M-02B',
      revision: 'L0.0.00.00.05.08 [Apr 17 2019 19:34:02]',
      imei: '352753091111227',
      iccid: '89148000001234567898',
      imsi: '311480123456789',
    },
    operator: { mcc: '311', mnc: '480', longName: 'Verizon', shortName: 'Verizon' },
    registration: {
      cs: { state: 'home', lac: 0x0d00, cellId: 0x33c416, act: 8 },
      gprs: { state: 'home', lac: 0x0d00, cellId: 0x33c416, act: 8 },
      eps: { state: 'home', tac: 0x0d00, cellId: 0x33c416, act: 8 },
    },
    signal: { csq: 16, rsrpDbm: -96.5, rsrqDb: -14.2, sinrDb: 6 },
    servingCell: { earfcn: 5230, band: 13, pci: 162, bandwidthMhz: 10 },
    networkTime: { iso: '2026-12-01T13:05:23', tzQuarterHours: -20 },
    pdp: [{ cid: 1, type: 'IP', apn: 'vzwinternet', isActive: false, addresses: [] }],
    vendorModes: { ucged: 0 },
  },
});
