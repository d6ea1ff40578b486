/**
 * `AT+CPSI?` (SIM7500/SIM7600 Series AT Command Manual, SIM7000/SIM7070/SIM7080 AT manuals). Pure.
 *
 *   +CPSI: NO SERVICE,Online
 *   +CPSI: GSM,Online,<MCC>-<MNC>,<LAC>,<CellID>,<ARFCN> <band>,<RxLev dBm>,<TrackLOAdjust>,<C1>-<C2>
 *   +CPSI: WCDMA,Online,<MCC>-<MNC>,<LAC>,<CellID>,<band>,<PSC>,<Freq>,<SSC>,<EC/IO>,<RSCP>,<Qual>,<RxLev>,<TXPWR>
 *   +CPSI: LTE,Online,<MCC>-<MNC>,<TAC>,<SCellID>,<PCellID>,<band>,<earfcn>,<dlbw>,<ulbw>,<RSRQ>,<RSRP>,<RSSI>,<RSSNR>
 *   +CPSI: LTE CAT-M1,… / LTE NB-IOT,…   (SIM7000/SIM7080: same fields)
 *
 * LAC/TAC are hexadecimal (`0x` optional), cell ids decimal. The SIM7600 ("LTE") reports RSRQ, RSRP
 * and RSSI in tenths (`-147,-1143,-764` = -14.7 dB, -114.3 dBm, -76.4 dBm) and <RSSNR> as an index,
 * SINR = 2 * <RSSNR> - 20 dB (SIM7500/SIM7600 AT manual, +CPSI; ROOTer simcomdata.sh does the same);
 * the SIM70x0 ("LTE CAT-M1"/"LTE NB-IOT") prints whole dB/dBm and SINR in dB. WCDMA signal fields
 * have no documented unit we could confirm and are left out.
 */
import { afterPrefix, type Field, splitFields, toHex, toInt } from '../../modem/at/fields.js';
import { fail, ok, type Result } from '../../modem/at/result.js';
import type { ServingCell, ServingRat } from '../../modem/at/types.js';
import { emptyServingCell, round1 } from '../generic/serving-cell.js';

function text(f: readonly Field[], i: number): string | null {
  const t = f[i]?.text.trim();
  return t === undefined || t === '' ? null : t;
}
const int = (f: readonly Field[], i: number): number | null => toInt(text(f, i) ?? undefined);
const hex = (f: readonly Field[], i: number): number | null => toHex(text(f, i) ?? undefined);

/** `460-11` → mcc `460`, mnc `11`. */
function plmn(f: readonly Field[], i: number): { mcc: string | null; mnc: string | null } {
  const m = /^(\d{3})-(\d{2,3})$/.exec(text(f, i) ?? '');
  return { mcc: m?.[1] ?? null, mnc: m?.[2] ?? null };
}

/** `EUTRAN-BAND3` → `B3`; other spellings as written. */
function lteBand(raw: string | null): string | null {
  if (raw === null) return null;
  const m = /^EUTRAN-BAND(\d{1,3})$/i.exec(raw);
  return m ? `B${m[1]}` : raw;
}

const LTE_MODES: Readonly<Record<string, ServingRat>> = {
  LTE: 'lte',
  'LTE CAT-M1': 'cat-m',
  'LTE NB-IOT': 'nb-iot',
};

function lte(f: readonly Field[], rat: ServingRat, isTenths: boolean): ServingCell {
  const scaled = (i: number): number | null => {
    const v = int(f, i);
    return v === null ? null : isTenths ? round1(v / 10) : v;
  };
  const rssnr = int(f, 13);
  return {
    ...emptyServingCell(),
    rat,
    ...plmn(f, 2),
    tac: hex(f, 3),
    cellId: int(f, 4),
    pci: int(f, 5),
    band: lteBand(text(f, 6)),
    earfcn: int(f, 7),
    rsrqDb: scaled(10),
    rsrpDbm: scaled(11),
    rssiDbm: scaled(12),
    sinrDb: rssnr === null ? null : isTenths ? 2 * rssnr - 20 : rssnr,
  };
}

/** Parses the answer to `AT+CPSI?`; NO SERVICE and malformed lines give a reason. */
export function parseCpsiServingCell(lines: readonly string[]): Result<ServingCell> {
  let rest: string | null = null;
  for (const line of lines) {
    rest = afterPrefix(line, '+CPSI:');
    if (rest !== null) break;
  }
  if (rest === null) return fail('+CPSI: no +CPSI line in the response');
  const f = splitFields(rest);
  const mode = (text(f, 0) ?? '').toUpperCase();
  if (mode === 'NO SERVICE') return fail('+CPSI: no service');
  const lteRat = LTE_MODES[mode];
  // "+CPSI: LTE CAT-M1,Online" without cell fields: camped, details not (yet) reported.
  if (f.length <= 2 && (lteRat !== undefined || mode === 'GSM' || mode === 'WCDMA')) {
    return ok({ ...emptyServingCell(), rat: lteRat ?? (mode === 'GSM' ? 'gsm' : 'umts') });
  }
  if (lteRat !== undefined) {
    if (f.length < 14) return fail(`+CPSI: ${mode} line has ${f.length} fields, expected 14`);
    return ok(lte(f, lteRat, mode === 'LTE'));
  }
  if (mode === 'GSM') {
    if (f.length < 7) return fail(`+CPSI: GSM line has ${f.length} fields, expected 9`);
    // "<ARFCN> <band>", e.g. "61 EGSM 900"
    const band = /^\d+\s+(.+)$/.exec(text(f, 5) ?? '')?.[1] ?? null;
    return ok({
      ...emptyServingCell(),
      rat: 'gsm',
      ...plmn(f, 2),
      lac: hex(f, 3),
      cellId: int(f, 4),
      band,
      rssiDbm: int(f, 6),
    });
  }
  if (mode === 'WCDMA') {
    if (f.length < 8) return fail(`+CPSI: WCDMA line has ${f.length} fields, expected 14`);
    return ok({
      ...emptyServingCell(),
      rat: 'umts',
      ...plmn(f, 2),
      lac: hex(f, 3),
      cellId: int(f, 4),
      band: text(f, 5),
    });
  }
  return fail(`+CPSI: unknown system mode "${text(f, 0) ?? ''}"`);
}
