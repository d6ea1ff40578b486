/**
 * `AT+UCGED?` (u-blox SARA-R4 AT manual UBX-17003787, SARA-R5 AT manual UBX-19047455; field layouts
 * as u-blox's own ubxlib cell/src/u_cell_info.c reads them). Pure. The formats differ by module:
 *
 * SARA-R4 (except R422) supports only `+UCGED=5`, in E-UTRAN only: per cell `<PCI>,<EARFCN>,"<value>"`,
 * serving cell first:
 *   +RSRP: 476,5110,"-096.50",
 *   +RSRQ: 476,5110,"-20.00",
 *
 * SARA-R5 with `+UCGED=2`:
 *   +UCGED: 2
 *   <rat>,<svc>,<MCC>,<MNC>
 *   <earfcn>,<Lband>,<ul_BW>,<dl_BW>,<tac>,<LcellId>,<PCID>,<mTmsi>,<mmeGrId>,<mmeCode>,<rsrp>,<rsrq>,<Lsinr>,…
 *   (<rsrp>/<rsrq> are 36.133 indices, <tac>/<LcellId> hex, <Lsinr> dB; 65535/255/ffff/fff = unknown)
 *
 * SARA-R422 with `+UCGED=2` (ubxlib getRadioParamsUcged2SaraR422):
 *   +UCGED: 2
 *   <rat>,<MCC>,<MNC>
 *   <EARFCN>,<Lband>,<ul_BW>,<dl_BW>,<TAC>,<P-CID>,<RSRP dBm>,<RSRQ dB>,<NBMsinr>,…
 */
import { afterPrefix, type Field, splitFields, toHex, toInt } from '../../modem/at/fields.js';
import { fail, ok, type Result } from '../../modem/at/result.js';
import type { ServingCell, ServingRat } from '../../modem/at/types.js';
import { emptyServingCell, lteBandName, toDecimal } from '../generic/serving-cell.js';

const text = (f: readonly Field[], i: number): string | null => {
  const t = f[i]?.text.trim();
  return t === undefined || t === '' ? null : t;
};
const int = (f: readonly Field[], i: number): number | null => toInt(text(f, i) ?? undefined);

/** A value other than the module's "not known" filler. */
function known(v: number | null, unknown: number): number | null {
  return v === null || v === unknown ? null : v;
}
/** `ffff`/`fff`/`0000000` fillers and `-`/empty give null. */
function hexKnown(f: readonly Field[], i: number): number | null {
  const t = text(f, i);
  if (t === null || /^f+$/i.test(t) || /^0+$/.test(t)) return null;
  return toHex(t);
}
const digits = (t: string | null): string | null => (t !== null && /^\d{2,3}$/.test(t) ? t : null);

/** <rat> of the second line: 2/3/4 as on TOBY/LARA, 6 what SARA-R5 reports on LTE-M. */
const RATS: Readonly<Record<number, ServingRat>> = { 2: 'gsm', 3: 'umts', 4: 'lte', 6: 'cat-m' };

/** 36.133 §9.1.4 RSRP index (-17..97) to dBm: RSRP_n is [n-141, n-140). */
function rsrpIndexDbm(n: number | null): number | null {
  return n === null || n < -17 || n > 97 ? null : n - 141;
}
/** 36.133 §9.1.7 RSRQ index (-30..46) to dB: RSRQ_n is [n/2-20, n/2-19.5). */
function rsrqIndexDb(n: number | null): number | null {
  return n === null || n < -30 || n > 46 ? null : n / 2 - 20;
}

function parseR4(lines: readonly string[]): Result<ServingCell> {
  let rsrp: Field[] | null = null;
  let rsrq: Field[] | null = null;
  for (const line of lines) {
    const p = afterPrefix(line, '+RSRP:');
    if (p !== null && rsrp === null) rsrp = splitFields(p);
    const q = afterPrefix(line, '+RSRQ:');
    if (q !== null && rsrq === null) rsrq = splitFields(q);
  }
  if (rsrp === null) return fail('+UCGED: no +RSRP line (mode 5 answer expected)');
  const pci = int(rsrp, 0);
  const rsrpDbm = toDecimal(text(rsrp, 2) ?? undefined);
  if (pci === null || rsrpDbm === null)
    return fail('+UCGED: +RSRP line does not read as <PCI>,<EARFCN>,"<RSRP>"');
  const rsrqDb = rsrq !== null && int(rsrq, 0) === pci ? toDecimal(text(rsrq, 2) ?? undefined) : null;
  return ok({ ...emptyServingCell(), pci, earfcn: int(rsrp, 1), rsrpDbm, rsrqDb });
}

function parseMode2(rows: readonly (readonly Field[])[]): Result<ServingCell> {
  const [env, cell] = rows;
  if (env === undefined || cell === undefined) return fail('+UCGED: 2 without its two data lines');
  const isR422 = env.length === 3;
  const rat = RATS[int(env, 0) ?? -1] ?? null;
  const mcc = digits(text(env, isR422 ? 1 : 2));
  const mnc = digits(text(env, isR422 ? 2 : 3));
  if (!isR422) {
    const svc = int(env, 1);
    // <svc>: 0 unknown, 1 radio off, 2 searching, 3 no service, 4 registered
    if (svc !== 4) return fail(`+UCGED: no serving cell (svc ${svc ?? '?'})`);
  }
  const base = { ...emptyServingCell(), rat, mcc, mnc };
  const earfcn = known(int(cell, 0), 65535);
  const band = lteBandName(known(int(cell, 1), 255));
  if (isR422) {
    if (cell.length < 8) return fail(`+UCGED: SARA-R422 cell line has ${cell.length} fields, expected 8+`);
    const pci = known(int(cell, 5), 65535);
    return ok({
      ...base,
      earfcn,
      band,
      tac: hexKnown(cell, 4),
      pci,
      rsrpDbm: int(cell, 6),
      rsrqDb: int(cell, 7),
    });
  }
  if (cell.length < 13) return fail(`+UCGED: cell line has ${cell.length} fields, expected 13+`);
  return ok({
    ...base,
    earfcn,
    band,
    tac: hexKnown(cell, 4),
    cellId: hexKnown(cell, 5),
    pci: known(int(cell, 6), 65535),
    rsrpDbm: rsrpIndexDbm(known(int(cell, 10), 255)),
    rsrqDb: rsrqIndexDb(known(int(cell, 11), 255)),
    sinrDb: toDecimal(text(cell, 12) ?? undefined),
  });
}

/**
 * Parses the answer to `AT+UCGED?` in either module's format. A mode other than 2 or 5 (reporting
 * off) and a module that is not registered give a reason.
 */
export function parseUcgedServingCell(lines: readonly string[]): Result<ServingCell> {
  const idx = lines.findIndex((l) => afterPrefix(l, '+UCGED:') !== null);
  if (idx < 0) return parseR4(lines);
  const mode = toInt(afterPrefix(lines[idx] ?? '', '+UCGED:') ?? undefined);
  if (mode === 5) return parseR4(lines);
  if (mode !== 2) return fail(`+UCGED: reporting mode ${mode ?? '?'} gives no cell data`);
  const rows = lines
    .slice(idx + 1)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map(splitFields);
  return parseMode2(rows);
}
