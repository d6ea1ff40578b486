/**
 * Sierra Wireless EM7455 (LTE Cat 6) on Rogers. Vendor commands: `AT!ICCID?` → `!ICCID: <iccid>`
 * (ModemManager src/plugins/sierra/mm-sim-sierra.c strips `!ICCID:`), `AT!GSTATUS?` (multi-line,
 * tab-separated), `AT!RESET`. `ATI` lists manufacturer, model, revision, MEID, IMEI, IMEI SV, FSN
 * and `+GCAP` (captures of SWI9X30C_02.24.05.06).
 */
import { rssiDbmOf } from '../format.js';
import type { ParsedCommand } from '../parse-command.js';
import { errorReply, okReply, type Reply, type RespondContext, withEffect } from '../reply.js';
import { effectiveRegistration, isRegistered, type ModemState } from '../state.js';
import { defineProfile, iccidReply, isDataActive, LTE_DOMAINS } from './base.js';

/** FDD uplink EARFCN is the downlink one + 18000 (TS 36.101 §5.7.3). */
const UPLINK_OFFSET = 18000;

/**
 * `AT!GSTATUS?` for LTE, after the captured layout
 * (`!GSTATUS: ` / `Current Time:  4306\t\tTemperature: 35` / … / `Tx Power:      --\t\tTAC:         550d (21773)` / `RSRQ (dB):     -11.6\t\tCell ID:     …`).
 */
export function gstatusLines(state: ModemState): readonly string[] {
  const mode = state.cfun === 1 ? 'ONLINE' : 'LOW POWER MODE';
  const reg = effectiveRegistration(state, 'eps');
  const head = [
    '!GSTATUS: ',
    'Current Time:  4306\t\tTemperature: 38',
    `Reset Counter: 1\t\tMode:        ${mode}`,
  ];
  if (!isRegistered(reg)) {
    return [
      ...head,
      'System mode:   No service\tPS state:    Not attached',
      'EMM state:     Deregistered\tNo Service',
    ];
  }
  const { signal, servingCell: cell } = state;
  const tac = reg.tac.toString(16);
  const ci = reg.cellId.toString(16).padStart(8, '0');
  const rssi = rssiDbmOf(state);
  const rsrp = Math.round(signal.rsrpDbm);
  return [
    ...head,
    'System mode:   LTE\tPS state:    Attached',
    `LTE band:      B${cell.band}\t\tLTE bw:      ${cell.bandwidthMhz} MHz`,
    `LTE Rx chan:   ${cell.earfcn}\t\tLTE Tx chan: ${cell.earfcn + UPLINK_OFFSET}`,
    'LTE CA state:  NOT ASSIGNED',
    'EMM state:     Registered\tNormal Service',
    `RRC state:     ${isDataActive(state) ? 'RRC Connected' : 'RRC Idle'}`,
    'IMS reg state: No Srv\t\t',
    '',
    `PCC RxM RSSI:  ${rssi}\t\tRSRP (dBm):  ${rsrp}`,
    `PCC RxD RSSI:  ${rssi - 2}\t\tRSRP (dBm):  ${rsrp - 2}`,
    `Tx Power:      --\t\tTAC:         ${tac} (${reg.tac})`,
    `RSRQ (dB):     ${signal.rsrqDb.toFixed(1)}\t\tCell ID:     ${ci} (${reg.cellId})`,
    `SINR (dB):     ${signal.sinrDb.toFixed(1)}`,
  ];
}

function vendor(cmd: ParsedCommand, state: ModemState, ctx: RespondContext): Reply | null {
  switch (cmd.name) {
    case '!ICCID':
      return cmd.form === 'read' ? iccidReply(state, ctx, `!ICCID: ${state.identity.iccid}`) : errorReply();
    case '!GSTATUS':
      return cmd.form === 'read' ? okReply(gstatusLines(state)) : errorReply();
    case '!RESET':
      return cmd.form === 'exec' ? withEffect(okReply(), 'reboot') : errorReply();
    default:
      return null;
  }
}

export const SIERRA_EM7455 = defineProfile({
  id: 'sierra-em7455',
  family: 'sierra',
  summary: 'Sierra Wireless EM7455, LTE Cat 6 (Rogers)',
  domains: LTE_DOMAINS,
  rebootMs: 1000,
  ati: (s) => [
    `Manufacturer: ${s.identity.manufacturer}`,
    `Model: ${s.identity.model}`,
    `Revision: ${s.identity.revision}`,
    'MEID: 35907206222233',
    `IMEI: ${s.identity.imei}`,
    'IMEI SV: 9',
    'FSN: LF709207040210',
    '+GCAP: +CGSM',
  ],
  vendor,
  state: {
    identity: {
      manufacturer: 'Sierra Wireless, Incorporated',
      model: 'EM7455',
      revision: 'SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 06:23:09',
      imei: '359072062222332',
      iccid: '89302720001234567890',
      imsi: '302720123456789',
    },
    operator: { mcc: '302', mnc: '720', longName: 'Rogers Wireless', shortName: 'Rogers' },
    registration: {
      cs: { state: 'home', lac: 0x550d, cellId: 0xa14666a, act: 7 },
      gprs: { state: 'home', lac: 0x550d, cellId: 0xa14666a, act: 7 },
      eps: { state: 'home', tac: 0x550d, cellId: 0xa14666a, act: 7 },
    },
    signal: { csq: 24, rsrpDbm: -91, rsrqDb: -11.6, sinrDb: 9.4 },
    servingCell: { earfcn: 2175, band: 4, pci: 404, bandwidthMhz: 20 },
    networkTime: { iso: '2026-12-01T14:05:23', tzQuarterHours: -16 },
    pdp: [{ cid: 1, type: 'IPV4V6', apn: 'ltemobile.apn', isActive: false, addresses: [] }],
  },
});
