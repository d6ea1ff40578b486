/**
 * Quectel vendor commands shared by EC25 and BG96: `AT+QCCID` and `AT+QENG="servingcell"`.
 */
import { hex, iccidPadded, rssiDbmOf } from '../format.js';
import type { ParsedCommand } from '../parse-command.js';
import { errorReply, okReply, type Reply, type RespondContext } from '../reply.js';
import { effectiveRegistration, isRegistered, type ModemState } from '../state.js';
import { cpinUrc, iccidReply, isDataActive } from './base.js';

/** LTE `<UL_bandwidth>`/`<DL_bandwidth>` code: 0 = 1.4 MHz … 5 = 20 MHz (EC25&EC21 AT Commands Manual V1.3, AT+QENG). */
export function lteBandwidthCode(mhz: number): number {
  const codes: Readonly<Record<number, number>> = { 1.4: 0, 3: 1, 5: 2, 10: 3, 15: 4, 20: 5 };
  return codes[mhz] ?? 5;
}

/**
 * `+QENG: "servingcell",<state>,…` for an LTE (EC25) or Cat-M (BG96) serving cell.
 * EC25: `…,"LTE","FDD",<MCC>,<MNC>,<cellID>,<PCID>,<earfcn>,<band>,<UL_bw>,<DL_bw>,<TAC>,<RSRP>,<RSRQ>,<RSSI>,<SINR>,<CQI>,<tx_power>,<srxlev>`
 * (EC25 AT manual V1.3; capture `+QENG: "servingcell","NOCONN","LTE","FDD",460,00,8F381C5,107,1300,3,5,5,3193,-98,-13,-70,-3,0,0,21`).
 * BG96: `…,"CAT-M","FDD",<MCC>,<MNC>,<cellID>,<PCID>,<earfcn>,<band>,<UL_bw>,<DL_bw>,<TAC>,<RSRP>,<RSRQ>,<RSSI>,<SINR>,<srxlev>`
 * (BG96 AT manual; capture `…,"CAT-M","FDD",262,03,2FAA03,187,6200,20,3,3,2AFB,-105,-11,-76,10,-`).
 */
export function qengServingCell(state: ModemState, rat: 'LTE' | 'CAT-M'): string {
  const reg = effectiveRegistration(state, 'eps');
  if (reg.state === 'not-registered' || reg.state === 'searching') return '+QENG: "servingcell","SEARCH"';
  const word = !isRegistered(reg) ? 'LIMSRV' : isDataActive(state) ? 'CONNECT' : 'NOCONN';
  const { signal, servingCell: cell, operator } = state;
  const bw = lteBandwidthCode(cell.bandwidthMhz);
  const common =
    `+QENG: "servingcell","${word}","${rat}","FDD",${operator.mcc},${operator.mnc},` +
    `${hex(reg.cellId, 1)},${cell.pci},${cell.earfcn},${cell.band},${bw},${bw},${hex(reg.tac, 1)},` +
    `${Math.round(signal.rsrpDbm)},${Math.round(signal.rsrqDb)},${rssiDbmOf(state)},${Math.round(signal.sinrDb)}`;
  if (rat === 'CAT-M') return `${common},-`;
  const srxlev = Math.max(0, Math.round(signal.rsrpDbm) + 119);
  return `${common},0,0,${srxlev}`;
}

/**
 * `AT+QCCID`: the ICCID as 20 characters; a 19-digit ICCID is padded with `F`
 * (quirk quectel-ec25-qccid-trailing-f; captures `+QCCID: 8901260886258128535F`).
 */
export function qccidLine(state: ModemState): string {
  return `+QCCID: ${iccidPadded(state.identity.iccid)}`;
}

export function quectelVendor(rat: 'LTE' | 'CAT-M') {
  return (cmd: ParsedCommand, state: ModemState, ctx: RespondContext): Reply | null => {
    if (cmd.name === '+QCCID')
      return cmd.form === 'exec' ? iccidReply(state, ctx, qccidLine(state)) : errorReply();
    if (cmd.name === '+QENG') {
      if (cmd.form !== 'set' || cmd.args[0]?.toLowerCase() !== 'servingcell') return errorReply();
      return okReply([qengServingCell(state, rat)]);
    }
    return null;
  };
}

/** Boot URCs on the AT port (captures: `RDY`, `+CFUN: 1`, `+CPIN: READY`, `+QUSIM: 1`, `+QIND: SMS DONE`, `+QIND: PB DONE`). */
export function quectelBootUrcs(state: ModemState, hasPbDone: boolean): string[] {
  const cpin = cpinUrc(state);
  const out = ['RDY', '+CFUN: 1'];
  if (cpin === null) return out;
  out.push(cpin);
  if (state.sim !== 'ready') return out;
  out.push('+QUSIM: 1', '+QIND: SMS DONE');
  if (hasPbDone) out.push('+QIND: PB DONE');
  return out;
}

export const QUECTEL_STORM_URCS: readonly string[] = ['+QIND: "csq",20,99', '+CEREG: 1', 'RING'];
