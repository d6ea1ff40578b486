/**
 * The pure responder: one command line in, the modem's answer and state change out.
 *
 *   line ─▶ parseCommand ─▶ profile.vendor ─▶ V.250 basics / identity / SIM ─▶ network ─▶ PDP ─▶ ERROR
 *
 * The first handler that knows the command answers; unknown commands get a plain `ERROR`, as
 * real firmware does whatever the CMEE mode.
 */
import { iccidToEfHex } from './format.js';
import { intArg, type ParsedCommand, parseCommand } from './parse-command.js';
import type { Profile } from './profiles/types.js';
import { registrationUrcs } from './registration.js';
import { cmeReply, errorReply, IGNORED, okReply, type Reply, type RespondContext, simGate } from './reply.js';
import { respondNetwork } from './respond-network.js';
import { respondPdp } from './respond-pdp.js';
import { applyPatch, type ModemState } from './state.js';

const BAD_PARAM = 50;
/** TS 102 221 §11.1.3 READ BINARY, EF_ICCID is file 2FE2 = 12258. */
const CRSM_READ_BINARY = 176;
const EF_ICCID = 12258;

function respondBasic(cmd: ParsedCommand, state: ModemState, profile: Profile): Reply | null {
  const b = cmd.body;
  if (b === '') return okReply();
  if (b === 'E' || b === 'E0') return okReply([], { echo: false });
  if (b === 'E1') return okReply([], { echo: true });
  if (b === 'I' || b === 'I0') return okReply(profile.ati(state));
  if (b === 'Z') return okReply();
  // V.250 §6.3.9: S7 read back as three digits.
  if (b === 'S7?') return okReply([String(state.s7).padStart(3, '0')]);
  const s7 = /^S7=(\d{1,3})$/.exec(b);
  if (s7 !== null) {
    const v = Number(s7[1]);
    return v <= 255 ? okReply([], { s7: v }) : errorReply();
  }
  return null;
}

function respondIdentity(cmd: ParsedCommand, state: ModemState, profile: Profile): Reply | null {
  if (cmd.form !== 'exec') return null;
  switch (cmd.name) {
    case '+CGMI':
    case '+GMI':
      return okReply(profile.cgmi(state));
    case '+CGMM':
    case '+GMM':
      return okReply(profile.cgmm(state));
    case '+CGMR':
    case '+GMR':
      return okReply(profile.cgmr(state));
    case '+CGSN':
    case '+GSN':
      return okReply(profile.cgsn(state));
    default:
      return null;
  }
}

function respondCmee(cmd: ParsedCommand, state: ModemState): Reply {
  if (cmd.form === 'read') return okReply([`+CMEE: ${state.cmee}`]);
  if (cmd.form !== 'set') return errorReply();
  const n = intArg(cmd.args, 0);
  if (n === null || n > 2) return cmeReply(state, BAD_PARAM);
  return okReply([], { cmee: n });
}

const CPIN_CODE = { ready: 'READY', pin: 'SIM PIN', puk: 'SIM PUK' } as const;

/** 27.007 §8.3: read the lock state, enter the PIN, or the PUK and a new PIN. */
function respondCpin(cmd: ParsedCommand, state: ModemState, ctx: RespondContext): Reply {
  const gate = simGate(state, ctx, false);
  if (gate !== null) return gate;
  if (state.sim === 'absent') return cmeReply(state, 10);
  if (cmd.form === 'read') return okReply([`+CPIN: ${CPIN_CODE[state.sim]}`]);
  if (cmd.form !== 'set' || cmd.args.length === 0) return errorReply();
  if (state.sim === 'ready') return cmeReply(state, 3);
  if (state.sim === 'puk') {
    const newPin = cmd.args[1];
    if (newPin === undefined) return cmeReply(state, BAD_PARAM);
    if (cmd.args[0] !== state.puk) return cmeReply(state, 16);
    return okReply([], { sim: 'ready', pin: newPin, pinAttemptsLeft: 3, isPinLockEnabled: true });
  }
  if (cmd.args[0] === state.pin) {
    return okReply([], { sim: 'ready', pinAttemptsLeft: 3, isPinLockEnabled: true });
  }
  const left = state.pinAttemptsLeft - 1;
  const wrong = cmeReply(state, 16);
  return {
    ...wrong,
    stateChanges: left <= 0 ? { pinAttemptsLeft: 0, sim: 'puk' } : { pinAttemptsLeft: left },
  };
}

function respondSim(cmd: ParsedCommand, state: ModemState, ctx: RespondContext): Reply | null {
  switch (cmd.name) {
    case '+CPIN':
      return respondCpin(cmd, state, ctx);
    case '+CIMI':
      if (cmd.form !== 'exec') return errorReply();
      return simGate(state, ctx, true) ?? okReply([state.identity.imsi]);
    case '+CRSM': {
      if (cmd.form !== 'set') return errorReply();
      const gate = simGate(state, ctx, false);
      if (gate !== null) return gate;
      const [command, fileId] = [intArg(cmd.args, 0), intArg(cmd.args, 1)];
      if (command === CRSM_READ_BINARY && fileId === EF_ICCID) {
        return okReply([`+CRSM: 144,0,"${iccidToEfHex(state.identity.iccid)}"`]);
      }
      // SW 6A82: file not found.
      return okReply(['+CRSM: 106,130']);
    }
    case '+CMEE':
      return respondCmee(cmd, state);
    default:
      return null;
  }
}

/**
 * Answers one command line. Pure; `ctx` carries the shell's clock and the SIM-busy window.
 * A line without the `AT` prefix gets no answer (`final` null).
 */
export function respond(state: ModemState, profile: Profile, line: string, ctx: RespondContext = {}): Reply {
  const cmd = parseCommand(line);
  if (cmd === null) return IGNORED;
  return (
    profile.vendor(cmd, state, ctx) ??
    respondBasic(cmd, state, profile) ??
    respondIdentity(cmd, state, profile) ??
    respondSim(cmd, state, ctx) ??
    respondNetwork(cmd, state, profile, ctx) ??
    respondPdp(cmd, state, profile) ??
    errorReply()
  );
}

export interface Step {
  readonly reply: Reply;
  readonly state: ModemState;
  /** Registration URCs the change causes, sent after the final result. */
  readonly urcs: readonly string[];
}

/** `respond`, then the state change applied and the URCs it causes. */
export function step(state: ModemState, profile: Profile, line: string, ctx: RespondContext = {}): Step {
  const reply = respond(state, profile, line, ctx);
  const next = applyPatch(state, reply.stateChanges);
  return { reply, state: next, urcs: registrationUrcs(state, next, profile) };
}
