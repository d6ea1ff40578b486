/**
 * The waiting half of a resync: the engine feeds bytes in through `onEvent`, this resolves when the
 * condition holds and the line has been quiet long enough, or when the deadline passes.
 */
import type { ResyncState } from '../at/resync.js';
import type { Logger } from '../log.js';

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

/** Quiet time that ends a resync whose S-register read was refused, in ms. */
export const S7_REFUSED_QUIET_MS = 300;

export interface ResyncIo {
  /** Writes one command line (the CR is added). */
  write(line: string): Promise<void>;
  isClosed(): boolean;
  readonly log: Logger;
}

export interface ResyncPlan {
  readonly setCmd: string;
  readonly readCmd: string;
  /** Bound on each wait, in ms. */
  readonly deadlineMs: number;
  /** Quiet time after the S-register write's final before the readback, in ms. */
  readonly quietMs: number;
  /** The firmware refused ATS7? before: go straight to the fallback. */
  readonly isS7Unsupported: boolean;
}

/**
 * One resync: `ATS<r>=<nonce>`, quiet, `ATS<r>?`, and the nonce followed by OK. A refused or
 * unanswered readback (a late ERROR, or firmware without S7) waits for a quiet line, where a late
 * nonce still syncs, and otherwise falls back to a quiet line and `AT` answering OK. That fallback is weaker than the nonce
 * (a reply later than the quiet time could be taken for its OK), so it is used only where S7 is refused.
 */
export async function resyncSequence(
  io: ResyncIo,
  run: ResyncRun,
  plan: ResyncPlan,
): Promise<{ isSynced: boolean; isS7Unsupported: boolean }> {
  const { deadlineMs, quietMs } = plan;
  const fallback = async (): Promise<{ isSynced: boolean; isS7Unsupported: boolean }> => {
    await waitFor(run, deadlineMs, S7_REFUSED_QUIET_MS, () => true);
    const oksBefore = run.okFinals;
    await io.write('AT');
    const r = await waitFor(run, deadlineMs, quietMs, () => run.okFinals > oksBefore);
    // Only a modem that answers AT but not the S-register is taken to lack S7; a silent one is just silent.
    return { isSynced: r === 'ok', isS7Unsupported: r === 'ok' || plan.isS7Unsupported };
  };
  if (plan.isS7Unsupported) return fallback();
  await io.write(plan.setCmd);
  // Wait for a final and then quiet, so the readback does not interrupt the write.
  const quiet = await waitFor(run, deadlineMs, quietMs, () => run.sawFinal);
  if (io.isClosed()) return { isSynced: false, isS7Unsupported: false };
  if (quiet === 'deadline') io.log.warn({ command: plan.setCmd }, 'at.resync-no-final');
  const errorsBefore = run.errorFinals;
  await io.write(plan.readCmd);
  await waitFor(run, deadlineMs, 0, () => run.isSynced || run.errorFinals > errorsBefore);
  if (!run.isSynced && run.errorFinals > errorsBefore) {
    await waitFor(run, deadlineMs, S7_REFUSED_QUIET_MS, () => true);
    if (!run.isSynced) return fallback();
  }
  // No answer at all to the readback: firmware (or a replay of one) that ignores what it does not
  // know. If it still answers AT, that is the fallback.
  if (!run.isSynced && !io.isClosed()) return fallback();
  return { isSynced: run.isSynced, isS7Unsupported: false };
}
