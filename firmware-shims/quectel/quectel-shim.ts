/**
 * Quectel (EC25/EG25-G/BG96/BG95, and the RM5xx 5G modules). ICCID via `AT+QCCID`, serving cell via
 * `AT+QENG="servingcell"`, reset via `AT+CFUN=1,1` (what ModemManager's quectel plugin uses).
 */
import type { AtChannel } from '../../modem/at/channel.js';
import { parseIccid } from '../../modem/at/parsers/index.js';
import type { Result } from '../../modem/at/result.js';
import type { IccidInfo, ModemIdent, ServingCell } from '../../modem/at/types.js';
import { readIccidChain, withGenericIccidSteps } from '../generic/iccid-chain.js';
import { type IdentPatterns, scoreIdent } from '../generic/ident-match.js';
import { queryServingCell } from '../generic/serving-cell.js';
import { sendReset } from '../generic/soft-reset.js';
import type { ResetOptions, Shim, ShimTraits } from '../shim.js';
import { parseQengServingCell } from './parse-qeng.js';
import { QUECTEL_QUIRKS } from './quectel-quirks.js';

/** `+CGMI` is `Quectel` (older firmware `Quectel_Ltd`); models as `+CGMM`/`ATI` print them. */
const QUECTEL_PATTERNS: IdentPatterns = {
  manufacturer: /quectel/i,
  model:
    /^(?:Quectel_)?(?:EC2[015]|EG2[15]|EG9[15]|EP06|EG06|EM0[56]|EM1[2-9]|EM20|BG9[56]|BG77|RM5\d\d|RG5\d\d|EC200|UC20)/i,
  // e.g. EC25EFAR06A06M4G, EG25GGBR07A08M2G, BG96MAR02A07M1G, BG95M3LAR02A03, RM500QGLABR11A06M4G
  revision: /^(?:EC2[015]|EG2[15]|EG9[15]|EP06|EG06|EM\d\d|BG9[56]|RM5\d\d|RG5\d\d)[A-Z0-9]*R\d\dA\d\d/i,
};

/**
 * ModemManager's quectel plugin powers up with `+CFUN=1` and no settle time: these firmwares report
 * readiness themselves (`+CPIN: READY`, `+QUSIM: 1`, `+QIND: SMS DONE`). A reset re-enumerates USB
 * and prints `RDY` when the AT port is back; 20 s covers EC25/BG96 boot.
 */
const QUECTEL_TRAITS: ShimTraits = {
  cfunSettleMs: 0,
  simBusyRetryMs: 10_000,
  isEchoStuckOn: false,
  hasCesq: true,
  has5gReg: false,
  isAct8CatM: false,
  resetRecoverMs: 20_000,
};

/** 15 s, the timeout ModemManager's quectel plugin gives `+CFUN=1,1`. */
const QUECTEL_RESET_TIMEOUT_MS = 15_000;

const ICCID_STEPS = withGenericIccidSteps([{ command: 'AT+QCCID', parse: parseIccid }]);

export const quectelShim: Shim = {
  id: 'quectel',
  name: 'Quectel (EC25/EG25-G/BG96/BG95)',
  detect: (ident: ModemIdent, ati: readonly string[]): number => scoreIdent(ident, ati, QUECTEL_PATTERNS),
  // Quectel TCP/IP AT manual, AT+QISEND: "SEND OK" / "SEND FAIL" end a send.
  finals: [
    { line: 'SEND OK', isSuccess: true },
    { line: 'SEND FAIL', isSuccess: false },
  ],
  urcPrefixes: [
    'RDY', // boot finished; ModemManager treats it as "modem reset, reprobe"
    'APP RDY', // BG95 after RDY
    'POWERED DOWN', // after AT+QPOWD
    '+QIND:', // e.g. +QIND: SMS DONE, +QIND: PB DONE
    '+QUSIM:', // USIM (re)initialised; ModemManager runs its SIM-swap check on it
    '+QIURC:', // socket events
    '+QGPSURC:', // ignored by ModemManager
    '+QLWURC:', // ignored by ModemManager
  ],
  traits: QUECTEL_TRAITS,
  quirks: QUECTEL_QUIRKS,
  readIccid: (ch: AtChannel): Promise<Result<IccidInfo>> => readIccidChain(ch, ICCID_STEPS),
  readServingCell: (ch: AtChannel): Promise<Result<ServingCell>> =>
    queryServingCell(ch, 'AT+QENG="servingcell"', (lines) => parseQengServingCell(lines)),
  reset: (ch: AtChannel, opts?: ResetOptions): Promise<void> =>
    sendReset(ch, 'AT+CFUN=1,1', opts, QUECTEL_RESET_TIMEOUT_MS),
};
