/**
 * Which side of the gateway a bound address faces: loopback, the LAN, the WAN (the cellular
 * interface), every interface at once (`any`), or an address on no interface we know (`unknown`).
 * The exposure self-check classifies what is bound; config validation refuses listener addresses
 * that would be exposed. Pure: the interface table (os.networkInterfaces()) is an argument.
 */
import { formatIp, parseIp, unmapV4 } from './ip-address.js';

export type AddressClass = 'loopback' | 'lan' | 'any' | 'wan' | 'unknown';

/** One address of an interface, as os.networkInterfaces() lists it. */
export interface InterfaceAddress {
  readonly address: string;
  readonly internal: boolean;
}

/** Interface name → its addresses (the shape of os.networkInterfaces()). */
export type InterfaceTable = Readonly<Record<string, readonly InterfaceAddress[] | undefined>>;

export interface InterfaceGlobs {
  /** Globs of WAN interface names (`wwan*`). */
  readonly wan: readonly string[];
  /** Globs of LAN interface names; empty means every interface that is neither WAN nor loopback. */
  readonly lan: readonly string[];
}

export interface Classified {
  readonly class: AddressClass;
  /** The interface that holds the address, when one does. */
  readonly interface?: string;
}

/** Shell-style match of an interface name: `*` any run, `?` one character, everything else literal. */
export function globMatch(glob: string, name: string): boolean {
  let re = '^';
  for (const ch of glob) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`${re}$`).test(name);
}

const matchesAny = (globs: readonly string[], name: string): boolean => globs.some((g) => globMatch(g, name));

function isAnyAddress(b: Uint8Array): boolean {
  return b.every((x) => x === 0);
}

function isLoopback(b: Uint8Array): boolean {
  if (b.length === 4) return b[0] === 127;
  return b.every((x, i) => (i === 15 ? x === 1 : x === 0));
}

/**
 * Classifies one bound address. IPv4-mapped IPv6 addresses count as their IPv4 address; a WAN
 * interface holding the address wins over any other that holds it too.
 */
export function classifyAddress(
  address: string,
  interfaces: InterfaceTable,
  globs: InterfaceGlobs,
): Classified {
  const parsed = parseIp(address);
  if (parsed === null) return { class: 'unknown' };
  const b = unmapV4(parsed);
  if (isAnyAddress(b)) return { class: 'any' };
  if (isLoopback(b)) return { class: 'loopback' };
  const want = formatIp(b);
  let found: Classified | null = null;
  for (const [name, addrs] of Object.entries(interfaces)) {
    const holds = (addrs ?? []).some((a) => {
      const ab = parseIp(a.address);
      return ab !== null && formatIp(unmapV4(ab)) === want;
    });
    if (!holds) continue;
    if (matchesAny(globs.wan, name)) return { class: 'wan', interface: name };
    if (found !== null) continue;
    const internal = (addrs ?? []).every((a) => a.internal);
    if (internal) found = { class: 'loopback', interface: name };
    else if (globs.lan.length === 0 || matchesAny(globs.lan, name)) found = { class: 'lan', interface: name };
    else found = { class: 'unknown', interface: name };
  }
  return found ?? { class: 'unknown' };
}

/** Classes that count as exposed: reachable, or possibly reachable, from the WAN. */
export const EXPOSED_CLASSES: ReadonlySet<AddressClass> = new Set(['any', 'wan', 'unknown']);

export type BindCheck =
  | { readonly ok: true; readonly classified: Classified }
  | { readonly ok: false; readonly problem: string };

/**
 * Whether a listener may bind `address`: an IP literal that is neither a wildcard (0.0.0.0, ::) nor
 * an address of an interface matching `wanGlobs`. An address on no interface today passes (a LAN
 * interface may come up later); the runtime self-check catches what is really bound.
 */
export function checkBindAddress(
  address: string,
  interfaces: InterfaceTable,
  wanGlobs: readonly string[],
): BindCheck {
  if (parseIp(address) === null) {
    return { ok: false, problem: `expected an IP address literal, got ${JSON.stringify(address)}` };
  }
  const c = classifyAddress(address, interfaces, { wan: wanGlobs, lan: [] });
  if (c.class === 'any') {
    return {
      ok: false,
      problem: `${address} binds every interface, the WAN included: use a LAN or loopback address`,
    };
  }
  if (c.class === 'wan') {
    return { ok: false, problem: `${address} is an address of WAN interface ${c.interface ?? '?'}` };
  }
  return { ok: true, classified: c };
}
