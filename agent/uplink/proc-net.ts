/**
 * Parser of /proc/net/{tcp,tcp6,udp,udp6} (Linux, net/ipv4/tcp_ipv4.c `get_tcp4_sock`, net/ipv6/
 * tcp_ipv6.c `get_tcp6_sock`, net/ipv4/udp.c `udp4_format_sock`). Pure: it reads the file's text.
 *
 * ```
 *   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
 *    0: 0100007F:B0DF 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 37304 …
 * ```
 *
 * An address is printed as 32-bit words in hex, each word as the kernel holds it in memory, that is
 * in host byte order: on a little-endian CPU `0100007F` is 127.0.0.1. IPv6 addresses are four such
 * words. Ports are big-endian hex (`B0DF` = 45279). `st` is the TCP state (0A LISTEN; for UDP 07 is
 * an unconnected socket, 01 a connected one).
 */
import { formatIp } from './ip-address.js';

export type NetProto = 'tcp' | 'tcp6' | 'udp' | 'udp6';

/** include/net/tcp_states.h */
export const TCP_LISTEN = 0x0a;
export const TCP_ESTABLISHED = 0x01;
/** An unconnected (listening) UDP socket shows TCP_CLOSE. */
export const TCP_CLOSE = 0x07;

export interface NetSocket {
  readonly proto: NetProto;
  /** Canonical text (RFC 5952 for IPv6, `::ffff:a.b.c.d` for IPv4-mapped). */
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly state: number;
  readonly uid: number;
  /** Socket inode, as in /proc/<pid>/fd links `socket:[N]`. */
  readonly inode: number;
}

export interface ParsedProcNet {
  readonly sockets: readonly NetSocket[];
  /** Lines that did not parse, with why (line numbers from 1, the header being line 1). */
  readonly problems: readonly string[];
}

export type Endianness = 'LE' | 'BE';

/** Decodes `0100007F` (one word) or 32 hex digits (four words) into address bytes. */
export function decodeProcAddress(hex: string, endianness: Endianness = 'LE'): Uint8Array | null {
  if ((hex.length !== 8 && hex.length !== 32) || !/^[0-9A-Fa-f]+$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let w = 0; w < hex.length / 8; w++) {
    const word = Number.parseInt(hex.slice(w * 8, w * 8 + 8), 16);
    for (let i = 0; i < 4; i++) {
      const shift = endianness === 'LE' ? i * 8 : (3 - i) * 8;
      out[w * 4 + i] = (word >>> shift) & 0xff;
    }
  }
  return out;
}

function endpoint(s: string, endianness: Endianness): { address: string; port: number } | null {
  const colon = s.indexOf(':');
  if (colon === -1) return null;
  const bytes = decodeProcAddress(s.slice(0, colon), endianness);
  const portHex = s.slice(colon + 1);
  if (bytes === null || !/^[0-9A-Fa-f]{4}$/.test(portHex)) return null;
  return { address: formatIp(bytes), port: Number.parseInt(portHex, 16) };
}

/** Parses the whole text of one /proc/net file. */
export function parseProcNet(text: string, proto: NetProto, endianness: Endianness = 'LE'): ParsedProcNet {
  const sockets: NetSocket[] = [];
  const problems: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const f = line.trim().split(/\s+/);
    if (i === 0 || f.length === 1) return; // header, or the empty last line
    const local = f[1] === undefined ? null : endpoint(f[1], endianness);
    const remote = f[2] === undefined ? null : endpoint(f[2], endianness);
    const state =
      f[3] !== undefined && /^[0-9A-Fa-f]{2}$/.test(f[3]) ? Number.parseInt(f[3], 16) : Number.NaN;
    const uid = Number(f[7]);
    const inode = Number(f[9]);
    if (
      !/^\d+:$/.test(f[0] ?? '') ||
      local === null ||
      remote === null ||
      Number.isNaN(state) ||
      !Number.isInteger(uid) ||
      !Number.isInteger(inode)
    ) {
      problems.push(`${proto} line ${i + 1}: cannot parse ${JSON.stringify(line.trim().slice(0, 80))}`);
      return;
    }
    sockets.push({
      proto,
      localAddress: local.address,
      localPort: local.port,
      remoteAddress: remote.address,
      remotePort: remote.port,
      state,
      uid,
      inode,
    });
  });
  return { sockets, problems };
}

/** Sockets that accept from anyone: TCP in LISTEN, UDP not connected to one peer. */
export function isListening(s: NetSocket): boolean {
  return s.proto === 'tcp' || s.proto === 'tcp6' ? s.state === TCP_LISTEN : s.state === TCP_CLOSE;
}

/** Inodes out of /proc/<pid>/fd link targets (`socket:[37304]`); other targets are skipped. */
export function socketInodes(linkTargets: readonly string[]): Set<number> {
  const out = new Set<number>();
  for (const t of linkTargets) {
    const m = /^socket:\[(\d+)\]$/.exec(t);
    if (m?.[1] !== undefined) out.add(Number(m[1]));
  }
  return out;
}
