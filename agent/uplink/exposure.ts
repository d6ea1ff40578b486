/**
 * The exposure self-check: what is this process (or this network namespace) listening on, and does
 * any of it face the WAN? Reads /proc/net/{tcp,tcp6,udp,udp6} and /proc/self/fd, classifies each
 * bound address against the interfaces, and reports `isExposed` for the retained state message.
 *
 * ```
 * /proc/net/* ─▶ parseProcNet ─▶ listening sockets ─┐
 * /proc/self/fd links `socket:[N]` ─▶ own inodes ───┼─▶ summarizeExposure ─▶ { isExposed, listeners }
 * os.networkInterfaces() + WAN/LAN globs ───────────┘   (classifyAddress: loopback|lan|any|wan|unknown)
 * ```
 *
 * Exposed means bound to a wildcard (0.0.0.0, ::), to a WAN address, or to an address on no known
 * interface (fail closed: an address nobody can place is treated as reachable).
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { endianness, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import {
  type AddressClass,
  classifyAddress,
  EXPOSED_CLASSES,
  type InterfaceGlobs,
  type InterfaceTable,
} from './classify-address.js';
import { isListening, type NetProto, type NetSocket, parseProcNet, socketInodes } from './proc-net.js';

export { checkBindAddress } from './classify-address.js';

export interface ExposureListener {
  readonly proto: NetProto;
  readonly address: string;
  readonly port: number;
  readonly class: AddressClass;
  readonly interface?: string;
  /** Whether the socket belongs to this process. */
  readonly isOwn: boolean;
  readonly inode: number;
}

export interface ExposureReport {
  readonly isExposed: boolean;
  readonly listeners: readonly ExposureListener[];
  /** Files that could not be read or lines that did not parse. */
  readonly problems: readonly string[];
}

export type ExposureScope = 'self' | 'all';

/**
 * Classifies listening sockets. With scope 'self' only sockets whose inode is in `ownInodes` are
 * kept; with 'all' every socket of the namespace is, marked own or not. Pure.
 */
export function summarizeExposure(
  sockets: readonly NetSocket[],
  ownInodes: ReadonlySet<number>,
  scope: ExposureScope,
  interfaces: InterfaceTable,
  globs: InterfaceGlobs,
): Omit<ExposureReport, 'problems'> {
  const listeners: ExposureListener[] = [];
  for (const s of sockets) {
    if (!isListening(s)) continue;
    const isOwn = ownInodes.has(s.inode);
    if (scope === 'self' && !isOwn) continue;
    const c = classifyAddress(s.localAddress, interfaces, globs);
    listeners.push({
      proto: s.proto,
      address: s.localAddress,
      port: s.localPort,
      class: c.class,
      ...(c.interface === undefined ? {} : { interface: c.interface }),
      isOwn,
      inode: s.inode,
    });
  }
  return { isExposed: listeners.some((l) => EXPOSED_CLASSES.has(l.class)), listeners };
}

export interface ExposureOptions {
  readonly scope: ExposureScope;
  readonly wanInterfaces: readonly string[];
  readonly lanInterfaces: readonly string[];
  /** Default '/proc'; tests point it at a directory laid out the same way. */
  readonly procRoot?: string;
  /** Default os.networkInterfaces(). */
  readonly interfaces?: InterfaceTable;
}

const errnoOf = (err: unknown): string =>
  typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : 'EIO';

/** Reads the link targets of <procRoot>/self/fd; fds closed meanwhile are skipped. */
async function ownSocketInodes(procRoot: string, problems: string[]): Promise<Set<number>> {
  const dir = join(procRoot, 'self', 'fd');
  let fds: string[];
  try {
    fds = await readdir(dir);
  } catch (err) {
    problems.push(`cannot list ${dir}: ${errnoOf(err)}`);
    return new Set();
  }
  const targets = await Promise.all(fds.map((fd) => readlink(join(dir, fd)).catch(() => '')));
  return socketInodes(targets);
}

/** Runs the self-check once against the live system. */
export async function checkExposure(opts: ExposureOptions): Promise<ExposureReport> {
  const procRoot = opts.procRoot ?? '/proc';
  const problems: string[] = [];
  const sockets: NetSocket[] = [];
  const order = endianness();
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    const file = join(procRoot, 'net', proto);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      // No tcp6/udp6 when IPv6 is disabled: nothing can listen there then, but say so.
      problems.push(`cannot read ${file}: ${errnoOf(err)}`);
      continue;
    }
    const parsed = parseProcNet(text, proto, order);
    sockets.push(...parsed.sockets);
    problems.push(...parsed.problems);
  }
  const own = await ownSocketInodes(procRoot, problems);
  const summary = summarizeExposure(sockets, own, opts.scope, opts.interfaces ?? networkInterfaces(), {
    wan: opts.wanInterfaces,
    lan: opts.lanInterfaces,
  });
  return { ...summary, problems };
}
