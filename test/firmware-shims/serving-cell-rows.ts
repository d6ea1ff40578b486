/**
 * Helpers for the serving-cell table tests: the all-unknown cell, and the fields of a parsed cell
 * that a row names (rows list only what the capture tells; `assertCell` also checks the rest is null
 * when asked).
 */
import { emptyServingCell } from '../../firmware-shims/generic/serving-cell.js';
import type { ServingCell } from '../../modem/at/types.js';

export const UNKNOWN_CELL: ServingCell = emptyServingCell();

/** The entries of `cell` whose keys appear in `like`. */
export function pickFields(cell: ServingCell, like: Partial<ServingCell>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(cell).filter(([key]) => key in like));
}
