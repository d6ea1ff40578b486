/**
 * Sends a soft-reset command. The modem may reboot before it answers, or answer and then drop off
 * the bus: a timeout or a closed port after the write is the expected outcome and counts as success.
 * A refusal (`ERROR`, `+CME ERROR`) rejects, so a shim can try its next way of resetting.
 */
import type { AtChannel, SendOptions } from '../../modem/at/channel.js';
import { hasCode } from '../../modem/errors.js';
import type { ResetOptions } from '../shim.js';
import { refusalReason } from './at-refusal.js';

/** Default wait for a reset command's answer, in ms (ModemManager gives `+CFUN=1,1` 15 s). */
export const DEFAULT_RESET_TIMEOUT_MS = 15_000;

/** `ResetOptions` as `SendOptions`, with the shim's default timeout. */
export function resetSendOptions(opts: ResetOptions | undefined, defaultTimeoutMs: number): SendOptions {
  const timeoutMs = opts?.timeoutMs ?? defaultTimeoutMs;
  return opts?.signal === undefined ? { timeoutMs } : { timeoutMs, signal: opts.signal };
}

/** Sends one reset command; resolves when it was accepted or the modem went away. */
export async function sendReset(
  ch: AtChannel,
  command: string,
  opts: ResetOptions | undefined,
  defaultTimeoutMs: number = DEFAULT_RESET_TIMEOUT_MS,
): Promise<void> {
  try {
    await ch.send(command, resetSendOptions(opts, defaultTimeoutMs));
  } catch (e) {
    if (hasCode(e, 'AT_TIMEOUT') || hasCode(e, 'AT_PORT_CLOSED')) return;
    throw e;
  }
}

/**
 * Tries `commands` in order: a refusal moves to the next one, the last refusal rejects. For
 * firmwares where the right command depends on a model the shim may not know yet.
 */
export async function sendResetWithFallback(
  ch: AtChannel,
  commands: readonly string[],
  opts: ResetOptions | undefined,
  defaultTimeoutMs: number = DEFAULT_RESET_TIMEOUT_MS,
): Promise<void> {
  if (commands.length === 0) throw new TypeError('sendResetWithFallback: no commands');
  let last: unknown = null;
  for (const command of commands) {
    try {
      await sendReset(ch, command, opts, defaultTimeoutMs);
      return;
    } catch (e) {
      if (refusalReason(e) === null) throw e;
      last = e;
    }
  }
  throw last;
}
