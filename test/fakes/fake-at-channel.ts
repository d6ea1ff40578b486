/**
 * FakeAtChannel: an AtChannel with a script of answers, consumed in order, for shim tests. Each step
 * names the exact command it expects and either the information lines to answer with (final `OK`) or
 * the ZtgwError to reject with. A command that is not the next step is recorded in `unplanned` and
 * rejects with AT_BAD_COMMAND, so a test cannot pass by accident; `assertDone()` throws listing
 * steps never used and commands never planned.
 */
import type { AtChannel, AtResponse, SendOptions } from '../../modem/at/channel.js';
import { type ErrorCode, type JsonObject, ZtgwError } from '../../modem/errors.js';

export type FakeStep =
  | { readonly command: string; readonly lines: readonly string[]; readonly final?: string }
  | { readonly command: string; readonly error: ZtgwError };

export class FakeAtChannel implements AtChannel {
  /** Every command sent, in order, planned or not. */
  readonly sent: string[] = [];
  /** The options each command was sent with (same order as `sent`). */
  readonly options: (SendOptions | undefined)[] = [];
  /** Commands that did not match the next step. */
  readonly unplanned: string[] = [];
  private readonly script: FakeStep[];

  constructor(script: readonly FakeStep[]) {
    this.script = [...script];
  }

  async send(command: string, opts?: SendOptions): Promise<AtResponse> {
    this.sent.push(command);
    this.options.push(opts);
    const next = this.script[0];
    if (next === undefined || next.command !== command) {
      this.unplanned.push(command);
      const expected = next === undefined ? 'nothing' : next.command;
      throw new ZtgwError('AT_BAD_COMMAND', `unplanned command ${command} (expected ${expected})`, {
        command,
        expected,
      });
    }
    this.script.shift();
    if ('error' in next) throw next.error;
    return { command, lines: next.lines, final: next.final ?? 'OK' };
  }

  /** Throws when a step was never used or a command was never planned. */
  assertDone(): void {
    const problems: string[] = [];
    if (this.script.length > 0) problems.push(`never sent: ${this.script.map((s) => s.command).join(', ')}`);
    if (this.unplanned.length > 0) problems.push(`unplanned: ${this.unplanned.join(', ')}`);
    if (problems.length > 0) throw new Error(`FakeAtChannel: ${problems.join('; ')}`);
  }
}

/** The error the engine rejects with for a plain `ERROR` final. */
export function atError(command: string): ZtgwError {
  return new ZtgwError('AT_ERROR', `${command}: ERROR`, { command });
}

/** The error the engine rejects with for `+CME ERROR: <cme>`. */
export function cmeError(command: string, cme: number, cmeName: string): ZtgwError {
  return new ZtgwError('AT_CME', `${command}: +CME ERROR: ${cme}`, { command, cme, cmeName });
}

/** Any other rejection (AT_TIMEOUT, AT_PORT_CLOSED, …). */
export function channelError(code: ErrorCode, command: string, details: JsonObject = {}): ZtgwError {
  return new ZtgwError(code, `${command}: ${code}`, { command, ...details });
}
