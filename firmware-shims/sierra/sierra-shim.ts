/**
 * Sierra Wireless (EM7455, MC73xx, and the SWI9X50 EM75xx). ICCID via `AT!ICCID?` (`!ICCID: 89…`,
 * what ModemManager's mm-sim-sierra.c reads), serving cell via `AT!GSTATUS?`, reset via `AT!RESET`,
 * unlocking the protected command set with `AT!ENTERCND="A710"` when the firmware refuses it.
 */
import type { AtChannel } from '../../modem/at/channel.js';
import { parseIccid } from '../../modem/at/parsers/index.js';
import type { Result } from '../../modem/at/result.js';
import type { IccidInfo, ModemIdent, ServingCell } from '../../modem/at/types.js';
import { refusalReason } from '../generic/at-refusal.js';
import { readIccidChain, withGenericIccidSteps } from '../generic/iccid-chain.js';
import { type IdentPatterns, scoreIdent } from '../generic/ident-match.js';
import { queryServingCell } from '../generic/serving-cell.js';
import { resetSendOptions, sendReset } from '../generic/soft-reset.js';
import type { ResetOptions, Shim, ShimTraits } from '../shim.js';
import { parseGstatusServingCell } from './parse-gstatus.js';
import { SIERRA_QUIRKS } from './sierra-quirks.js';

/** `+CGMI`/`ATI`: `Sierra Wireless, Incorporated`; revisions `SWI9X15C_…` (MC73xx), `SWI9X30C_…` (EM74xx). */
const SIERRA_PATTERNS: IdentPatterns = {
  manufacturer: /sierra wireless/i,
  model: /^(?:EM|MC)7\d{3}|^AC\d{3}\b|^C885\b|^WP7\d/i,
  revision: /^SWI9X\d\dC_/i,
};

/**
 * ModemManager (mm-common-sierra.c) waits 5 s after `+CFUN=1` on current (DirectIP/QMI era) devices
 * before sending anything else. `AT!RESET` drops the USB device; 30 s for it to enumerate again.
 */
const SIERRA_TRAITS: ShimTraits = {
  cfunSettleMs: 5_000,
  simBusyRetryMs: 10_000,
  isEchoStuckOn: false,
  hasCesq: true,
  has5gReg: false,
  isAct8CatM: false,
  resetRecoverMs: 30_000,
};

const SIERRA_RESET_TIMEOUT_MS = 10_000;

/** Factory default password of the protected command set, as public guides use it (mips171/telcos). */
const ENTERCND = 'AT!ENTERCND="A710"';

const ICCID_STEPS = withGenericIccidSteps([{ command: 'AT!ICCID?', parse: parseIccid }]);

async function resetSierra(ch: AtChannel, opts: ResetOptions | undefined): Promise<void> {
  try {
    await sendReset(ch, 'AT!RESET', opts, SIERRA_RESET_TIMEOUT_MS);
    return;
  } catch (e) {
    if (refusalReason(e) === null) throw e;
  }
  await ch.send(ENTERCND, resetSendOptions(opts, SIERRA_RESET_TIMEOUT_MS));
  await sendReset(ch, 'AT!RESET', opts, SIERRA_RESET_TIMEOUT_MS);
}

export const sierraShim: Shim = {
  id: 'sierra',
  name: 'Sierra Wireless (EM7455/MC73xx)',
  detect: (ident: ModemIdent, ati: readonly string[]): number => scoreIdent(ident, ati, SIERRA_PATTERNS),
  finals: [],
  // ModemManager (mm-common-sierra.c) registers +PACSP as an unsolicited message to ignore.
  urcPrefixes: ['+PACSP'],
  traits: SIERRA_TRAITS,
  quirks: SIERRA_QUIRKS,
  readIccid: (ch: AtChannel): Promise<Result<IccidInfo>> => readIccidChain(ch, ICCID_STEPS),
  readServingCell: (ch: AtChannel): Promise<Result<ServingCell>> =>
    queryServingCell(ch, 'AT!GSTATUS?', parseGstatusServingCell),
  reset: resetSierra,
};
