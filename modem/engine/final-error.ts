/**
 * Maps a final result code to the error a caller branches on (AT_ERROR, AT_CME, AT_CMS, AT_NO_CARRIER).
 */
import type { FinalResult } from '../at/final.js';
import { ZtgwError } from '../errors.js';

/** Null for success finals; otherwise the error a caller branches on. */
export function finalError(command: string, final: FinalResult, lines: readonly string[]): ZtgwError | null {
  const base = { command, final: final.line, lines: [...lines] };
  switch (final.kind) {
    case 'ok':
    case 'connect':
      return null;
    case 'cme':
      return new ZtgwError(
        'AT_CME',
        `${command}: +CME ERROR ${final.code ?? ''} (${final.name ?? ''})`.replace('  ', ' '),
        {
          ...base,
          cme: final.code ?? null,
          cmeName: final.name ?? null,
        },
      );
    case 'cms':
      return new ZtgwError('AT_CMS', `${command}: +CMS ERROR ${final.code ?? ''} (${final.name ?? ''})`, {
        ...base,
        cms: final.code ?? null,
        cmsName: final.name ?? null,
      });
    case 'no-carrier':
    case 'busy':
    case 'no-answer':
    case 'no-dialtone':
      return new ZtgwError('AT_NO_CARRIER', `${command}: ${final.line}`, base);
    case 'error':
      return new ZtgwError('AT_ERROR', `${command}: ERROR`, base);
  }
}
