/**
 * Quectel EC25-E (LTE Cat 4) on Telekom.de. `ATI` answers `Quectel` / `EC25` / `Revision: …`
 * (EC25&EC21 AT Commands Manual V1.3, ATI; EG25-G capture `Quectel` / `EG25` / `Revision: EG25GGBR07A08M2G`).
 * The ICCID has 19 digits, so `+QCCID` shows the trailing `F`.
 */
import { defineProfile, LTE_DOMAINS } from './base.js';
import { QUECTEL_STORM_URCS, quectelBootUrcs, quectelVendor } from './quectel.js';

export const QUECTEL_EC25 = defineProfile({
  id: 'quectel-ec25',
  family: 'quectel',
  summary: 'Quectel EC25-E, LTE Cat 4 (Telekom.de)',
  domains: LTE_DOMAINS,
  rebootMs: 500,
  bootUrcs: (s) => quectelBootUrcs(s, true),
  stormUrcs: QUECTEL_STORM_URCS,
  vendor: quectelVendor('LTE'),
  state: {
    identity: {
      manufacturer: 'Quectel',
      model: 'EC25',
      revision: 'EC25EFAR06A06M4G',
      imei: '861677031234563',
      iccid: '8949010000123456780',
      imsi: '262011234567890',
    },
    operator: { mcc: '262', mnc: '01', longName: 'Telekom.de', shortName: 'TDG' },
    registration: {
      cs: { state: 'home', lac: 0x3193, cellId: 0x8f381c5, act: 7 },
      gprs: { state: 'home', lac: 0x3193, cellId: 0x8f381c5, act: 7 },
      eps: { state: 'home', tac: 0x3193, cellId: 0x8f381c5, act: 7 },
    },
    signal: { csq: 21, rsrpDbm: -98, rsrqDb: -13, sinrDb: 11 },
    servingCell: { earfcn: 6300, band: 20, pci: 107, bandwidthMhz: 10 },
    networkTime: { iso: '2026-12-01T19:05:23', tzQuarterHours: 4 },
    pdp: [{ cid: 1, type: 'IP', apn: 'internet.telekom', isActive: false, addresses: [] }],
  },
});
