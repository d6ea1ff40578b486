/**
 * `AT!GSTATUS?` (Sierra Wireless MC73xx/EM74xx/EM75xx AT command references). Pure. A multi-line
 * report of `key: value` pairs, two per line separated by tabs or runs of spaces; a value may
 * continue in the next column (`EMM state:     Registered     \tNormal Service`). LTE example
 * (EM7455, SWI9X30C):
 *
 *   !GSTATUS:
 *   Current Time:  22016		Temperature: 40
 *   System mode:   LTE        	PS state:    Attached
 *   LTE band:      B2     		LTE bw:      20 MHz
 *   LTE Rx chan:   800		LTE Tx chan: 18800
 *   PCC RxM RSSI:  -45		RSRP (dBm):  -81
 *   Tx Power:      15		TAC:         8C65 (35666)
 *   RSRQ (dB):     -14.0		Cell ID:     0A14666A (169106666)
 *   SINR (dB):     23.8
 *
 * SWI9X50 firmware (EM7511/EM7565) writes `PCC RxM RSRP:` instead of the second `RSRP (dBm):`. WCDMA
 * reports `WCDMA band`, `LAC`, `Cell ID` and `RX level …` lines. TAC, LAC and Cell ID are hexadecimal,
 * followed by a decimal copy in parentheses that is not always the same number: the hex is used.
 * GSTATUS names no PLMN and no PCI.
 */
import { toHex, toInt } from '../../modem/at/fields.js';
import { fail, ok, type Result } from '../../modem/at/result.js';
import type { ServingCell, ServingRat } from '../../modem/at/types.js';
import { emptyServingCell, lteBandName, toDecimal } from '../generic/serving-cell.js';

interface Pair {
  readonly key: string;
  readonly value: string;
}

/** Splits one report line into its `key: value` pairs (columns are tabs or 2+ spaces). */
function linePairs(line: string): Pair[] {
  const out: { key: string; value: string }[] = [];
  for (const column of line.split(/\t+| {2,}/)) {
    const c = column.trim();
    if (c === '') continue;
    const colon = c.indexOf(':');
    if (colon > 0)
      out.push({ key: c.slice(0, colon).trim().toLowerCase(), value: c.slice(colon + 1).trim() });
    else {
      const last = out[out.length - 1];
      if (last !== undefined) last.value = last.value === '' ? c : `${last.value} ${c}`;
    }
  }
  return out;
}

/** Every pair of the report, in order (duplicate keys kept). */
function gstatusPairs(lines: readonly string[]): Pair[] {
  const out: Pair[] = [];
  for (const line of lines) {
    if (/^\s*!GSTATUS:/i.test(line)) continue;
    out.push(...linePairs(line));
  }
  return out;
}

const first = (pairs: readonly Pair[], ...keys: string[]): string | null => {
  for (const key of keys) {
    const hit = pairs.find((p) => p.key === key);
    if (hit !== undefined && hit.value !== '' && hit.value !== '--') return hit.value;
  }
  return null;
};
/** `8C65 (35666)` → 0x8C65; `--` and unknown → null. */
const hexToken = (v: string | null): number | null => toHex(v?.split(/\s+/)[0]);
/** `-45`, `-14.0`, `23.8` → number. */
const num = (v: string | null): number | null => toDecimal(v?.split(/\s+/)[0]);

const MODES: Readonly<Record<string, ServingRat>> = {
  LTE: 'lte',
  WCDMA: 'umts',
  GSM: 'gsm',
  ENDC: 'nr5g-nsa',
  NR5G: 'nr5g-sa',
};

/** Parses the answer to `AT!GSTATUS?`; a report without a system mode in service gives a reason. */
export function parseGstatusServingCell(lines: readonly string[]): Result<ServingCell> {
  const pairs = gstatusPairs(lines);
  const modeText = first(pairs, 'system mode');
  if (modeText === null) {
    const mode = first(pairs, 'mode');
    return fail(`!GSTATUS: no system mode in the report${mode === null ? '' : ` (mode ${mode})`}`);
  }
  const rat = MODES[modeText.toUpperCase()];
  if (rat === undefined) return fail(`!GSTATUS: no serving cell (system mode ${modeText})`);
  const cell = { ...emptyServingCell(), rat, cellId: hexToken(first(pairs, 'cell id')) };
  if (rat === 'umts') {
    const rx = first(pairs, 'rx level c0', 'rx level carrier 0 (dbm)', 'rx level (dbm)');
    return ok({
      ...cell,
      band: first(pairs, 'wcdma band'),
      lac: hexToken(first(pairs, 'lac')),
      rssiDbm: num(rx),
    });
  }
  if (rat === 'gsm') return ok({ ...cell, lac: hexToken(first(pairs, 'lac')) });
  const band = first(pairs, 'lte band');
  const bandNum = band === null ? null : toInt(/^B(\d{1,3})$/i.exec(band)?.[1]);
  return ok({
    ...cell,
    band: bandNum === null ? band : lteBandName(bandNum),
    earfcn: toInt(first(pairs, 'lte rx chan') ?? undefined),
    tac: hexToken(first(pairs, 'tac')),
    // First RSRP after "PCC RxM RSSI" is the primary carrier's main antenna.
    rsrpDbm: num(first(pairs, 'pcc rxm rsrp', 'rsrp (dbm)')),
    rssiDbm: num(first(pairs, 'pcc rxm rssi')),
    rsrqDb: num(first(pairs, 'rsrq (db)')),
    sinrDb: num(first(pairs, 'sinr (db)')),
  });
}
