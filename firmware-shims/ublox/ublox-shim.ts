/**
 * u-blox (SARA-R4, SARA-R5). ICCID via `AT+CCID` (`+CCID: 89…`, what ModemManager's ublox plugin
 * reads), serving cell via `AT+UCGED?` after enabling the module's reporting mode (5 on SARA-R4, 2 on
 * SARA-R5), reset via `AT+CFUN=15` (SARA-R4) or `AT+CFUN=16` (SARA-R5, and ModemManager's ublox
 * plugin for every u-blox module). `createUbloxShim(ident)` picks the per-module commands; without an
 * identity the shim tries the SARA-R5 form first and falls back to the SARA-R4 one on a refusal.
 */
import type { AtChannel } from '../../modem/at/channel.js';
import { afterPrefix, toInt } from '../../modem/at/fields.js';
import { parseIccid } from '../../modem/at/parsers/index.js';
import { fail, type Result } from '../../modem/at/result.js';
import type { IccidInfo, ModemIdent, ServingCell } from '../../modem/at/types.js';
import { refusalReason } from '../generic/at-refusal.js';
import { readIccidChain, withGenericIccidSteps } from '../generic/iccid-chain.js';
import { type IdentPatterns, scoreIdent } from '../generic/ident-match.js';
import { sendResetWithFallback } from '../generic/soft-reset.js';
import type { ResetOptions, Shim, ShimTraits } from '../shim.js';
import { parseUcgedServingCell } from './parse-ucged.js';
import { UBLOX_QUIRKS } from './ublox-quirks.js';
import { type UbloxVariant, ubloxVariant } from './ublox-variant.js';

/** `+CGMI` is `u-blox`; `+CGMM` e.g. `SARA-R410M-02B`, `SARA-R510M8S`. */
const UBLOX_PATTERNS: IdentPatterns = {
  manufacturer: /u-blox/i,
  model: /^(?:SARA|LARA|TOBY|LISA|LEXI|LENA)-[A-Z]\d/i,
};

/**
 * ModemManager's ublox plugin powers up with `+CFUN=1` and no settle time. The reset figure is the
 * SARA-R410M's 5 s "Reboot wait" from ubxlib; slower modules carry a quirk.
 */
const UBLOX_TRAITS: ShimTraits = {
  cfunSettleMs: 0,
  simBusyRetryMs: 10_000,
  isEchoStuckOn: false,
  hasCesq: true,
  has5gReg: false,
  isAct8CatM: false,
  resetRecoverMs: 5_000,
};

const UBLOX_RESET_TIMEOUT_MS = 15_000;

const ICCID_STEPS = withGenericIccidSteps([{ command: 'AT+CCID', parse: parseIccid }]);

const REPORTING_MODES: Readonly<Record<UbloxVariant, readonly number[]>> = {
  'sara-r4': [5],
  'sara-r5': [2],
  unknown: [2, 5],
};

const RESET_COMMANDS: Readonly<Record<UbloxVariant, readonly string[]>> = {
  'sara-r4': ['AT+CFUN=15'],
  'sara-r5': ['AT+CFUN=16'],
  unknown: ['AT+CFUN=16', 'AT+CFUN=15'],
};

/** Lines of a `+UCGED?` answer, or the refusal's description. */
async function queryUcged(ch: AtChannel): Promise<{ lines: readonly string[] } | { refused: string }> {
  try {
    return { lines: (await ch.send('AT+UCGED?')).lines };
  } catch (e) {
    const refused = refusalReason(e);
    if (refused === null) throw e;
    return { refused };
  }
}

/** True when the answer says reporting is off (`+UCGED: 0`) rather than "no cell". */
function isReportingOff(lines: readonly string[]): boolean {
  if (lines.some((l) => afterPrefix(l, '+RSRP:') !== null)) return false;
  const mode = lines.map((l) => afterPrefix(l, '+UCGED:')).find((m) => m !== null);
  return mode !== undefined && mode !== null && toInt(mode) !== 2 && toInt(mode) !== 5;
}

async function readServingCell(ch: AtChannel, variant: UbloxVariant): Promise<Result<ServingCell>> {
  const first = await queryUcged(ch);
  if ('lines' in first) {
    const parsed = parseUcgedServingCell(first.lines);
    if (parsed.ok || !isReportingOff(first.lines)) return parsed;
  }
  const why: string[] = 'refused' in first ? [`AT+UCGED?: ${first.refused}`] : [];
  let isEnabled = false;
  for (const mode of REPORTING_MODES[variant]) {
    try {
      await ch.send(`AT+UCGED=${mode}`);
      isEnabled = true;
      break;
    } catch (e) {
      const refused = refusalReason(e);
      if (refused === null) throw e;
      why.push(`AT+UCGED=${mode}: ${refused}`);
    }
  }
  if (!isEnabled) return fail(`+UCGED: reporting could not be enabled: ${why.join('; ')}`);
  const second = await queryUcged(ch);
  if ('refused' in second) return fail(`AT+UCGED?: ${second.refused}`);
  return parseUcgedServingCell(second.lines);
}

/** The u-blox shim for an identity (or the module-agnostic one without). */
export function createUbloxShim(ident?: ModemIdent, ati: readonly string[] = []): Shim {
  const variant = ident === undefined ? 'unknown' : ubloxVariant(ident, ati);
  return {
    id: 'ublox',
    name: 'u-blox (SARA-R4/SARA-R5)',
    detect: (id: ModemIdent, lines: readonly string[]): number => scoreIdent(id, lines, UBLOX_PATTERNS),
    finals: [],
    urcPrefixes: [
      '+UUSORD:', // socket data ready (SARA-R4/R5 AT manuals, +USORD)
      '+UUSORF:', // UDP data ready (+USORF)
      '+UUSOCL:', // socket closed
      '+UUPSDA:', // PSD profile activated
      '+UUPSDD:', // PSD profile deactivated
      '+PBREADY', // phonebook ready; ignored by ModemManager's ublox plugin
    ],
    traits: UBLOX_TRAITS,
    quirks: UBLOX_QUIRKS,
    readIccid: (ch: AtChannel): Promise<Result<IccidInfo>> => readIccidChain(ch, ICCID_STEPS),
    readServingCell: (ch: AtChannel): Promise<Result<ServingCell>> => readServingCell(ch, variant),
    reset: (ch: AtChannel, opts?: ResetOptions): Promise<void> =>
      sendResetWithFallback(ch, RESET_COMMANDS[variant], opts, UBLOX_RESET_TIMEOUT_MS),
  };
}

export const ubloxShim: Shim = createUbloxShim();
