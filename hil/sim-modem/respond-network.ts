/**
 * Network commands: registration (+CREG/+CGREG/+CEREG/+C5GREG), operator (+COPS), signal (+CSQ,
 * +CESQ), clock (+CCLK), functionality (+CFUN) and attach (+CGATT).
 */
import type { RegDomain } from '../../modem/at/types.js';
import { formatCclk, isIsoLocal, rssiDbmOf } from './format.js';
import { intArg, type ParsedCommand } from './parse-command.js';
import type { Profile } from './profiles/types.js';
import { isLteAct, regReadLine, servingAct } from './registration.js';
import { cmeReply, errorReply, okReply, type Reply, type RespondContext, withEffect } from './reply.js';
import { effectiveRegistration, isRegistered, type ModemState } from './state.js';

const BAD_PARAM = 50;

const REG_COMMANDS: Readonly<Record<string, { domain: RegDomain; maxN: number }>> = {
  // 27.007 §7.2 (<n> 0..3), §10.1.20 (0..3), §10.1.22 (0..5), §10.1.47 (0..2)
  '+CREG': { domain: 'cs', maxN: 3 },
  '+CGREG': { domain: 'gprs', maxN: 3 },
  '+CEREG': { domain: 'eps', maxN: 5 },
  '+C5GREG': { domain: '5gs', maxN: 2 },
};

function respondReg(cmd: ParsedCommand, state: ModemState, profile: Profile): Reply | null {
  const spec = REG_COMMANDS[cmd.name];
  if (spec === undefined || !profile.domains.includes(spec.domain)) return null;
  if (cmd.form === 'read') return okReply([regReadLine(state, profile, spec.domain)]);
  if (cmd.form === 'set') {
    const n = intArg(cmd.args, 0);
    if (n === null || n > spec.maxN || cmd.args.length !== 1) return cmeReply(state, BAD_PARAM);
    return okReply([], { urcMode: { [spec.domain]: n } });
  }
  return errorReply();
}

function operatorName(state: ModemState, format: number): string {
  if (format === 2) return `${state.operator.mcc}${state.operator.mnc}`;
  return format === 1 ? state.operator.shortName : state.operator.longName;
}

function respondCops(cmd: ParsedCommand, state: ModemState, profile: Profile): Reply {
  if (cmd.form === 'read') {
    const act = servingAct(state);
    if (act === null) return okReply(['+COPS: 0']);
    const oper = `+COPS: 0,${state.copsFormat},"${operatorName(state, state.copsFormat)}"`;
    return okReply([profile.omitsAct ? oper : `${oper},${act}`]);
  }
  if (cmd.form !== 'set') return errorReply();
  const mode = intArg(cmd.args, 0);
  if (mode === 3) {
    const format = intArg(cmd.args, 1);
    if (format === null || format > 2) return cmeReply(state, BAD_PARAM);
    return okReply([], { copsFormat: format });
  }
  // Automatic (0), manual (1), deregister (2), manual/automatic (4): accepted, the network stays scripted.
  if (mode === null || mode > 4) return cmeReply(state, BAD_PARAM);
  return okReply();
}

function respondCsq(state: ModemState): Reply {
  const csq = state.cfun === 1 ? state.signal.csq : 99;
  return okReply([`+CSQ: ${csq},99`]);
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** 27.007 §8.69 with TS 36.133 §9.1.4/§9.1.7 and TS 45.008 §8.1.4 mappings. */
function respondCesq(state: ModemState): Reply {
  const act = servingAct(state);
  if (isLteAct(act)) {
    const rsrq = clamp(Math.floor((state.signal.rsrqDb + 20) * 2), 0, 34);
    const rsrp = clamp(Math.floor(state.signal.rsrpDbm) + 141, 0, 97);
    return okReply([`+CESQ: 99,99,255,255,${rsrq},${rsrp}`]);
  }
  if (act === 0 || act === 3) {
    const rxlev = clamp(rssiDbmOf(state) + 111, 0, 63);
    return okReply([`+CESQ: ${rxlev},99,255,255,255,255`]);
  }
  return okReply(['+CESQ: 99,99,255,255,255,255']);
}

function respondCclk(cmd: ParsedCommand, state: ModemState, ctx: RespondContext): Reply {
  if (cmd.form === 'read') return okReply([`+CCLK: "${formatCclk(state.networkTime, ctx.nowMs)}"`]);
  if (cmd.form !== 'set') return errorReply();
  const m = /^(\d{2})\/(\d{2})\/(\d{2}),(\d{2}):(\d{2}):(\d{2})([+-]\d{2})$/.exec(cmd.args.join(','));
  if (m === null) return cmeReply(state, BAD_PARAM);
  const iso = `20${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
  if (!isIsoLocal(iso)) return cmeReply(state, BAD_PARAM);
  const time =
    ctx.nowMs === undefined
      ? { iso, tzQuarterHours: Number(m[7]) }
      : { iso, tzQuarterHours: Number(m[7]), setAtMs: ctx.nowMs };
  return okReply([], { networkTime: time });
}

/** 27.007 §8.2: 0 minimum, 1 full, 4 RF off; `<rst>` 1 resets the MT first. */
function respondCfun(cmd: ParsedCommand, state: ModemState): Reply {
  if (cmd.form === 'read') return okReply([`+CFUN: ${state.cfun}`]);
  if (cmd.form !== 'set') return errorReply();
  const fun = intArg(cmd.args, 0);
  const rst = cmd.args.length > 1 ? intArg(cmd.args, 1) : 0;
  if (fun === null || ![0, 1, 4].includes(fun) || (rst !== 0 && rst !== 1)) return cmeReply(state, BAD_PARAM);
  if (rst === 1) return withEffect(okReply([], { cfun: fun }), 'reboot');
  if (fun === state.cfun) return okReply();
  if (fun === 1) return withEffect(okReply([], { cfun: 1 }), 'radio-on');
  return okReply([], { cfun: fun, pdp: state.pdp.map((c) => ({ ...c, isActive: false })) });
}

/** True while attached for packet data (EPS or GPRS registered). */
export function isPsAttached(state: ModemState): boolean {
  return (
    isRegistered(effectiveRegistration(state, 'eps')) || isRegistered(effectiveRegistration(state, 'gprs'))
  );
}

/** Network commands; null when the command is not one of them (or not implemented by the profile). */
export function respondNetwork(
  cmd: ParsedCommand,
  state: ModemState,
  profile: Profile,
  ctx: RespondContext,
): Reply | null {
  if (cmd.name in REG_COMMANDS) return respondReg(cmd, state, profile);
  switch (cmd.name) {
    case '+COPS':
      return respondCops(cmd, state, profile);
    case '+CSQ':
      return cmd.form === 'exec' ? respondCsq(state) : errorReply();
    case '+CESQ':
      if (!profile.hasCesq) return null;
      return cmd.form === 'exec' ? respondCesq(state) : errorReply();
    case '+CCLK':
      return respondCclk(cmd, state, ctx);
    case '+CFUN':
      return respondCfun(cmd, state);
    case '+CGATT':
      return cmd.form === 'read' ? okReply([`+CGATT: ${isPsAttached(state) ? 1 : 0}`]) : okReply();
    default:
      return null;
  }
}
