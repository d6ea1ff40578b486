/**
 * SIMCom SIM7600E-H (LTE Cat 4) on Vodafone UK. Vendor commands: `AT+CICCID` → `+ICCID: <iccid>`,
 * `AT+CPSI?` (serving cell), `AT+CRESET` (soft reset). `AT+CGMR` answers with a `+CGMR: ` prefix.
 */
import { hex, rssiDbmOf } from '../format.js';
import type { ParsedCommand } from '../parse-command.js';
import { errorReply, okReply, type Reply, type RespondContext, withEffect } from '../reply.js';
import { effectiveRegistration, isRegistered, type ModemState } from '../state.js';
import { cpinUrc, defineProfile, iccidReply, LTE_DOMAINS } from './base.js';
import { lteBandwidthCode } from './quectel.js';

/**
 * `+CPSI: <System Mode>,<Operation Mode>[,<MCC>-<MNC>,<TAC>,<SCellID>,<PCellID>,<Frequency Band>,
 * <earfcn>,<dlbw>,<ulbw>,<RSRQ>,<RSRP>,<RSSI>,<RSSNR>]`, RSRQ/RSRP/RSSI in tenths of dB
 * (SIM7600 Series AT Command Manual, AT+CPSI; capture `+CPSI: LTE,Online,228-02,0x9CA4,20964868,46,EUTRAN-BAND20,6200,3,3,-178,-1089,-742,8`).
 */
export function cpsiLine(state: ModemState): string {
  const mode = state.cfun === 1 ? 'Online' : 'Low Power';
  const reg = effectiveRegistration(state, 'eps');
  if (!isRegistered(reg)) return `+CPSI: NO SERVICE,${mode}`;
  const { signal, servingCell: cell, operator } = state;
  const bw = lteBandwidthCode(cell.bandwidthMhz);
  const tenths = (v: number): number => Math.round(v * 10);
  return (
    `+CPSI: LTE,${mode},${operator.mcc}-${operator.mnc},0x${hex(reg.tac, 4)},${reg.cellId},${cell.pci},` +
    `EUTRAN-BAND${cell.band},${cell.earfcn},${bw},${bw},${tenths(signal.rsrqDb)},${tenths(signal.rsrpDbm)},` +
    `${tenths(rssiDbmOf(state))},${Math.round(signal.sinrDb)}`
  );
}

function vendor(cmd: ParsedCommand, state: ModemState, ctx: RespondContext): Reply | null {
  switch (cmd.name) {
    case '+CICCID':
      return cmd.form === 'exec' ? iccidReply(state, ctx, `+ICCID: ${state.identity.iccid}`) : errorReply();
    case '+CPSI':
      return cmd.form === 'read' ? okReply([cpsiLine(state)]) : errorReply();
    case '+CRESET':
      return cmd.form === 'exec' ? withEffect(okReply(), 'reboot') : errorReply();
    default:
      return null;
  }
}

export const SIMCOM_SIM7600 = defineProfile({
  id: 'simcom-sim7600',
  family: 'simcom',
  summary: 'SIMCom SIM7600E-H, LTE Cat 4 (Vodafone UK)',
  domains: LTE_DOMAINS,
  rebootMs: 500,
  // Power-on URCs on the AT port (SIM7600 AT manual: RDY, +CPIN: READY, SMS DONE, PB DONE).
  bootUrcs: (s) => {
    const cpin = cpinUrc(s);
    if (cpin === null) return ['RDY'];
    return s.sim === 'ready' ? ['RDY', cpin, 'SMS DONE', 'PB DONE'] : ['RDY', cpin];
  },
  // Capture: `Manufacturer: SIMCOM INCORPORATED` / `Model: SIMCOM_SIM7600E-H` / `Revision: SIM7600M22_V1.1` / `IMEI: …` / `+GCAP: +CGSM`.
  ati: (s) => [
    `Manufacturer: ${s.identity.manufacturer}`,
    `Model: ${s.identity.model}`,
    'Revision: SIM7600M22_V1.1',
    `IMEI: ${s.identity.imei}`,
    '+GCAP: +CGSM',
  ],
  cgmr: (s) => [`+CGMR: ${s.identity.revision}`],
  vendor,
  state: {
    identity: {
      manufacturer: 'SIMCOM INCORPORATED',
      model: 'SIMCOM_SIM7600E-H',
      revision: 'LE20B04SIM7600M22',
      imei: '867584039999904',
      iccid: '89441000001234567897',
      imsi: '234151234567890',
    },
    operator: { mcc: '234', mnc: '15', longName: 'Vodafone UK', shortName: 'voda UK' },
    registration: {
      cs: { state: 'home', lac: 0x9ca4, cellId: 0x13fe404, act: 7 },
      gprs: { state: 'home', lac: 0x9ca4, cellId: 0x13fe404, act: 7 },
      eps: { state: 'home', tac: 0x9ca4, cellId: 0x13fe404, act: 7 },
    },
    signal: { csq: 19, rsrpDbm: -108.9, rsrqDb: -17.8, sinrDb: 8 },
    servingCell: { earfcn: 6200, band: 20, pci: 46, bandwidthMhz: 10 },
    networkTime: { iso: '2026-12-01T18:05:23', tzQuarterHours: 0 },
    pdp: [{ cid: 1, type: 'IP', apn: 'internet', isActive: false, addresses: [] }],
  },
});
