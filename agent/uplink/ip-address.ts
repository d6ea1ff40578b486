/**
 * IP address literals as bytes, and back to their canonical text (RFC 5952 for IPv6), so that an
 * address read from /proc/net, from os.networkInterfaces() or from the config compares equal however
 * it was written. Pure.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** 4 bytes for IPv4, 16 for IPv6; null when `s` is not an IP literal. A `%zone` suffix is ignored. */
export function parseIp(s: string): Uint8Array | null {
  const bare = s.includes('%') ? s.slice(0, s.indexOf('%')) : s;
  if (isIPv4(bare)) return Uint8Array.from(bare.split('.').map((x) => Number(x)));
  if (!isIPv6(bare)) return null;
  return parseIpv6(bare);
}

function parseIpv6(s: string): Uint8Array | null {
  let text = s.toLowerCase();
  const tail: number[] = [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups written as a dotted quad.
  const lastColon = text.lastIndexOf(':');
  const maybeV4 = text.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    if (!isIPv4(maybeV4)) return null;
    tail.push(...maybeV4.split('.').map((x) => Number(x)));
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string | undefined): number[] =>
    part === undefined || part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16));
  const head = groups(halves[0]);
  const rest = groups(halves[1]);
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = halves.length === 1 ? head : [...head, ...new Array<number>(missing).fill(0), ...rest];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = (g >> 8) & 0xff;
    out[i * 2 + 1] = g & 0xff;
  });
  if (tail.length === 4) out.set(tail, 12);
  return out;
}

/** Whether 16 bytes are an IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2). */
export function isV4Mapped(b: Uint8Array): boolean {
  if (b.length !== 16) return false;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Canonical text: dotted quad for IPv4; RFC 5952 for IPv6 (lower case, longest zero run as `::`). */
export function formatIp(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  if (isV4Mapped(b)) return `::ffff:${Array.from(b.subarray(12)).join('.')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] ?? 0) << 8) | (b[i + 1] ?? 0));
  // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first if tied.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLen).join(':');
  return `${left}::${right}`;
}

/** The canonical text of an IP literal, or null when it is not one. */
export function canonicalIp(s: string): string | null {
  const b = parseIp(s);
  return b === null ? null : formatIp(b);
}

/** The IPv4 address inside an IPv4-mapped IPv6 address, else the bytes as they are. */
export function unmapV4(b: Uint8Array): Uint8Array {
  return isV4Mapped(b) ? b.subarray(12) : b;
}
