/**
 * u-blox SARA-R510S-01B (LTE Cat-M1) on KPN. `AT+UCGED=2` then `AT+UCGED?` gives three lines
 * (ubxlib u_cell_info.c, SARA-R5 flavour):
 *   `+UCGED: 2` / `<rat>,<svc>,<MCC>,<MNC>` /
 *   `<earfcn>,<Lband>,<ul_BW>,<dl_BW>,<tac>,<LcellId>,<PCID>,<mTmsi>,<mmeGrId>,<mmeCode>,<rsrp>,<rsrq>,<Lsinr>,<Lrrc>,<RI>,<CQI>,<avg_rsrp>,<totalPuschPwr>,<avgPucchPwr>,<drx>,<l2w>,<volte_mode>,<meas_gap>`
 * e.g. `6,4,001,01` / `2525,5,50,50,e8fe,1a2d001,1,d60814d1,8001,01,28,31,13.75,3,1,10,28,-50,-6,0,255,255,0`.
 * RSRP/RSRQ are TS 36.133 indices; bandwidths in resource blocks; ids in lower-case hex.
 */
import { effectiveRegistration, isRegistered, type ModemState } from '../state.js';
import { defineProfile, LTE_DOMAINS } from './base.js';
import { ubloxAti, ubloxVendor, ucgedMode } from './ublox.js';

const RESOURCE_BLOCKS: Readonly<Record<number, number>> = { 1.4: 6, 3: 15, 5: 25, 10: 50, 15: 75, 20: 100 };
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** Not camped: the unknown values SARA-R510 prints (Particle Device OS capture). */
const UNKNOWN_CELL =
  '65535,255,255,255,ffff,0000000,65535,00000000,ffff,ff,255,255,255,1,255,255,255,255,255,0,255,255,0';

export function ucged2Lines(state: ModemState): readonly string[] {
  const mode = ucgedMode(state);
  if (mode !== 2) return [`+UCGED: ${mode}`];
  const reg = effectiveRegistration(state, 'eps');
  const svc = state.cfun !== 1 ? 1 : isRegistered(reg) ? 4 : 2;
  if (svc !== 4) return ['+UCGED: 2', `6,${svc},fff,fff`, UNKNOWN_CELL];
  const { signal, servingCell: cell, operator } = state;
  const rb = RESOURCE_BLOCKS[cell.bandwidthMhz] ?? 50;
  const rsrp = clamp(Math.floor(signal.rsrpDbm) + 141, 0, 97);
  const rsrq = clamp(Math.floor((signal.rsrqDb + 20) * 2), 0, 34);
  const fields = [
    cell.earfcn,
    cell.band,
    rb,
    rb,
    reg.tac.toString(16).padStart(4, '0'),
    reg.cellId.toString(16).padStart(7, '0'),
    cell.pci,
    'd60814d1',
    '8001',
    '01',
    rsrp,
    rsrq,
    signal.sinrDb.toFixed(2),
    3,
    1,
    10,
    rsrp,
    -50,
    -6,
    0,
    255,
    255,
    0,
  ];
  return ['+UCGED: 2', `6,4,${operator.mcc},${operator.mnc}`, fields.join(',')];
}

export const UBLOX_SARA_R5 = defineProfile({
  id: 'ublox-sara-r5',
  family: 'ublox',
  summary: 'u-blox SARA-R510S-01B, LTE Cat-M1 (KPN)',
  domains: LTE_DOMAINS,
  rebootMs: 600,
  ati: ubloxAti('01'),
  vendor: ubloxVendor({ modes: [0, 2], read: ucged2Lines }),
  state: {
    identity: {
      manufacturer: 'u-blox',
      model: 'SARA-R510S-01B',
      revision: '03.15',
      imei: '356083104321753',
      iccid: '8931080000123456783',
      imsi: '204081234567890',
    },
    operator: { mcc: '204', mnc: '08', longName: 'NL KPN', shortName: 'KPN' },
    registration: {
      cs: { state: 'home', lac: 0x0cbc, cellId: 0x1a2d001, act: 7 },
      gprs: { state: 'home', lac: 0x0cbc, cellId: 0x1a2d001, act: 7 },
      eps: { state: 'home', tac: 0x0cbc, cellId: 0x1a2d001, act: 7 },
    },
    signal: { csq: 17, rsrpDbm: -100, rsrqDb: -12, sinrDb: 13.75 },
    servingCell: { earfcn: 6300, band: 20, pci: 211, bandwidthMhz: 10 },
    networkTime: { iso: '2026-12-01T19:05:23', tzQuarterHours: 4 },
    pdp: [{ cid: 1, type: 'IP', apn: 'internet', isActive: false, addresses: [] }],
    vendorModes: { ucged: 0 },
  },
});
