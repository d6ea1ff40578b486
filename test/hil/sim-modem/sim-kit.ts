/**
 * Test kit for the simulated modem: drive the pure responder through a command script, and
 * read from a real serial port with a deadline.
 */
import type { SerialPort } from 'serialport';
import type { Profile } from '../../../hil/sim-modem/profiles/types.js';
import type { Reply, RespondContext } from '../../../hil/sim-modem/reply.js';
import { step } from '../../../hil/sim-modem/respond.js';
import { applyPatch, type ModemState, type StatePatch } from '../../../hil/sim-modem/state.js';

export interface Transcript {
  readonly replies: Reply[];
  readonly urcs: (readonly string[])[];
  readonly state: ModemState;
}

/** Runs `commands` in order from the profile's initial state (patched), as the shell would. */
export function run(
  profile: Profile,
  commands: readonly string[],
  patch: StatePatch = {},
  ctx: RespondContext = {},
): Transcript {
  let state = applyPatch(profile.initialState, patch);
  const replies: Reply[] = [];
  const urcs: (readonly string[])[] = [];
  for (const c of commands) {
    const s = step(state, profile, c, ctx);
    replies.push(s.reply);
    urcs.push(s.urcs);
    state = s.state;
  }
  return { replies, urcs, state };
}

/** The last reply of a script: `[...lines, final]`. */
export function answer(profile: Profile, commands: readonly string[], patch: StatePatch = {}): string[] {
  const t = run(profile, commands, patch);
  const last = t.replies[t.replies.length - 1];
  if (last === undefined) throw new Error('no commands');
  return [...last.lines, last.final ?? '<none>'];
}

/** Collects what a port receives until `done(text)` holds; rejects after `timeoutMs`. */
export function readUntil(
  port: SerialPort,
  done: (text: string) => boolean,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (b: Buffer): void => {
      text += b.toString('latin1');
      if (done(text)) finish(null);
    };
    const finish = (err: Error | null): void => {
      clearTimeout(timer);
      port.off('data', onData);
      if (err === null) resolve(text);
      else reject(err);
    };
    const timer = setTimeout(
      () => finish(new Error(`timed out after ${timeoutMs} ms; got ${JSON.stringify(text)}`)),
      timeoutMs,
    );
    port.on('data', onData);
  });
}

/** Writes `command\r` and resolves with everything up to and including the final `OK`/`ERROR` line. */
export async function exchange(port: SerialPort, command: string, timeoutMs = 2000): Promise<string> {
  const reading = readUntil(port, (t) => /\r\n(OK|ERROR|\+CME ERROR: [^\r]*)\r\r?\n$/.test(t), timeoutMs);
  port.write(`${command}\r`);
  return reading;
}

/** `promise`, or a rejection naming `what` after `timeoutMs`; the timer is always cleared. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
