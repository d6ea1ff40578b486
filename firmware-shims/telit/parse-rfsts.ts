/**
 * `AT#RFSTS` (Telit LE910Cx, ME910C1, LM9x0 AT Commands Reference Guides). Pure. One line whose
 * layout depends on the access technology:
 *
 *   GSM:   <PLMN>,<ARFCN>,<RSSI>,<LAC>,<RAC>,<TXPWR>,<MM>,<RR>,<NOM>,<CID>,<IMSI>,<NetNameAsc>,<SD>,<ABND>
 *   WCDMA: <PLMN>,<UARFCN>,<PSC>,<Ec/Io>,<RSCP>,<RSSI>,<LAC>,<RAC>,<TXPWR>,<DRX>,<MM>,<RRC>,<NOM>,<BLER>,
 *          <CID>,<IMSI>,<NetNameAsc>,<SD>,<nAST>[,<nUARFCN>,<nPSC>,<nEc/Io>]…
 *   LTE:   <PLMN>,<EARFCN>,<RSRP>,<RSSI>,<RSRQ>,<TAC>,<RAC>,[<TXPWR>],<DRX>,<MM>,<RRC>,<CID>,<IMSI>,
 *          [<NetNameAsc>],<SD>,<ABND>[,<SINR>]   (LE910C1/LM9x0)
 *          ME910-class firmware has no <RAC>:  …,<TAC>,[<TXPWR>],<DRX>,<MM>,<RRC>,<CID>,<IMSI>,…
 *
 * The quoted 15-digit IMSI anchors the layout: CID is the field before it, <SD>, <ABND> (band) and
 * <SINR> follow it. <PLMN> is `"MCC MNC"`; LAC/TAC/CID are hexadecimal. <SINR> is 0..250 in 1/5 dB
 * from -20 dB (ROOTer telitdata.sh: SINR = x/5 - 20). #RFSTS does not tell LTE-M from LTE.
 */
import { afterPrefix, type Field, splitFields, toHex, toInt } from '../../modem/at/fields.js';
import { fail, ok, type Result } from '../../modem/at/result.js';
import type { ServingCell } from '../../modem/at/types.js';
import { emptyServingCell, lteBandName, round1 } from '../generic/serving-cell.js';

const text = (f: readonly Field[], i: number): string | null => {
  const t = f[i]?.text.trim();
  return t === undefined || t === '' ? null : t;
};
const int = (f: readonly Field[], i: number): number | null => toInt(text(f, i) ?? undefined);
const hex = (f: readonly Field[], i: number): number | null => toHex(text(f, i) ?? undefined);

/** Index of the quoted IMSI (5..15 digits), the anchor of the layout; -1 when absent. */
function imsiIndex(f: readonly Field[]): number {
  return f.findIndex((x, i) => i > 0 && x.quoted && /^\d{5,15}$/.test(x.text));
}

function sinrDb(raw: number | null): number | null {
  return raw === null || raw < 0 || raw > 250 ? null : round1(raw / 5 - 20);
}

/** Parses the answer to `AT#RFSTS`; an empty PLMN (not registered) and unknown layouts give a reason. */
export function parseRfstsServingCell(lines: readonly string[]): Result<ServingCell> {
  let rest: string | null = null;
  for (const line of lines) {
    rest = afterPrefix(line, '#RFSTS:');
    if (rest !== null) break;
  }
  if (rest === null) return fail('#RFSTS: no #RFSTS line in the response');
  const f = splitFields(rest);
  const plmn = /^(\d{3})\s+(\d{2,3})$/.exec(text(f, 0) ?? '');
  if (plmn === null) return fail(`#RFSTS: not registered (PLMN "${text(f, 0) ?? ''}")`);
  const base = { ...emptyServingCell(), mcc: plmn[1] ?? null, mnc: plmn[2] ?? null };
  const imsi = imsiIndex(f);
  if (imsi === 10) {
    return ok({ ...base, rat: 'gsm', rssiDbm: int(f, 2), lac: hex(f, 3), cellId: hex(f, 9) });
  }
  if (imsi === 15) {
    return ok({ ...base, rat: 'umts', rssiDbm: int(f, 5), lac: hex(f, 6), cellId: hex(f, 14) });
  }
  if (imsi === 11 || imsi === 12) {
    return ok({
      ...base,
      rat: 'lte',
      earfcn: int(f, 1),
      rsrpDbm: int(f, 2),
      rssiDbm: int(f, 3),
      rsrqDb: int(f, 4),
      tac: hex(f, 5),
      cellId: hex(f, imsi - 1),
      band: lteBandName(int(f, imsi + 3)),
      sinrDb: sinrDb(int(f, imsi + 4)),
    });
  }
  return fail(`#RFSTS: unknown layout (${f.length} fields, IMSI at ${imsi})`);
}
