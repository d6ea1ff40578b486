/**
 * PEM armour (RFC 7468): base64 of DER between `-----BEGIN <label>-----` and `-----END <label>-----`.
 * Pure; bad input is a Result with the reason, never a throw.
 */
import { fail, ok, type Result } from '../../modem/at/result.js';

/** Labels this project reads and writes. */
export type PemLabel = 'CERTIFICATE' | 'CERTIFICATE REQUEST' | 'PRIVATE KEY';

/** Wraps DER in PEM with 64-character lines (RFC 7468 §2) and a final newline. */
export function pemEncode(label: PemLabel, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * The DER of the first `label` block in `text`. Text around the block (OpenSSL's "Bag Attributes"
 * preamble, a second block) is ignored; CRLF line ends and blank lines inside are accepted.
 */
export function pemDecode(text: string, label: PemLabel): Result<Uint8Array> {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const from = text.indexOf(begin);
  if (from === -1) return fail(`no "${begin}" line`);
  const to = text.indexOf(end, from + begin.length);
  if (to === -1) return fail(`no "${end}" line`);
  const body = text.slice(from + begin.length, to).replace(/\s+/g, '');
  if (body === '') return fail(`empty ${label} block`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0)
    return fail(`the ${label} block is not valid base64`);
  return ok(new Uint8Array(Buffer.from(body, 'base64')));
}
