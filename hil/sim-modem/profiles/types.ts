/**
 * A modem firmware family as the simulator plays it: a data object (identity, network, traits) plus
 * small handlers for the family's vendor commands.
 */
import type { RegDomain } from '../../../modem/at/types.js';
import type { ParsedCommand } from '../parse-command.js';
import type { Reply, RespondContext } from '../reply.js';
import type { ModemState } from '../state.js';

export interface PdpStyle {
  readonly idleAddress: 'empty' | 'zero';
  readonly trailer: string;
}

export type ProfileFamily = 'generic' | 'quectel' | 'simcom' | 'ublox' | 'sierra' | 'telit';

export interface Profile {
  /** Registry key, e.g. `quectel-ec25`. */
  readonly id: string;
  readonly family: ProfileFamily;
  readonly summary: string;
  /** State at power-up: identity, SIM, network, signal, stored PDP contexts. */
  readonly initialState: ModemState;
  /** Registration domains the firmware implements; the others' commands answer `ERROR`. */
  readonly domains: readonly RegDomain[];
  /** `+CESQ` is implemented. */
  readonly hasCesq: boolean;
  /** Registration lines and `+COPS?` carry no `<AcT>` (2G-only firmware). */
  readonly omitsAct: boolean;
  /**
   * `+CGDCONT?`/`+CGPADDR` layout of an idle context: `idleAddress` `empty` (27.007) or `zero`
   * (`0.0.0.0`, as Quectel/SIMCom/Telit print), and the fields after the address (`0,0` or `0,0,0,0`).
   */
  readonly pdpStyle: PdpStyle;
  /** Highest PDP context id accepted. */
  readonly maxCid: number;
  /** Silence between a reset command's `OK` and the boot URCs, in ms. */
  readonly rebootMs: number;
  /** Lines sent unsolicited when the firmware has booted (`RDY` …). */
  bootUrcs(state: ModemState): readonly string[];
  /** Unsolicited lines a `urc-storm` fault cycles through. */
  readonly stormUrcs: readonly string[];
  ati(state: ModemState): readonly string[];
  cgmi(state: ModemState): readonly string[];
  cgmm(state: ModemState): readonly string[];
  cgmr(state: ModemState): readonly string[];
  cgsn(state: ModemState): readonly string[];
  /**
   * Vendor commands and family overrides of standard ones; runs before the standard responder.
   * Returns null for commands it does not handle.
   */
  vendor(cmd: ParsedCommand, state: ModemState, ctx: RespondContext): Reply | null;
}
