/**
 * `AT+CESQ` extended signal quality (3GPP TS 27.007 §8.69).
 */
import { splitFields, toInt } from '../fields.js';
import { fail, ok, type Result } from '../result.js';
import type { CesqInfo } from '../types.js';
import { findPrefixed, show } from './lines.js';

/** One `<x>` of +CESQ: its name, highest index, and the lower edge of range `n` in the unit. */
interface Scale {
  readonly name: string;
  readonly max: number;
  readonly at: (n: number) => number;
}

// Each index n >= 1 stands for the range [edge(n), edge(n) + step); index 0 is "below edge(1)" and is
// given as edge(1) - step, the lower edge of a range of the same width.
const RXLEV: Scale = { name: 'rxlev', max: 63, at: (n) => -111 + n }; // 1: -110 <= rssi < -109 dBm
const BER: Scale = { name: 'ber', max: 7, at: (n) => n };
const RSCP: Scale = { name: 'rscp', max: 96, at: (n) => -121 + n }; // 1: -120 <= rscp < -119 dBm
const ECNO: Scale = { name: 'ecno', max: 49, at: (n) => -24.5 + n / 2 }; // 1: -24 <= Ec/Io < -23.5 dB
const RSRQ: Scale = { name: 'rsrq', max: 34, at: (n) => -20 + n / 2 }; // 1: -19.5 <= rsrq < -19 dB
const RSRP: Scale = { name: 'rsrp', max: 97, at: (n) => -141 + n }; // 1: -140 <= rsrp < -139 dBm

/**
 * Reads `+CESQ: <rxlev>,<ber>,<rscp>,<ecno>,<rsrq>,<rsrp>[,<ss_rsrq>,<ss_rsrp>,<ss_sinr>]`.
 * Each value is the lower edge of the range its index stands for: rssi = -111 + rxlev dBm,
 * rscp = -121 + rscp dBm, Ec/Io = -24.5 + ecno/2 dB, rsrq = -20 + rsrq/2 dB, rsrp = -141 + rsrp dBm;
 * the top index means "this or more", index 0 "less than index 1" (reported one step below).
 * 99 and 255 (not known or not detectable) give null. The NR fields of Rel-15 are ignored.
 */
export function parseCesq(lines: readonly string[]): Result<CesqInfo> {
  const line = findPrefixed(lines, ['+CESQ:']);
  if (line === null) return fail('+CESQ: no +CESQ line in the response');
  const fields = splitFields(line.rest);
  if (fields.length < 6) return fail(`+CESQ: expected 6 fields, got ${fields.length}`);
  const values: (number | null)[] = [];
  for (const [i, scale] of [RXLEV, BER, RSCP, ECNO, RSRQ, RSRP].entries()) {
    const text = fields[i]?.text ?? '';
    const n = toInt(text);
    if (n === null) return fail(`+CESQ: ${scale.name} ${show(text)} is not a number`);
    if (n === 99 || n === 255) {
      values.push(null);
    } else if (n < 0 || n > scale.max) {
      return fail(`+CESQ: ${scale.name} ${n} out of range 0..${scale.max}`);
    } else {
      values.push(scale.at(n));
    }
  }
  const [rssiDbm = null, ber = null, rscpDbm = null, ecnoDb = null, rsrqDb = null, rsrpDbm = null] = values;
  return ok({ rssiDbm, ber, rscpDbm, ecnoDb, rsrqDb, rsrpDbm });
}
