/**
 * A modem that speaks 3GPP TS 27.007 and V.250 only: no vendor ICCID command (the agent must fall
 * back to `+CRSM` on EF_ICCID), `+C5GREG` implemented but not registered on NR.
 */
import { defineProfile } from './base.js';

export const GENERIC = defineProfile({
  id: 'generic',
  family: 'generic',
  summary: '3GPP TS 27.007 only (Orange F, LTE)',
  domains: ['cs', 'gprs', 'eps', '5gs'],
  pdpStyle: { idleAddress: 'empty', trailer: '0,0' },
  state: {
    identity: {
      manufacturer: 'Generic',
      model: 'TS27007-LTE',
      revision: '1.0.0',
      imei: '352090112345678',
      iccid: '8933010000123456784',
      imsi: '208011234567890',
    },
    operator: { mcc: '208', mnc: '01', longName: 'Orange F', shortName: 'Orange' },
    registration: {
      cs: { state: 'home', lac: 0x1b58, cellId: 0x0a1b2c3, act: 7 },
      gprs: { state: 'home', lac: 0x1b58, cellId: 0x0a1b2c3, act: 7 },
      eps: { state: 'home', tac: 0x1b58, cellId: 0x0a1b2c3, act: 7 },
      '5gs': { state: 'not-registered', act: 11 },
    },
    signal: { csq: 20, rsrpDbm: -95, rsrqDb: -10, sinrDb: 12 },
    servingCell: { earfcn: 1300, band: 3, pci: 101, bandwidthMhz: 20 },
    networkTime: { iso: '2026-12-01T19:05:23', tzQuarterHours: 4 },
    pdp: [{ cid: 1, type: 'IP', apn: 'orange.fr', isActive: false, addresses: [] }],
  },
});
