/**
 * IP addresses as modems write them in `+CGDCONT`/`+CGPADDR`: IPv4 dotted quad, IPv6 as 16 dotted
 * decimal bytes (27.007 §10.1.1 and §10.1.14 before `AT+CGPIAF` switched them to colon form), or IPv6
 * in colon form; converted to canonical text (IPv6 per RFC 5952).
 */

function byteList(text: string): number[] | null {
  if (!/^\d{1,3}(\.\d{1,3})*$/.test(text)) return null;
  const bytes = text.split('.').map((b) => Number.parseInt(b, 10));
  return bytes.every((b) => b <= 255) ? bytes : null;
}

/** RFC 5952 text of eight 16-bit groups: lowercase, no leading zeros, longest zero run (2+) as `::`. */
export function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function fromBytes(bytes: readonly number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  return formatIpv6(groups);
}

/** Parses colon-form IPv6 (with `::`, any case, optional dotted IPv4 tail) into eight groups. */
function parseColonIpv6(text: string): number[] | null {
  if (!/^[0-9a-f:.]+$/i.test(text) || !text.includes(':')) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const part = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    const items = s.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i] ?? '';
      if (item.includes('.') && i === items.length - 1) {
        const v4 = byteList(item);
        if (v4 === null || v4.length !== 4) return null;
        out.push((v4[0] ?? 0) * 256 + (v4[1] ?? 0), (v4[2] ?? 0) * 256 + (v4[3] ?? 0));
      } else if (/^[0-9a-f]{1,4}$/i.test(item)) {
        out.push(Number.parseInt(item, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = part(halves[0] ?? '');
  const tail = halves.length === 2 ? part(halves[1] ?? '') : [];
  if (head === null || tail === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/**
 * Canonical text of one address token, or null when it is not an address. 4 dotted bytes are IPv4,
 * 16 are IPv6, 20 are IPv4 then IPv6 (some firmware join an IPv4v6 pair so) and give two addresses.
 */
export function normaliseAddress(token: string): string[] | null {
  // A prefix length (`2001:db8::1/64`) is not part of the address.
  const t = token.trim().replace(/\/\d{1,3}$/, '');
  const bytes = byteList(t);
  if (bytes !== null) {
    if (bytes.length === 4) return [bytes.join('.')];
    if (bytes.length === 16) return [fromBytes(bytes)];
    if (bytes.length === 20) return [bytes.slice(0, 4).join('.'), fromBytes(bytes.slice(4))];
    return null;
  }
  const groups = parseColonIpv6(t);
  return groups === null ? null : [formatIpv6(groups)];
}

/** True for the unspecified addresses `0.0.0.0` and `::`, which modems print for "none yet". */
export function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}
