/**
 * Telit (LE910Cx, ME910C1, and the LM9x0 family ModemManager covers). ICCID via `AT#CCID`
 * (`#CCID: 89…`), serving cell via `AT#RFSTS`, reset via `AT#REBOOT` (ModemManager's telit plugin,
 * 8 s timeout).
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
import { parseRfstsServingCell } from './parse-rfsts.js';
import { TELIT_QUIRKS } from './telit-quirks.js';

/** `+CGMI` is `Telit`; `+CGMM` e.g. `LE910C1-EU`, `ME910C1-WW`, `LM940`. */
const TELIT_PATTERNS: IdentPatterns = {
  manufacturer: /^telit/i,
  model: /^(?:LE9\d\d|ME9\d\d|LM9\d\d|LN9\d\d|FN9\d\d|NE910|ML865|HE910|GE910|UE910|UL865|GL865)/i,
};

/**
 * ModemManager's telit plugin sends nothing special after `+CFUN=1`; it waits up to 3 s for
 * `#QSS` after unlocking the SIM (CSIM_UNLOCK_MAX_TIMEOUT), which the SIM-busy window covers. After
 * `#REBOOT` the module re-enumerates: 20 s.
 */
const TELIT_TRAITS: ShimTraits = {
  cfunSettleMs: 0,
  simBusyRetryMs: 10_000,
  isEchoStuckOn: false,
  // ME910C1/NE910C1 AT Commands Reference Guide (80529ST10815A) lists +CESQ.
  hasCesq: true,
  has5gReg: false,
  isAct8CatM: false,
  resetRecoverMs: 20_000,
};

/** ModemManager's telit plugin: `AT#REBOOT` with an 8 s timeout. */
const TELIT_RESET_TIMEOUT_MS = 8_000;

const ICCID_STEPS = withGenericIccidSteps([{ command: 'AT#CCID', parse: parseIccid }]);

export const telitShim: Shim = {
  id: 'telit',
  name: 'Telit (LE910/ME910)',
  detect: (ident: ModemIdent, ati: readonly string[]): number => scoreIdent(ident, ati, TELIT_PATTERNS),
  finals: [],
  urcPrefixes: [
    '#QSS:', // SIM status; ModemManager's telit plugin uses it for SIM hot swap
    '#PSNT:', // packet service network type, once enabled with #PSNT=1
    'SRING:', // socket ring (Telit IP Easy)
  ],
  traits: TELIT_TRAITS,
  quirks: TELIT_QUIRKS,
  readIccid: (ch: AtChannel): Promise<Result<IccidInfo>> => readIccidChain(ch, ICCID_STEPS),
  readServingCell: (ch: AtChannel): Promise<Result<ServingCell>> =>
    queryServingCell(ch, 'AT#RFSTS', parseRfstsServingCell),
  reset: (ch: AtChannel, opts?: ResetOptions): Promise<void> =>
    sendReset(ch, 'AT#REBOOT', opts, TELIT_RESET_TIMEOUT_MS),
};
