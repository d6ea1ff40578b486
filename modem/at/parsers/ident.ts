/**
 * Manufacturer, model and revision: `AT+CGMI`/`AT+CGMM`/`AT+CGMR` (3GPP TS 27.007 §5.1-5.3), their
 * V.250 twins `AT+GMI`/`AT+GMM`/`AT+GMR`, and the free-form `ATI`.
 */
import { afterPrefix } from '../fields.js';
import { fail, ok, type Result } from '../result.js';
import type { ModemIdent } from '../types.js';
import { cleanLine, hasGarbage, isNotInformation, show, unquote } from './lines.js';

// Labels some firmware puts in front of the value (Huawei MG323 writes "Manufacture:").
const MANUFACTURER_LABELS = ['+CGMI:', '+GMI:', '#CGMI:', 'Manufacturer:', 'Manufacture:'];
const MODEL_LABELS = ['+CGMM:', '+GMM:', '#CGMM:', 'Model:'];
const REVISION_LABELS = ['+CGMR:', '+GMR:', '#CGMR:', 'Revision:'];

/** Removes any of `labels` from the front, repeatedly (LG LX265: `Manufacturer: +GMI: LG …`). */
function stripLabels(text: string, labels: readonly string[]): string {
  let t = text.trim();
  for (let again = true; again; ) {
    again = false;
    for (const label of labels) {
      const rest = afterPrefix(t, label);
      if (rest !== null) {
        t = rest;
        again = true;
      }
    }
  }
  // One quoted value (Motorola: `"Motorola"`) loses its quotes; a list of quoted values stays.
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') && !t.slice(1, -1).includes('"')
    ? unquote(t)
    : t;
}

/** `+QIND:`, `^SYSSTART:`-style prefixes. */
const FOREIGN_PREFIX = /^[+^#!$*][A-Za-z0-9_]+:/;

function firstValue(lines: readonly string[], labels: readonly string[], what: string): Result<string> {
  for (const raw of lines) {
    const line = cleanLine(raw);
    if (line === '' || isNotInformation(line)) continue;
    const value = stripLabels(line, labels);
    if (value === '') continue;
    // A `+XYZ:` line that is not one of our labels is some other report (an unknown URC, `+GCAP:`),
    // never a manufacturer, model or revision.
    if (FOREIGN_PREFIX.test(value)) continue;
    if (hasGarbage(value)) return fail(`${what}: ${show(value)} has unreadable characters`);
    return ok(value);
  }
  return fail(`${what}: empty response`);
}

/** The manufacturer: the first non-empty line, `+CGMI:`/`+GMI:`/`Manufacturer:` labels and quotes removed. */
export function parseCgmi(lines: readonly string[]): Result<string> {
  return firstValue(lines, MANUFACTURER_LABELS, '+CGMI');
}

/** The model: the first non-empty line, `+CGMM:`/`+GMM:`/`Model:` labels and quotes removed. */
export function parseCgmm(lines: readonly string[]): Result<string> {
  return firstValue(lines, MODEL_LABELS, '+CGMM');
}

/** The firmware revision: the first non-empty line, `+CGMR:`/`+GMR:`/`Revision:` labels and quotes removed. */
export function parseCgmr(lines: readonly string[]): Result<string> {
  return firstValue(lines, REVISION_LABELS, '+CGMR');
}

/** The value after the first of `labels` that starts `line`, or null. */
function labelled(line: string, labels: readonly string[]): string | null {
  for (const label of labels) {
    const rest = afterPrefix(line, label);
    if (rest !== null) return rest;
  }
  return null;
}

/** A line that is some other `Key: value` or `+CMD:` item (IMEI, +GCAP, MEID, FSN, SVN, …). */
function isOtherItem(line: string): boolean {
  return /^[+^!#$%&*]/.test(line) || /^[A-Za-z][A-Za-z0-9 ._-]{0,20}:/.test(line);
}

function clean(value: string | null, labels: readonly string[]): string | null {
  if (value === null) return null;
  const v = stripLabels(value, labels);
  return v === '' || hasGarbage(v) ? null : v;
}

/**
 * Reads `ATI` output; cannot fail, anything not found is null.
 *
 * - Labelled lines (`Manufacturer:`, `Model:`, `Revision:`) as SIMCom SIM7600, u-blox, Sierra
 *   EM7455/MC7455 and Huawei print them; other items (IMEI, +GCAP, MEID, FSN …) are ignored.
 * - Without those labels, unlabelled lines are taken in order as manufacturer, model and (when no
 *   `Revision:` line came) revision: Quectel EC25/BG96 print `Quectel`, `EC25`,
 *   `Revision: EC25EFAR06A06M4G`.
 * - A single unlabelled line `<model> R<rev>` is model and revision (SIMCom SIM800 `SIM800 R14.18`);
 *   any other single unlabelled line is the model (V.250 leaves ATI0 to the manufacturer; Sony
 *   Ericsson MD300 prints `MD300`).
 */
export function parseAti(lines: readonly string[]): ModemIdent {
  let manufacturer: string | null = null;
  let model: string | null = null;
  let revision: string | null = null;
  const bare: string[] = [];
  for (const raw of lines) {
    const line = cleanLine(raw);
    if (line === '' || isNotInformation(line)) continue;
    const m = labelled(line, ['Manufacturer:', 'Manufacture:']);
    const mo = labelled(line, ['Model:']);
    const r = labelled(line, ['Revision:']);
    if (m !== null) manufacturer ??= clean(m, MANUFACTURER_LABELS);
    else if (mo !== null) model ??= clean(mo, MODEL_LABELS);
    else if (r !== null) revision ??= clean(r, REVISION_LABELS);
    else if (!isOtherItem(line) && !hasGarbage(line)) bare.push(line);
  }
  if (manufacturer === null && model === null) {
    const [first, second, third] = bare;
    if (first !== undefined && second !== undefined) {
      manufacturer = clean(first, MANUFACTURER_LABELS);
      model = clean(second, MODEL_LABELS);
      if (third !== undefined) revision ??= clean(third, REVISION_LABELS);
    } else if (first !== undefined) {
      const simcom = /^(\S+)\s+(R\d[\w.]*)$/.exec(first);
      if (simcom !== null && revision === null) {
        model = simcom[1] ?? null;
        revision = simcom[2] ?? null;
      } else {
        model = clean(first, MODEL_LABELS);
      }
    }
  }
  return { manufacturer, model, revision };
}
