/**
 * Final result codes (V.250 §5.7.1, 27.007 §9.2, 27.005 §3.2.5). Pure.
 */
import { lookupCme, lookupCms } from './cme.js';

export type FinalKind =
  | 'ok'
  | 'connect'
  | 'error'
  | 'cme'
  | 'cms'
  | 'no-carrier'
  | 'busy'
  | 'no-answer'
  | 'no-dialtone';

export interface FinalResult {
  readonly kind: FinalKind;
  readonly line: string;
  /** For `cme`/`cms`: the number (null when verbose text is not in the table) and its name. */
  readonly code?: number | null;
  readonly name?: string;
}

/** A vendor final: the line (exact, case-insensitive) and whether it means success. */
export interface VendorFinal {
  readonly line: string;
  readonly isSuccess: boolean;
}

/** Whether a final kind completes a command successfully. */
export function isSuccessFinal(kind: FinalKind): boolean {
  return kind === 'ok' || kind === 'connect';
}

/**
 * Classifies a line as a final result code, or returns null when it is not one.
 * `vendorFinals` are what the shim adds (`SEND OK` → ok, `SEND FAIL` → error).
 */
export function classifyFinal(line: string, vendorFinals: readonly VendorFinal[] = []): FinalResult | null {
  const t = line.trim();
  const u = t.toUpperCase();
  if (u === 'OK') return { kind: 'ok', line: t };
  if (u === 'ERROR') return { kind: 'error', line: t };
  if (u === 'CONNECT' || /^CONNECT\s/.test(u)) return { kind: 'connect', line: t };
  if (u === 'NO CARRIER') return { kind: 'no-carrier', line: t };
  if (u === 'BUSY') return { kind: 'busy', line: t };
  if (u === 'NO ANSWER') return { kind: 'no-answer', line: t };
  if (u === 'NO DIALTONE' || u === 'NO DIAL TONE') return { kind: 'no-dialtone', line: t };
  const cme = /^\+CME ERROR:?\s*(.*)$/i.exec(t);
  if (cme) {
    const { cme: code, name } = lookupCme(cme[1] ?? '');
    return { kind: 'cme', line: t, code, name };
  }
  const cms = /^\+CMS ERROR:?\s*(.*)$/i.exec(t);
  if (cms) {
    const { cms: code, name } = lookupCms(cms[1] ?? '');
    return { kind: 'cms', line: t, code, name };
  }
  for (const v of vendorFinals) {
    if (u === v.line.toUpperCase()) return { kind: v.isSuccess ? 'ok' : 'error', line: t };
  }
  return null;
}
