/**
 * The 3GPP TS 27.007 shim: for any modem no vendor shim claims. Standard commands only; no
 * serving-cell query (27.007 has none: `+CEREG`/`+CESQ` give parts of it, read by the Modem service).
 */
import type { AtChannel } from '../../modem/at/channel.js';
import { fail, type Result } from '../../modem/at/result.js';
import type { IccidInfo, ServingCell } from '../../modem/at/types.js';
import type { ResetOptions, Shim, ShimTraits } from '../shim.js';
import { GENERIC_ICCID_STEPS, readIccidChain } from './iccid-chain.js';
import { DEFAULT_RESET_TIMEOUT_MS, sendReset } from './soft-reset.js';

/**
 * Conservative values for a modem we know nothing about: 27.007 defines no timing. 2 s after
 * `+CFUN=1` and 10 s of SIM-busy retries cover the vendor figures below; a reset is given 30 s to
 * come back because USB modems re-enumerate.
 */
export const GENERIC_TRAITS: ShimTraits = {
  cfunSettleMs: 2_000,
  simBusyRetryMs: 10_000,
  isEchoStuckOn: false,
  hasCesq: true,
  has5gReg: false,
  isAct8CatM: false,
  resetRecoverMs: 30_000,
};

export const genericShim: Shim = {
  id: 'generic',
  name: 'Generic 3GPP TS 27.007',
  detect: () => 1,
  finals: [],
  urcPrefixes: [],
  traits: GENERIC_TRAITS,
  quirks: [],
  readIccid: (ch: AtChannel): Promise<Result<IccidInfo>> => readIccidChain(ch, GENERIC_ICCID_STEPS),
  readServingCell: async (): Promise<Result<ServingCell>> =>
    fail('serving cell query is not supported by generic 27.007'),
  // 27.007 §8.2: <fun>=1 with <rst>=1 resets the MT before setting full functionality.
  reset: (ch: AtChannel, opts?: ResetOptions): Promise<void> =>
    sendReset(ch, 'AT+CFUN=1,1', opts, DEFAULT_RESET_TIMEOUT_MS),
};
