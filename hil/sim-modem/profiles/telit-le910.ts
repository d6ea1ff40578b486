/**
 * Telit LE910C1-EU (LTE Cat 1, firmware 25.21.xx3) on Telia. Vendor commands: `AT#CCID` →
 * `#CCID: <iccid>`, `AT+ICCID` → `+ICCID: <iccid>`, `AT#RFSTS`, `AT#REBOOT`.
 */
import { hex, rssiDbmOf } from '../format.js';
import type { ParsedCommand } from '../parse-command.js';
import { errorReply, okReply, type Reply, type RespondContext, withEffect } from '../reply.js';
import { effectiveRegistration, isRegistered, type ModemState } from '../state.js';
import { defineProfile, iccidReply, isDataActive, LTE_DOMAINS } from './base.js';

/**
 * `#RFSTS` on LTE (LE910Cx AT Commands Reference Guide, #RFSTS):
 * `<PLMN>,<EARFCN>,<RSRP>,<RSSI>,<RSRQ>,<TAC>,<RAC>,[<TXPWR>],<DRX>,<MM>,<RRC>,<CID>,<IMSI>,[<NetNameAsc>],<SD>,<ABND>,<SINR>`
 * (captures `#RFSTS: "310 410",800,-93,-59,-14,8B1E,255,-5,1280,19,2,A20…,"310410…","AT&T",3,2` and
 * `#RFSTS: "286 01",1795,-101,-67,-15,2242,,128,3,1,0B5D121,"2860…","Turkcell",3,3,108`; SINR coded 0..250).
 */
export function rfstsLine(state: ModemState): string {
  const reg = effectiveRegistration(state, 'eps');
  const { signal, servingCell: cell, operator, identity } = state;
  if (!isRegistered(reg)) return `#RFSTS: "",0,,,,0000,,,,,0,0000000,"${identity.imsi}","",0,0,0`;
  const sinr = Math.max(0, Math.min(250, Math.round((signal.sinrDb + 20) * 5)));
  const rrc = isDataActive(state) ? 2 : 0;
  return (
    `#RFSTS: "${operator.mcc} ${operator.mnc}",${cell.earfcn},${Math.round(signal.rsrpDbm)},${rssiDbmOf(state)},` +
    `${Math.round(signal.rsrqDb)},${hex(reg.tac, 4)},255,,128,19,${rrc},${hex(reg.cellId, 7)},` +
    `"${identity.imsi}","${operator.longName}",3,${cell.band},${sinr}`
  );
}

function vendor(cmd: ParsedCommand, state: ModemState, ctx: RespondContext): Reply | null {
  switch (cmd.name) {
    case '#CCID':
      return cmd.form === 'exec' ? iccidReply(state, ctx, `#CCID: ${state.identity.iccid}`) : errorReply();
    case '+ICCID':
      return cmd.form === 'exec' ? iccidReply(state, ctx, `+ICCID: ${state.identity.iccid}`) : errorReply();
    case '#RFSTS':
      return cmd.form === 'exec' ? okReply([rfstsLine(state)]) : errorReply();
    case '#REBOOT':
      return cmd.form === 'exec' ? withEffect(okReply(), 'reboot') : errorReply();
    default:
      return null;
  }
}

export const TELIT_LE910 = defineProfile({
  id: 'telit-le910',
  family: 'telit',
  summary: 'Telit LE910C1-EU, LTE Cat 1 (Telia)',
  domains: LTE_DOMAINS,
  rebootMs: 800,
  // ATI is ATI0, "numerical identifier" in the reference guide; the exact text is not confirmed by a capture.
  ati: (s) => [s.identity.manufacturer, s.identity.model, s.identity.revision],
  vendor,
  state: {
    identity: {
      manufacturer: 'Telit',
      model: 'LE910C1-EU',
      revision: '25.21.663',
      imei: '354840098765432',
      iccid: '89460100001234567896',
      imsi: '240011234567890',
    },
    operator: { mcc: '240', mnc: '01', longName: 'Telia', shortName: 'Telia' },
    registration: {
      cs: { state: 'home', lac: 0x2242, cellId: 0xb5d121, act: 7 },
      gprs: { state: 'home', lac: 0x2242, cellId: 0xb5d121, act: 7 },
      eps: { state: 'home', tac: 0x2242, cellId: 0xb5d121, act: 7 },
    },
    signal: { csq: 23, rsrpDbm: -101, rsrqDb: -15, sinrDb: 1.6 },
    servingCell: { earfcn: 1795, band: 3, pci: 280, bandwidthMhz: 20 },
    networkTime: { iso: '2026-12-01T20:05:23', tzQuarterHours: 4 },
    pdp: [{ cid: 1, type: 'IP', apn: 'online.telia.se', isActive: false, addresses: [] }],
  },
});
