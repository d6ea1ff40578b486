/**
 * SIMCom (SIM7600, SIM7080/SIM7000, SIM800). The LTE modules read the ICCID with `AT+CICCID`
 * (`+ICCID: …`) and reset with `AT+CRESET`; the 2G SIM800 has neither: `AT+CCID` (bare digits) and
 * `AT+CFUN=1,1`. `createSimcomShim(ident)` picks the right set; the default set tries both.
 */
import type { AtChannel } from '../../modem/at/channel.js';
import { parseIccid } from '../../modem/at/parsers/index.js';
import type { Result } from '../../modem/at/result.js';
import type { IccidInfo, ModemIdent, ServingCell } from '../../modem/at/types.js';
import { type IccidStep, readIccidChain, withGenericIccidSteps } from '../generic/iccid-chain.js';
import { type IdentPatterns, scoreIdent } from '../generic/ident-match.js';
import { queryServingCell } from '../generic/serving-cell.js';
import { sendResetWithFallback } from '../generic/soft-reset.js';
import type { ResetOptions, Shim, ShimTraits } from '../shim.js';
import { parseCpsiServingCell } from './parse-cpsi.js';
import { SIMCOM_QUIRKS } from './simcom-quirks.js';
import { type SimcomVariant, simcomVariant } from './simcom-variant.js';

/**
 * `+CGMI` is `SIMCOM INCORPORATED` (SIM7600, SIM7080G) or `SIMCOM_Ltd` (SIM800, SIM7000); `+CGMM`
 * `SIMCOM_SIM7600G-H`, `SIMCOM_SIM7080G`, `SIMCOM_SIM800`; SIM800's `ATI` is `SIM800 R14.18`.
 */
const SIMCOM_PATTERNS: IdentPatterns = {
  manufacturer: /simcom/i,
  model: /(?:^|SIMCOM_)(?:SIM[578]\d{2,3}|A76\d\d)/i,
  // e.g. SIM7600M22_V2.0, LE20B04SIM7600G22, Revision:1351B05SIM7080G, Revision:1418B04SIM800M32
  revision: /SIM(?:7[05-9]\d0|800)[A-Z0-9]*/i,
};

/**
 * SIMCom firmware announces readiness with `+CPIN: READY`, `SMS DONE`, `PB DONE` (SIM7600) or
 * `Call Ready`/`SMS Ready` (SIM800), so no fixed settle time after `+CFUN=1`. `AT+CRESET` reboots
 * the module and USB re-enumerates (the SIM7600 prints `RDY`/`*ATREADY` again): 20 s.
 */
const SIMCOM_TRAITS: ShimTraits = {
  cfunSettleMs: 0,
  simBusyRetryMs: 10_000,
  isEchoStuckOn: false,
  hasCesq: true,
  has5gReg: false,
  isAct8CatM: false,
  resetRecoverMs: 20_000,
};

const SIMCOM_RESET_TIMEOUT_MS = 15_000;

// SIM7500/SIM7600 AT manual: AT+CICCID answers "+ICCID: <iccid>".
const CICCID = { command: 'AT+CICCID', parse: parseIccid };
const CCID = { command: 'AT+CCID', parse: parseIccid };

const ICCID_STEPS: Readonly<Record<SimcomVariant, readonly IccidStep[]>> = {
  lte: withGenericIccidSteps([CICCID]),
  sim800: withGenericIccidSteps([CCID]),
  unknown: withGenericIccidSteps([CICCID]),
};

const RESET_COMMANDS: Readonly<Record<SimcomVariant, readonly string[]>> = {
  lte: ['AT+CRESET'],
  sim800: ['AT+CFUN=1,1'],
  // AT+CRESET is refused by firmware that lacks it (SIM800): fall back to 27.007's reset.
  unknown: ['AT+CRESET', 'AT+CFUN=1,1'],
};

/** The SIMCom shim for an identity (or the model-agnostic one without). */
export function createSimcomShim(ident?: ModemIdent, ati: readonly string[] = []): Shim {
  const variant = ident === undefined ? 'unknown' : simcomVariant(ident, ati);
  return {
    id: 'simcom',
    name: 'SIMCom (SIM7600/SIM7080/SIM800)',
    detect: (id: ModemIdent, lines: readonly string[]): number => scoreIdent(id, lines, SIMCOM_PATTERNS),
    // SIM7600/SIM800 TCP/IP application notes: CIPSEND ends with "SEND OK" or "SEND FAIL".
    finals: [
      { line: 'SEND OK', isSuccess: true },
      { line: 'SEND FAIL', isSuccess: false },
    ],
    urcPrefixes: [
      'RDY', // boot (SIM800, SIM7600)
      '*ATREADY', // SIM7600 AT port ready
      'SMS DONE',
      'PB DONE',
      'Call Ready', // SIM800
      'SMS Ready', // SIM800
      '+CFUN:', // SIM800 boot banner "+CFUN: 1"
      '+CGEV:',
    ],
    traits: SIMCOM_TRAITS,
    quirks: SIMCOM_QUIRKS,
    readIccid: (ch: AtChannel): Promise<Result<IccidInfo>> => readIccidChain(ch, ICCID_STEPS[variant]),
    readServingCell: (ch: AtChannel): Promise<Result<ServingCell>> =>
      queryServingCell(ch, 'AT+CPSI?', parseCpsiServingCell),
    reset: (ch: AtChannel, opts?: ResetOptions): Promise<void> =>
      sendResetWithFallback(ch, RESET_COMMANDS[variant], opts, SIMCOM_RESET_TIMEOUT_MS),
  };
}

export const simcomShim: Shim = createSimcomShim();
