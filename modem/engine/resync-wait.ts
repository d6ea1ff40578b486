/**
 * The waiting half of a resync: the engine feeds bytes in through `onEvent`, this resolves when the
 * condition holds and the line has been quiet long enough, or when the deadline passes.
 */
import type { ResyncState } from '../at/resync.js';

export interface ResyncRun {
  state: ResyncState;
  sawFinal: boolean;
  isSynced: boolean;
  /** Final results seen during the run, by kind: OK (and CONNECT) or any error. */
  okFinals: number;
  errorFinals: number;
  onEvent: () => void;
}

/** Resolves 'ok' when `done()` holds and no byte came for `quietMs`, or 'deadline' after `deadlineMs`. */
export function waitFor(
  run: ResyncRun,
  deadlineMs: number,
  quietMs: number,
  done: () => boolean,
): Promise<'ok' | 'deadline'> {
  return new Promise((resolve) => {
    let quietTimer: NodeJS.Timeout | null = null;
    const finish = (r: 'ok' | 'deadline'): void => {
      clearTimeout(deadline);
      if (quietTimer) clearTimeout(quietTimer);
      run.onEvent = () => undefined;
      resolve(r);
    };
    const deadline = setTimeout(() => finish('deadline'), deadlineMs);
    const check = (): void => {
      if (!done()) return;
      if (quietMs === 0) {
        finish('ok');
        return;
      }
      if (quietTimer) clearTimeout(quietTimer);
      quietTimer = setTimeout(() => finish('ok'), quietMs);
    };
    run.onEvent = check;
    check();
  });
}
