/**
 * Tells a command the modem refused (`ERROR`, `+CME ERROR`, `+CMS ERROR`) from everything else
 * (timeout, closed port, abort). Shims move on to their next command after a refusal and let the
 * rest propagate to the Modem service, whose recovery ladder owns those.
 */
import { hasCode } from '../../modem/errors.js';

/**
 * A short description of the refusal (`ERROR`, `+CME ERROR: 10 (SIM not inserted)`), or null when
 * `e` is not a refusal and should be rethrown.
 */
export function refusalReason(e: unknown): string | null {
  if (hasCode(e, 'AT_ERROR')) return 'ERROR';
  if (hasCode(e, 'AT_CME') || hasCode(e, 'AT_CMS')) {
    const kind = e.code === 'AT_CME' ? '+CME ERROR' : '+CMS ERROR';
    const num = e.details[e.code === 'AT_CME' ? 'cme' : 'cms'];
    const name = e.details[e.code === 'AT_CME' ? 'cmeName' : 'cmsName'];
    const code = typeof num === 'number' ? String(num) : '?';
    return typeof name === 'string' && name !== '' ? `${kind}: ${code} (${name})` : `${kind}: ${code}`;
  }
  return null;
}
