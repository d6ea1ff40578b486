/**
 * PDP contexts (27.007 §10.1.1 +CGDCONT, §10.1.10 +CGACT, §10.1.14 +CGPADDR).
 */
import { intArg, type ParsedCommand } from './parse-command.js';
import type { Profile } from './profiles/types.js';
import { cmeReply, errorReply, okReply, type Reply } from './reply.js';
import { isPsAttached } from './respond-network.js';
import type { ModemState, PdpContextState } from './state.js';

const BAD_PARAM = 50;
const NO_SERVICE = 30;
const PDP_TYPES = new Set(['IP', 'IPV6', 'IPV4V6', 'PPP', 'NON-IP']);
const IPV6_ZERO = '0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0';

/** Addresses the sim hands out when none were scripted; IPv6 in 27.007 dotted-byte form (2001:db8::<cid>). */
export function defaultAddresses(ctx: PdpContextState): string[] {
  const v4 = `10.64.${ctx.cid}.2`;
  const v6 = `32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.${ctx.cid}`;
  if (ctx.type === 'IPV6') return [v6];
  if (ctx.type === 'IPV4V6') return [v4, v6];
  return [v4];
}

function idleAddress(ctx: PdpContextState, profile: Profile): string {
  if (profile.pdpStyle.idleAddress === 'empty') return '';
  return ctx.type === 'IP' ? '0.0.0.0' : IPV6_ZERO;
}

function cgdcontLine(ctx: PdpContextState, profile: Profile): string {
  const addr = ctx.isActive ? (ctx.addresses[0] ?? '') : idleAddress(ctx, profile);
  return `+CGDCONT: ${ctx.cid},"${ctx.type}","${ctx.apn}","${addr}",${profile.pdpStyle.trailer}`;
}

function cgpaddrLine(ctx: PdpContextState, profile: Profile): string {
  if (ctx.isActive) return `+CGPADDR: ${ctx.cid},${ctx.addresses.map((a) => `"${a}"`).join(',')}`;
  if (profile.pdpStyle.idleAddress === 'empty') return `+CGPADDR: ${ctx.cid}`;
  return `+CGPADDR: ${ctx.cid},"${idleAddress(ctx, profile)}"`;
}

const byCid = (a: PdpContextState, b: PdpContextState): number => a.cid - b.cid;

function respondCgdcont(cmd: ParsedCommand, state: ModemState, profile: Profile): Reply {
  if (cmd.form === 'read') return okReply([...state.pdp].sort(byCid).map((c) => cgdcontLine(c, profile)));
  if (cmd.form !== 'set') return errorReply();
  const cid = intArg(cmd.args, 0);
  if (cid === null || cid < 1 || cid > profile.maxCid) return cmeReply(state, BAD_PARAM);
  const existing = state.pdp.find((c) => c.cid === cid);
  if (existing?.isActive === true) return cmeReply(state, 3);
  const others = state.pdp.filter((c) => c.cid !== cid);
  // 27.007 §10.1.1: `+CGDCONT=<cid>` alone undefines the context.
  if (cmd.args.length === 1) return okReply([], { pdp: others });
  const type = (cmd.args[1] ?? '').toUpperCase();
  if (!PDP_TYPES.has(type)) return cmeReply(state, BAD_PARAM);
  const ctx: PdpContextState = {
    cid,
    type: type === 'NON-IP' ? 'Non-IP' : type,
    apn: cmd.args[2] ?? '',
    isActive: false,
    addresses: [],
  };
  return okReply([], { pdp: [...others, ctx].sort(byCid) });
}

function respondCgact(cmd: ParsedCommand, state: ModemState): Reply {
  if (cmd.form === 'read') {
    return okReply([...state.pdp].sort(byCid).map((c) => `+CGACT: ${c.cid},${c.isActive ? 1 : 0}`));
  }
  if (cmd.form !== 'set') return errorReply();
  const want = intArg(cmd.args, 0);
  if (want !== 0 && want !== 1) return cmeReply(state, BAD_PARAM);
  const cids = cmd.args.slice(1).map(Number);
  if (cids.some((c) => !Number.isInteger(c) || !state.pdp.some((p) => p.cid === c))) {
    return cmeReply(state, BAD_PARAM);
  }
  const targets = cids.length > 0 ? new Set(cids) : new Set(state.pdp.map((p) => p.cid));
  if (want === 1 && (state.sim !== 'ready' || state.cfun !== 1 || !isPsAttached(state))) {
    return cmeReply(state, NO_SERVICE);
  }
  const pdp = state.pdp.map((c) => {
    if (!targets.has(c.cid)) return c;
    if (want === 0) return { ...c, isActive: false };
    return { ...c, isActive: true, addresses: c.addresses.length > 0 ? c.addresses : defaultAddresses(c) };
  });
  return okReply([], { pdp });
}

function respondCgpaddr(cmd: ParsedCommand, state: ModemState, profile: Profile): Reply {
  const sorted = [...state.pdp].sort(byCid);
  if (cmd.form === 'exec') return okReply(sorted.map((c) => cgpaddrLine(c, profile)));
  if (cmd.form !== 'set') return errorReply();
  const lines: string[] = [];
  for (const arg of cmd.args) {
    const ctx = sorted.find((c) => String(c.cid) === arg);
    if (ctx === undefined) return cmeReply(state, BAD_PARAM);
    lines.push(cgpaddrLine(ctx, profile));
  }
  return okReply(lines);
}

/** PDP commands; null when the command is not one of them. */
export function respondPdp(cmd: ParsedCommand, state: ModemState, profile: Profile): Reply | null {
  switch (cmd.name) {
    case '+CGDCONT':
      return respondCgdcont(cmd, state, profile);
    case '+CGACT':
      return respondCgact(cmd, state);
    case '+CGPADDR':
      return respondCgpaddr(cmd, state, profile);
    default:
      return null;
  }
}
