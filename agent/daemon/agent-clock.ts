/**
 * The agent's wall clock. On a gateway it is the system clock, and stepping it runs `date` (root or
 * CAP_SYS_TIME needed). In the lab it can start at a chosen instant and be stepped without touching
 * the machine's clock; that checks the agent's own clock logic only: TLS still uses the system clock.
 */
import { execFile } from 'node:child_process';
import { ZtgwError } from '../../modem/errors.js';

export interface AgentClock {
  nowMs(): number;
  /** Sets the clock to `toMs` (ms since the epoch). */
  step(toMs: number): Promise<void>;
  readonly isSimulated: boolean;
}

/** Bound on the `date` command, in ms. */
const DATE_TIMEOUT_MS = 5000;

export function systemClock(): AgentClock {
  return {
    nowMs: () => Date.now(),
    isSimulated: false,
    step: (toMs) =>
      new Promise((resolve, reject) => {
        execFile('date', ['-u', '-s', `@${Math.floor(toMs / 1000)}`], { timeout: DATE_TIMEOUT_MS }, (err) =>
          err
            ? reject(new ZtgwError('UPLINK_CLOCK', `cannot set the system clock: ${err.message}`, { toMs }))
            : resolve(),
        );
      }),
  };
}

/** A clock that reads `startMs` now and runs at the system clock's pace from there. */
export function labClock(startMs: number): AgentClock {
  let offsetMs = startMs - Date.now();
  return {
    nowMs: () => Date.now() + offsetMs,
    isSimulated: true,
    step: async (toMs) => {
      offsetMs = toMs - Date.now();
    },
  };
}
