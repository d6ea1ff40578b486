/**
 * The contract of a firmware shim: one per modem firmware family. A shim is mostly data (finals,
 * URC prefixes, quirks, traits) plus small functions; it talks to the modem only through an
 * AtChannel and never sees the engine or the port.
 */
import type { AtChannel } from '../modem/at/channel.js';
import type { VendorFinal } from '../modem/at/final.js';
import type { Result } from '../modem/at/result.js';
import type { IccidInfo, ModemIdent, ServingCell } from '../modem/at/types.js';

export type ShimId = 'generic' | 'quectel' | 'simcom' | 'ublox' | 'sierra' | 'telit';

/**
 * How the Modem service must treat a modem. A shim gives its family's values; quirks patch them for
 * the models and firmware revisions they name.
 */
export interface ShimTraits {
  /** Wait after `+CFUN=1` before the first SIM command, in ms. */
  readonly cfunSettleMs: number;
  /** How long `+CME ERROR: 14` (SIM busy) is retried after power-up or `+CFUN=1`, in ms. */
  readonly simBusyRetryMs: number;
  /** The firmware keeps echoing after `ATE0`; the engine strips echo anyway, this stops re-sending ATE0. */
  readonly isEchoStuckOn: boolean;
  /** `+CESQ` is implemented. */
  readonly hasCesq: boolean;
  /** `+C5GREG` is implemented. */
  readonly has5gReg: boolean;
  /**
   * `<AcT>` 8 in `+CREG/+CEREG/+COPS` means LTE Cat-M1 on this firmware (pre-Rel-13 numbering), not
   * EC-GSM-IoT as 27.007 now defines it.
   */
  readonly isAct8CatM: boolean;
  /** Time from the vendor soft reset to the port answering again, in ms. */
  readonly resetRecoverMs: number;
}

/** A known firmware bug or oddity, as data. Each one has a test named after its id. */
export interface Quirk {
  /** Stable id, `vendor-model-what`, e.g. `quectel-ec25-qccid-trailing-f`. */
  readonly id: string;
  readonly shim: ShimId;
  /** Models it applies to, matched against ModemIdent.model. */
  readonly models: RegExp;
  /** Firmware revisions it applies to; absent means every revision. */
  readonly revisions?: RegExp;
  /** Where we know it from: manual section, ModemManager source file, issue, capture. */
  readonly source: string;
  readonly summary: string;
  /** What the service does differently when it applies. */
  readonly traits?: Partial<ShimTraits>;
}

export interface Shim {
  readonly id: ShimId;
  /** Human name of the family, e.g. `Quectel (EC25/EG25/BG96/BG95)`. */
  readonly name: string;
  /**
   * How well the identity matches this family: 0 = not this family; higher wins. Pure.
   * `ati` is the raw `ATI` lines, for firmwares whose `+CGMI` is unhelpful.
   */
  detect(ident: ModemIdent, ati: readonly string[]): number;
  /**
   * Final result codes this family adds to the standard ones, each with whether it means success
   * (e.g. `{ line: 'SEND OK', isSuccess: true }`, `{ line: 'SEND FAIL', isSuccess: false }`).
   */
  readonly finals: readonly VendorFinal[];
  /** Line prefixes this family sends unsolicited (e.g. `+QIND:`, `RDY`). */
  readonly urcPrefixes: readonly string[];
  readonly traits: ShimTraits;
  readonly quirks: readonly Quirk[];
  /** Reads the ICCID with the family's command, falling back to the standard ones. */
  readIccid(ch: AtChannel): Promise<Result<IccidInfo>>;
  /** Serving cell through the family's query; `{ ok: false }` when the family has none. */
  readServingCell(ch: AtChannel): Promise<Result<ServingCell>>;
  /**
   * The family's soft reset. The port may vanish and come back afterwards: a timeout or a closed
   * port after the write counts as success. Rejects when the modem refuses the command.
   */
  reset(ch: AtChannel, opts?: ResetOptions): Promise<void>;
}

/** Options of `Shim.reset`. */
export interface ResetOptions {
  /** How long to wait for the reset command's answer, in ms; each shim has its own default. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}
