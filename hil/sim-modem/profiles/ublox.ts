/**
 * u-blox commands shared by SARA-R4 and SARA-R5: `AT+CCID` → `+CCID: <iccid>`, `AT+CFUN=15|16`
 * (silent reset; 16 also resets the SIM), `AT+UCGED=<mode>` and the `ATI` layout
 * (SARA-R4 capture: `Manufacturer: u-blox` / `Model: SARA-R410M-02B` / `Revision: …` / `SVN: 02` / `IMEI: …`).
 */
import { intArg, type ParsedCommand } from '../parse-command.js';
import { cmeReply, errorReply, okReply, type Reply, type RespondContext, withEffect } from '../reply.js';
import type { ModemState } from '../state.js';
import { iccidReply } from './base.js';

export interface UcgedSpec {
  /** Modes `AT+UCGED=<mode>` accepts. */
  readonly modes: readonly number[];
  /** The `AT+UCGED?` lines in the current mode. */
  read(state: ModemState): readonly string[];
}

export const ucgedMode = (state: ModemState): number => state.vendorModes.ucged ?? 0;

export function ubloxAti(svn: string) {
  return (s: ModemState): readonly string[] => [
    `Manufacturer: ${s.identity.manufacturer}`,
    `Model: ${s.identity.model}`,
    `Revision: ${s.identity.revision}`,
    `SVN: ${svn}`,
    `IMEI: ${s.identity.imei}`,
  ];
}

export function ubloxVendor(ucged: UcgedSpec) {
  return (cmd: ParsedCommand, state: ModemState, ctx: RespondContext): Reply | null => {
    switch (cmd.name) {
      case '+CCID':
        return cmd.form === 'exec' ? iccidReply(state, ctx, `+CCID: ${state.identity.iccid}`) : errorReply();
      case '+CFUN': {
        const fun = cmd.form === 'set' ? intArg(cmd.args, 0) : null;
        if (fun === 15 || fun === 16) return withEffect(okReply(), 'reboot');
        return null;
      }
      case '+UCGED': {
        if (cmd.form === 'read') return okReply(ucged.read(state));
        if (cmd.form !== 'set') return errorReply();
        const mode = intArg(cmd.args, 0);
        // Operation not supported: SARA-R4 (except R422) has only mode 5 (ubxlib u_cell_info.c).
        if (mode === null || !ucged.modes.includes(mode)) return cmeReply(state, 4);
        return okReply([], { vendorModes: { ucged: mode } });
      }
      default:
        return null;
    }
  };
}
