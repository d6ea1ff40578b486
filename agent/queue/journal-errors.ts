/**
 * The journal's refusals: JOURNAL_UNAVAILABLE with `details.reason`, and which file-system errors
 * mean a full disk, a read-only one, or some other I/O failure.
 */
import { ZtgwError } from '../../modem/errors.js';
import { errnoCode } from '../audit/segment-files.js';
import type { DiskReason, Lane, UnavailableReason } from './journal-types.js';

/** The error an append or read is refused with. */
export function unavailable(
  reason: UnavailableReason,
  message: string,
  lane?: Lane,
  cause?: unknown,
): ZtgwError<'JOURNAL_UNAVAILABLE'> {
  const details = lane === undefined ? { reason } : { reason, lane };
  return cause === undefined
    ? new ZtgwError('JOURNAL_UNAVAILABLE', message, details)
    : new ZtgwError('JOURNAL_UNAVAILABLE', message, details, { cause });
}

/** ENOSPC/EDQUOT: full; EROFS/EACCES/EPERM: read-only; anything else: io. */
export function classifyDiskError(err: unknown): DiskReason {
  const code = errnoCode(err);
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'disk-full';
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return 'read-only';
  return 'io';
}
