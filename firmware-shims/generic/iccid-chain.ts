/**
 * Reads the ICCID by trying commands in order: the family's own command first, then the 27.007
 * ones. A command the modem refuses, or whose answer does not parse, moves on to the next; when all
 * fail the reason names each command and why.
 */
import type { AtChannel } from '../../modem/at/channel.js';
import { parseCrsmIccid, parseIccid } from '../../modem/at/parsers/index.js';
import { fail, type Result } from '../../modem/at/result.js';
import type { IccidInfo } from '../../modem/at/types.js';
import { refusalReason } from './at-refusal.js';

/** One way of reading the ICCID: the command and the parser of its information lines. */
export interface IccidStep {
  readonly command: string;
  readonly parse: (lines: readonly string[]) => Result<IccidInfo>;
}

/**
 * The 27.007 fallbacks: `+CCID` (not in 27.007 but near universal), `+ICCID`, and READ BINARY of
 * EF_ICCID (file 2FE2 = 12258, 10 bytes) with restricted SIM access `+CRSM` (27.007 §8.18).
 */
export const GENERIC_ICCID_STEPS: readonly IccidStep[] = [
  { command: 'AT+CCID', parse: parseIccid },
  { command: 'AT+ICCID', parse: parseIccid },
  { command: 'AT+CRSM=176,12258,0,0,10', parse: parseCrsmIccid },
];

/** The family's steps followed by the generic ones, each command once. */
export function withGenericIccidSteps(first: readonly IccidStep[]): IccidStep[] {
  const out: IccidStep[] = [];
  for (const step of [...first, ...GENERIC_ICCID_STEPS]) {
    if (!out.some((s) => s.command === step.command)) out.push(step);
  }
  return out;
}

/**
 * Runs `steps` until one yields an ICCID. Rejections other than a refusal (timeout, closed port,
 * abort) are not the command's fault and propagate.
 */
export async function readIccidChain(ch: AtChannel, steps: readonly IccidStep[]): Promise<Result<IccidInfo>> {
  const why: string[] = [];
  for (const step of steps) {
    let lines: readonly string[];
    try {
      lines = (await ch.send(step.command)).lines;
    } catch (e) {
      const refused = refusalReason(e);
      if (refused === null) throw e;
      why.push(`${step.command}: ${refused}`);
      continue;
    }
    const parsed = step.parse(lines);
    if (parsed.ok) return parsed;
    why.push(`${step.command}: ${parsed.reason}`);
  }
  return fail(`ICCID not read: ${why.join('; ')}`);
}
