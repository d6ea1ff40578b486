/**
 * `AT+CCLK?` real-time clock (3GPP TS 27.007 §8.15): `"yy/MM/dd,hh:mm:ss±zz"`, zz in quarter hours
 * (range -96..+96).
 */
import { fail, ok, type Result } from '../result.js';
import type { ClockInfo } from '../types.js';
import { findPrefixed, show } from './lines.js';

// Quotes removed first, so a missing pair or a lone quote does not matter. Tolerates 4-digit years,
// spaces after the comma (Motorola G24 `"01/01/01, 01:01:01-08"`) and a trailing `,<dst>` field.
const CLOCK =
  /^(\d{2}|\d{4})[/-](\d{1,2})[/-](\d{1,2})\s*[,T ]\s*(\d{1,2}):(\d{1,2}):(\d{1,2})\s*(?:([+-])\s*(\d{1,2}))?\s*(?:,\s*\d*\s*)?$/;

const MAX_TZ_QUARTERS = 96;
const QUARTER_HOUR_MS = 15 * 60 * 1000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Days in `month` (1..12) of `year` (>= 1970): day 0 of the next month is this month's last. */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Reads `+CCLK: "26/12/01,19:05:23+04"` (+04 quarter hours = UTC+01:00). A two-digit year yy is
 * 19yy for 70..99 and 20yy otherwise, so the reset value `80/01/06,00:00:00+00` reads as 1980.
 * No offset gives `tzQuarterHours: null` and UTC is assumed. `isDefault` is true for a year
 * before 2020: a clock the network never set. Impossible dates and times (month 13, day 32,
 * 31 April, hour 24) give a reason.
 */
export function parseCclk(lines: readonly string[]): Result<ClockInfo> {
  const line = findPrefixed(lines, ['+CCLK:']);
  if (line === null) return fail('+CCLK: no +CCLK line in the response');
  const text = line.rest.replace(/"/g, '').trim();
  const m = CLOCK.exec(text);
  if (m === null) return fail(`+CCLK: ${show(text)} is not yy/MM/dd,hh:mm:ss±zz`);
  const [, yText = '', moText = '', dText = '', hText = '', miText = '', sText = '', sign, tzText] = m;
  let year = Number(yText);
  if (yText.length === 2) year += year >= 70 ? 1900 : 2000;
  const month = Number(moText);
  const day = Number(dText);
  const hour = Number(hText);
  const minute = Number(miText);
  const second = Number(sText);
  if (year < 1970) return fail(`+CCLK: year ${year} before 1970`);
  if (month < 1 || month > 12) return fail(`+CCLK: month ${month} out of range 1..12`);
  if (day < 1 || day > daysInMonth(year, month))
    return fail(`+CCLK: day ${day} out of range for ${year}-${pad(month)}`);
  if (hour > 23 || minute > 59 || second > 59)
    return fail(`+CCLK: time ${hText}:${miText}:${sText} out of range`);
  let tz: number | null = null;
  if (sign !== undefined && tzText !== undefined) {
    const quarters = Number(tzText);
    tz = sign === '-' && quarters !== 0 ? -quarters : quarters;
    if (Math.abs(tz) > MAX_TZ_QUARTERS)
      return fail(`+CCLK: time zone ${tz} out of range -96..+96 quarter hours`);
  }
  const localMs = Date.UTC(year, month - 1, day, hour, minute, second);
  const utcMs = localMs - (tz ?? 0) * QUARTER_HOUR_MS;
  const stamp = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}`;
  let offset = 'Z';
  if (tz !== null) {
    const abs = Math.abs(tz) * 15;
    offset = `${tz < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }
  return ok({ iso: `${stamp}${offset}`, utcMs, tzQuarterHours: tz, isDefault: year < 2020 });
}
