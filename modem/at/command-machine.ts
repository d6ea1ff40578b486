/**
 * The life of one AT command as a transition table. Pure: the engine feeds it lines, prompts and
 * "timed out", and carries out the actions it returns.
 *
 *   write ──▶ [echo?] ──▶ info lines … ──▶ final ──▶ done
 *                 │            ▲  └─ URC lines are handed out, never kept as info
 *                 └── `> ` ────┘  (payload written, then Ctrl-Z)
 *   timeout (any phase) ──▶ done with phase: 'echo' (nothing came back), 'prompt', or 'final'
 */
import { classifyFinal, type FinalResult } from './final.js';
import { regShape } from './parsers/index.js';
import { type Dialect, isUrcLine, linePrefix } from './urc.js';

export type TimeoutPhase = 'echo' | 'prompt' | 'final';

export interface CommandState {
  readonly command: string;
  readonly payload: string | null;
  /** `+CSQ:` for `AT+CSQ`, `!GSTATUS:` for `AT!GSTATUS?`; null for basic commands (`ATI`). */
  readonly expectPrefix: string | null;
  /** `AT+CREG?` and friends: the one line that answers is told from a URC by its shape. */
  readonly isRegRead: boolean;
  readonly hasRegAnswer: boolean;
  readonly hasEcho: boolean;
  readonly isPayloadSent: boolean;
  readonly lines: readonly string[];
  /** Lines dropped as noise (no letter or digit at all, e.g. bytes that were not UTF-8). */
  readonly noiseLines: number;
}

export type CommandInput =
  | { readonly kind: 'line'; readonly text: string }
  | { readonly kind: 'prompt' }
  | { readonly kind: 'timeout' };

export type CommandAction =
  | { readonly kind: 'urc'; readonly line: string }
  | { readonly kind: 'write-payload'; readonly payload: string }
  | { readonly kind: 'done'; readonly final: FinalResult; readonly lines: readonly string[] }
  | {
      readonly kind: 'timed-out';
      readonly phase: TimeoutPhase;
      readonly lines: readonly string[];
    };

export interface Step {
  readonly state: CommandState;
  readonly actions: readonly CommandAction[];
}

const REG_READ = /^AT([+]C(?:5G|G|E)?REG)\?$/i;

/** The response prefix a command's answer carries, derived from the command text. */
export function expectedPrefix(command: string): string | null {
  const m = /^AT([+#!^$*][A-Za-z0-9_]+)/i.exec(command.trim());
  return m?.[1] ? `${m[1].toUpperCase()}:` : null;
}

export function startCommand(command: string, payload: string | null = null): CommandState {
  return {
    command,
    payload,
    expectPrefix: expectedPrefix(command),
    isRegRead: REG_READ.test(command.trim()),
    hasRegAnswer: false,
    hasEcho: false,
    isPayloadSent: false,
    lines: [],
    noiseLines: 0,
  };
}

const squash = (s: string): string => s.replace(/\s+/g, '').toUpperCase();

/** Removes replacement characters a corrupted byte left at either end of a line. */
export function cleanLine(text: string): string {
  return text.replace(/^[\uFFFD\s]+|[\uFFFD\s]+$/g, '');
}

/** A line with no letter or digit carries nothing: bytes that were not UTF-8, stray punctuation. */
export function isNoise(text: string): boolean {
  return !/[A-Za-z0-9]/.test(text);
}

export function stepCommand(state: CommandState, input: CommandInput, dialect: Dialect): Step {
  if (input.kind === 'timeout') {
    const phase: TimeoutPhase =
      state.payload !== null && !state.isPayloadSent
        ? 'prompt'
        : state.hasEcho || state.lines.length > 0
          ? 'final'
          : 'echo';
    return { state, actions: [{ kind: 'timed-out', phase, lines: state.lines }] };
  }
  if (input.kind === 'prompt') {
    if (state.payload === null || state.isPayloadSent) return { state, actions: [] };
    return {
      state: { ...state, isPayloadSent: true },
      actions: [{ kind: 'write-payload', payload: state.payload }],
    };
  }
  const text = cleanLine(input.text);
  if (isNoise(text)) return { state: { ...state, noiseLines: state.noiseLines + 1 }, actions: [] };

  // Echo: the command itself (modems that ignore ATE0 keep sending it), or the payload after a prompt.
  if (state.lines.length === 0 && squash(text) === squash(state.command)) {
    return { state: { ...state, hasEcho: true }, actions: [] };
  }
  if (state.isPayloadSent && state.payload !== null && squash(text) === squash(state.payload)) {
    return { state, actions: [] };
  }

  const final = classifyFinal(text, dialect.finals);
  if (final) return { state, actions: [{ kind: 'done', final, lines: state.lines }] };

  if (isAnswerLine(state, text, dialect)) {
    const isReg = state.isRegRead && linePrefix(text) === state.expectPrefix;
    return {
      state: { ...state, lines: [...state.lines, text], hasRegAnswer: state.hasRegAnswer || isReg },
      actions: [],
    };
  }
  return { state, actions: [{ kind: 'urc', line: text }] };
}

/**
 * Whether a line belongs to the answer rather than being a URC that arrived meanwhile.
 * A line with a URC prefix is an answer only when it carries the command's own prefix, and for
 * registration reads only when it is the first such line and has the read shape (`<n>,<stat>…`).
 */
function isAnswerLine(state: CommandState, text: string, dialect: Dialect): boolean {
  if (!isUrcLine(text, dialect)) return true;
  const prefix = linePrefix(text);
  if (prefix === null || prefix !== state.expectPrefix) return false;
  if (!state.isRegRead) return true;
  if (state.hasRegAnswer) return false;
  return regShape(text) !== 'urc';
}
