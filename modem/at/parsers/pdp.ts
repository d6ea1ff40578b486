/**
 * PDP contexts: `AT+CGDCONT?` (3GPP TS 27.007 §10.1.1), `AT+CGACT?` (§10.1.10) and `AT+CGPADDR`
 * (§10.1.14). Each answer is one line per context; no lines means no contexts.
 */
import { type Field, splitFields, toInt } from '../fields.js';
import { fail, ok, type Result } from '../result.js';
import type { PdpActivation, PdpAddress, PdpContext } from '../types.js';
import { isUnspecified, normaliseAddress } from './ip-address.js';
import { allPrefixed, show } from './lines.js';

function cidOf(field: Field | undefined, name: string): Result<number> {
  const cid = field === undefined ? null : toInt(field.text);
  if (cid === null || cid < 0) return fail(`${name}: <cid> ${show(field?.text ?? '')} is not a number`);
  return ok(cid);
}

/**
 * The addresses in one field: IPv4v6 pairs may share a field separated by a space; unspecified
 * addresses (`0.0.0.0`, all-zero IPv6) are dropped. Null when a token is not an address.
 */
function addressesIn(text: string): string[] | null {
  const out: string[] = [];
  for (const token of text.trim().split(/\s+/)) {
    if (token === '') continue;
    const addresses = normaliseAddress(token);
    if (addresses === null) return null;
    for (const a of addresses) if (!isUnspecified(a)) out.push(a);
  }
  return out;
}

/**
 * Reads `+CGDCONT: <cid>,<PDP_type>,<APN>,<PDP_addr>,…` lines. `pdpType` is upper-cased; an empty
 * APN is `''`; `address` is the first assigned address in canonical form, null when empty or
 * unspecified (`0.0.0.0`), and the text as written when it is not an address at all.
 */
export function parseCgdcont(lines: readonly string[]): Result<PdpContext[]> {
  const out: PdpContext[] = [];
  for (const rest of allPrefixed(lines, '+CGDCONT:')) {
    const fields = splitFields(rest);
    const cid = cidOf(fields[0], '+CGDCONT');
    if (!cid.ok) return cid;
    const pdpType = (fields[1]?.text ?? '').trim().toUpperCase();
    if (pdpType === '') return fail(`+CGDCONT: context ${cid.value} has no <PDP_type>`);
    const addrText = fields[3]?.text ?? '';
    const addresses = addressesIn(addrText);
    const address = addresses === null ? addrText.trim() || null : (addresses[0] ?? null);
    out.push({ cid: cid.value, pdpType, apn: (fields[2]?.text ?? '').trim(), address });
  }
  return ok(out);
}

/** Reads `+CGACT: <cid>,<state>` lines; `<state>` must be 0 (deactivated) or 1 (activated). */
export function parseCgact(lines: readonly string[]): Result<PdpActivation[]> {
  const out: PdpActivation[] = [];
  for (const rest of allPrefixed(lines, '+CGACT:')) {
    const fields = splitFields(rest);
    const cid = cidOf(fields[0], '+CGACT');
    if (!cid.ok) return cid;
    const state = toInt(fields[1]?.text);
    if (state !== 0 && state !== 1) {
      return fail(`+CGACT: context ${cid.value} <state> ${show(fields[1]?.text ?? '')} is not 0 or 1`);
    }
    out.push({ cid: cid.value, isActive: state === 1 });
  }
  return ok(out);
}

/**
 * Reads `+CGPADDR: <cid>[,<PDP_addr_1>[,<PDP_addr_2>]]` lines. Addresses come out canonical: IPv4
 * as is, IPv6 written as 16 dotted bytes (`32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.1`) or in colon form
 * both as RFC 5952 (`2001:db8::1`). Empty and unspecified addresses are left out, so a context with
 * no address has `addresses: []`. A field that is not an address gives a reason.
 */
export function parseCgpaddr(lines: readonly string[]): Result<PdpAddress[]> {
  const out: PdpAddress[] = [];
  for (const rest of allPrefixed(lines, '+CGPADDR:')) {
    const fields = splitFields(rest);
    const cid = cidOf(fields[0], '+CGPADDR');
    if (!cid.ok) return cid;
    const addresses: string[] = [];
    for (const field of fields.slice(1)) {
      const found = addressesIn(field.text);
      if (found === null)
        return fail(`+CGPADDR: context ${cid.value} address ${show(field.text)} is not an IP address`);
      addresses.push(...found);
    }
    out.push({ cid: cid.value, addresses });
  }
  return ok(out);
}
