/**
 * `AT+CSQ` signal quality (3GPP TS 27.007 §8.5).
 */
import { splitFields, toInt } from '../fields.js';
import { fail, ok, type Result } from '../result.js';
import type { CsqInfo } from '../types.js';
import { findPrefixed, show } from './lines.js';

/**
 * Reads `+CSQ: <rssi>,<ber>`. `rssi` 0..31 gives `rssiDbm = -113 + 2*rssi` (0 means <= -113 dBm,
 * 31 means >= -51 dBm); 99 means not known and gives nulls. The TD-SCDMA range 100..191
 * (100 = -116 dBm or less … 191 = -25 dBm or more, 199 not known; 27.007 §8.5) is read as
 * `rssiDbm = rssi - 216`, keeping the raw value in `csq`. `ber` 0..7, 99 → null.
 */
export function parseCsq(lines: readonly string[]): Result<CsqInfo> {
  const line = findPrefixed(lines, ['+CSQ:']);
  if (line === null) return fail('+CSQ: no +CSQ line in the response');
  const fields = splitFields(line.rest);
  if (fields.length !== 2) return fail(`+CSQ: expected 2 fields, got ${fields.length}`);
  const [rssiField, berField] = fields;
  const rssi = toInt(rssiField?.text);
  if (rssi === null) return fail(`+CSQ: rssi ${show(rssiField?.text ?? '')} is not a number`);
  const ber = toInt(berField?.text);
  if (ber === null) return fail(`+CSQ: ber ${show(berField?.text ?? '')} is not a number`);
  let csq: number | null;
  let rssiDbm: number | null;
  if (rssi >= 0 && rssi <= 31) {
    csq = rssi;
    rssiDbm = -113 + 2 * rssi;
  } else if (rssi === 99 || rssi === 199) {
    csq = null;
    rssiDbm = null;
  } else if (rssi >= 100 && rssi <= 191) {
    csq = rssi;
    rssiDbm = rssi - 216;
  } else {
    return fail(`+CSQ: rssi ${rssi} out of range 0..31, 99`);
  }
  if (ber !== 99 && (ber < 0 || ber > 7)) return fail(`+CSQ: ber ${ber} out of range 0..7, 99`);
  return ok({ csq, rssiDbm, ber: ber === 99 ? null : ber });
}
