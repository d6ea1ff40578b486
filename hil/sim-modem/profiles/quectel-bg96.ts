/**
 * Quectel BG96 (LTE Cat-M1) on AT&T. BG96 numbers Cat-M1 as `<AcT>` 8 in +CREG/+CEREG/+COPS
 * (BG96 AT manual: 8 = LTE Cat M1, 9 = LTE Cat NB1) where 27.007 has 7.
 */
import { defineProfile, LTE_DOMAINS } from './base.js';
import { QUECTEL_STORM_URCS, quectelBootUrcs, quectelVendor } from './quectel.js';

export const QUECTEL_BG96 = defineProfile({
  id: 'quectel-bg96',
  family: 'quectel',
  summary: 'Quectel BG96, LTE Cat-M1 (AT&T)',
  domains: LTE_DOMAINS,
  rebootMs: 500,
  bootUrcs: (s) => quectelBootUrcs(s, false),
  stormUrcs: QUECTEL_STORM_URCS,
  vendor: quectelVendor('CAT-M'),
  state: {
    identity: {
      manufacturer: 'Quectel',
      model: 'BG96',
      revision: 'BG96MAR02A07M1G',
      imei: '866425039876547',
      iccid: '8901410432109876540',
      imsi: '310410123456789',
    },
    operator: { mcc: '310', mnc: '410', longName: 'AT&T', shortName: 'AT&T' },
    registration: {
      cs: { state: 'home', lac: 0x8b1e, cellId: 0xa2041b, act: 8 },
      gprs: { state: 'home', lac: 0x8b1e, cellId: 0xa2041b, act: 8 },
      eps: { state: 'home', tac: 0x8b1e, cellId: 0xa2041b, act: 8 },
    },
    signal: { csq: 14, rsrpDbm: -105, rsrqDb: -11, sinrDb: 10 },
    servingCell: { earfcn: 5110, band: 12, pci: 187, bandwidthMhz: 10 },
    networkTime: { iso: '2026-12-01T13:05:23', tzQuarterHours: -20 },
    pdp: [{ cid: 1, type: 'IPV4V6', apn: 'm2m.com.attz', isActive: false, addresses: [] }],
  },
});
