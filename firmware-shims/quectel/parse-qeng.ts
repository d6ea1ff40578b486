/**
 * `AT+QENG="servingcell"` (Quectel EC2x/EG2x/EP06 QENG AT manual, BG96/BG95 AT manuals, RG50xQ/RM5xxQ
 * AT manual). Pure.
 *
 *   +QENG: "servingcell",<state>,"LTE",<is_tdd>,<MCC>,<MNC>,<cellID>,<PCID>,<earfcn>,<band>,
 *          <UL_bw>,<DL_bw>,<TAC>,<RSRP>,<RSRQ>,<RSSI>,<SINR>[,<CQI>,<tx_power>],<srxlev>
 *     (RAT "eMTC"/"NBIoT" on BG95, "CAT-M"/"CAT-NB" on BG96, same fields)
 *   +QENG: "servingcell",<state>,"WCDMA",<MCC>,<MNC>,<LAC>,<cellID>,<uarfcn>,<PSC>,<RAC>,<RSCP>,<ecio>,…
 *   +QENG: "servingcell",<state>,"GSM",<MCC>,<MNC>,<LAC>,<cellID>,<BSIC>,<arfcn>,<band>,<rxlev>,…
 *   +QENG: "servingcell",<state>,"NR5G-SA",<duplex>,<MCC>,<MNC>,<cellID>,<PCID>,<TAC>,<ARFCN>,<band>,
 *          <NR_DL_bw>,<RSRP>,<RSRQ>,<SINR>,<scs>,<srxlev>
 *   EN-DC (NR5G-NSA), three lines:
 *   +QENG: "servingcell",<state>
 *   +QENG: "LTE",<is_tdd>,<MCC>,<MNC>,<cellID>,<PCID>,<earfcn>,<band>,<UL_bw>,<DL_bw>,<TAC>,<RSRP>,<RSRQ>,<RSSI>,<SINR>,…
 *   +QENG: "NR5G-NSA",<MCC>,<MNC>,<PCID>,<RSRP>,<SINR>,<RSRQ>,<ARFCN>,<band>,<NR_DL_bw>,<scs>
 *
 * States: SEARCH (no cell), LIMSRV (camped, limited service), NOCONN (idle), CONNECT. `-` is "not
 * available". Cell ids and TACs are hexadecimal, RSRP/RSSI dBm, RSRQ/SINR dB.
 *
 * SINR is read as dB: every capture of EC25/EG25-G/EP06/EG06/BG95/BG96/RM5xx firmware we found reports
 * a signed dB figure (e.g. -3 on EC2x; 21 on EP06ELAR04A22M4G, where reading it as 1/5 dB gave the
 * wrong values reported in 4IceG/luci-app-3ginfo-lite#108 and obsy/modemdata#12). Firmware that
 * documents the 0..250 "1/5 dB" encoding can ask for it with `sinrEncoding: 'fifth-db'`.
 */
import { afterPrefix, type Field, splitFields, toHex, toInt } from '../../modem/at/fields.js';
import { fail, ok, type Result } from '../../modem/at/result.js';
import type { ServingCell, ServingRat } from '../../modem/at/types.js';
import { emptyServingCell, lteBandName, nrBandName, round1 } from '../generic/serving-cell.js';

export interface QengOptions {
  /** How `<SINR>` is encoded: plain dB (default) or 0..250 in 1/5 dB from -20 dB. */
  readonly sinrEncoding?: 'db' | 'fifth-db';
}

const LTE_RATS: Readonly<Record<string, ServingRat>> = {
  LTE: 'lte',
  EMTC: 'cat-m',
  'CAT-M': 'cat-m',
  NBIOT: 'nb-iot',
  'CAT-NB': 'nb-iot',
};

const NO_CELL_STATES = new Set(['SEARCH', 'NOCELL']);

/** Text of field `i`, null when missing, empty or `-`. */
function text(f: readonly Field[], i: number): string | null {
  const t = f[i]?.text.trim();
  return t === undefined || t === '' || t === '-' ? null : t;
}
const int = (f: readonly Field[], i: number): number | null => toInt(text(f, i) ?? undefined);
const hex = (f: readonly Field[], i: number): number | null => toHex(text(f, i) ?? undefined);

function sinr(raw: number | null, opts: QengOptions): number | null {
  if (raw === null) return null;
  if (opts.sinrEncoding === 'fifth-db') return raw >= 0 && raw <= 250 ? round1(raw / 5 - 20) : null;
  return raw;
}

/** The LTE-family fields starting at `<is_tdd>` (index `b`). */
function lteCell(f: readonly Field[], b: number, rat: ServingRat, opts: QengOptions): ServingCell {
  return {
    ...emptyServingCell(),
    rat,
    mcc: text(f, b + 1),
    mnc: text(f, b + 2),
    cellId: hex(f, b + 3),
    pci: int(f, b + 4),
    earfcn: int(f, b + 5),
    band: lteBandName(int(f, b + 6)),
    tac: hex(f, b + 9),
    rsrpDbm: int(f, b + 10),
    rsrqDb: int(f, b + 11),
    rssiDbm: int(f, b + 12),
    sinrDb: sinr(int(f, b + 13), opts),
  };
}

function parseOneLine(f: readonly Field[], ratText: string, opts: QengOptions): Result<ServingCell> {
  const key = ratText.toUpperCase();
  const lteRat = LTE_RATS[key];
  if (lteRat !== undefined) {
    if (f.length < 17) return fail(`+QENG: ${ratText} line has ${f.length} fields, expected at least 17`);
    return ok(lteCell(f, 3, lteRat, opts));
  }
  if (key === 'WCDMA') {
    if (f.length < 12) return fail(`+QENG: WCDMA line has ${f.length} fields, expected at least 12`);
    return ok({
      ...emptyServingCell(),
      rat: 'umts',
      mcc: text(f, 3),
      mnc: text(f, 4),
      lac: hex(f, 5),
      cellId: hex(f, 6),
    });
  }
  if (key === 'GSM') {
    if (f.length < 11) return fail(`+QENG: GSM line has ${f.length} fields, expected at least 11`);
    const cell = { ...emptyServingCell(), rat: 'gsm' as const, mcc: text(f, 3), mnc: text(f, 4) };
    return ok({ ...cell, lac: hex(f, 5), cellId: hex(f, 6), band: text(f, 9), rssiDbm: int(f, 10) });
  }
  if (key === 'NR5G-SA') {
    if (f.length < 15) return fail(`+QENG: NR5G-SA line has ${f.length} fields, expected at least 15`);
    return ok({
      ...emptyServingCell(),
      rat: 'nr5g-sa',
      mcc: text(f, 4),
      mnc: text(f, 5),
      cellId: hex(f, 6),
      pci: int(f, 7),
      tac: hex(f, 8),
      band: nrBandName(int(f, 10)),
      rsrpDbm: int(f, 12),
      rsrqDb: int(f, 13),
      sinrDb: sinr(int(f, 14), opts),
    });
  }
  return fail(`+QENG: unknown access technology "${ratText}"`);
}

/** The EN-DC form: the LTE anchor's identity and signal; rat nr5g-nsa when the NR leg has a cell. */
function parseEnDc(lines: readonly (readonly Field[])[], opts: QengOptions): Result<ServingCell> {
  const lte = lines.find((f) => f[0]?.text.toUpperCase() === 'LTE');
  if (lte === undefined) return fail('+QENG: servingcell state line without an LTE line');
  if (lte.length < 15) return fail(`+QENG: LTE line has ${lte.length} fields, expected at least 15`);
  const nr = lines.find((f) => f[0]?.text.toUpperCase() === 'NR5G-NSA');
  const hasNr = nr !== undefined && int(nr, 3) !== null;
  return ok(lteCell(lte, 1, hasNr ? 'nr5g-nsa' : 'lte', opts));
}

/** Parses the answer to `AT+QENG="servingcell"`; SEARCH (no cell) and bad lines give a reason. */
export function parseQengServingCell(lines: readonly string[], opts: QengOptions = {}): Result<ServingCell> {
  const rows: Field[][] = [];
  for (const line of lines) {
    const rest = afterPrefix(line, '+QENG:');
    if (rest !== null) rows.push(splitFields(rest));
  }
  const head = rows.find((f) => f[0]?.text.toLowerCase() === 'servingcell');
  if (head === undefined) return fail('+QENG: no "servingcell" line in the response');
  const state = text(head, 1)?.toUpperCase() ?? null;
  if (state === null) return fail('+QENG: servingcell line without a state');
  if (NO_CELL_STATES.has(state)) return fail(`+QENG: no serving cell (state ${state})`);
  const ratText = text(head, 2);
  if (ratText === null) return parseEnDc(rows, opts);
  return parseOneLine(head, ratText, opts);
}
