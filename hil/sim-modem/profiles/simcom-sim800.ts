/**
 * SIMCom SIM800 (GSM/GPRS only) on vodafone IT. No EPS/5GS registration commands, no `+CESQ`,
 * registration lines and `+COPS?` without `<AcT>`, and `AT+CCID` answers the bare digits
 * (SIM800 Series AT Command Manual, AT+CCID; captures `ATI` → `SIM800 R14.18`).
 */
import type { ParsedCommand } from '../parse-command.js';
import { errorReply, type Reply, type RespondContext } from '../reply.js';
import type { ModemState } from '../state.js';
import { cpinUrc, defineProfile, iccidReply } from './base.js';

function vendor(cmd: ParsedCommand, state: ModemState, ctx: RespondContext): Reply | null {
  if (cmd.name === '+CCID')
    return cmd.form === 'exec' ? iccidReply(state, ctx, state.identity.iccid) : errorReply();
  return null;
}

export const SIMCOM_SIM800 = defineProfile({
  id: 'simcom-sim800',
  family: 'simcom',
  summary: 'SIMCom SIM800, GSM/GPRS (vodafone IT)',
  domains: ['cs', 'gprs'],
  hasCesq: false,
  omitsAct: true,
  maxCid: 3,
  pdpStyle: { idleAddress: 'zero', trailer: '0,0' },
  rebootMs: 400,
  // Boot URCs (captures: RDY, +CFUN: 1, +CPIN: READY, Call Ready, SMS Ready).
  bootUrcs: (s) => {
    const cpin = cpinUrc(s);
    if (cpin === null) return ['RDY', '+CFUN: 1'];
    return s.sim === 'ready'
      ? ['RDY', '+CFUN: 1', cpin, 'Call Ready', 'SMS Ready']
      : ['RDY', '+CFUN: 1', cpin];
  },
  ati: () => ['SIM800 R14.18'],
  vendor,
  state: {
    identity: {
      manufacturer: 'SIMCOM_Ltd',
      model: 'SIMCOM_SIM800',
      revision: 'Revision:1418B04SIM800C32',
      imei: '869264024567895',
      iccid: '89391000012345678900',
      imsi: '222101234567890',
    },
    operator: { mcc: '222', mnc: '10', longName: 'vodafone IT', shortName: 'voda IT' },
    registration: {
      cs: { state: 'home', lac: 0x4e2d, cellId: 0x1f3a, act: 0 },
      gprs: { state: 'home', lac: 0x4e2d, cellId: 0x1f3a, act: 0 },
      eps: { state: 'not-registered', act: 0 },
    },
    signal: { csq: 18, rsrpDbm: -140, rsrqDb: -20, sinrDb: 0 },
    servingCell: { earfcn: 0, band: 900, pci: 0, bandwidthMhz: 0 },
    networkTime: null,
    pdp: [{ cid: 1, type: 'IP', apn: 'web.omnitel.it', isActive: false, addresses: [] }],
  },
});
