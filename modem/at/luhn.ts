/**
 * The Luhn (mod 10) check digit used by ICCIDs (ITU-T E.118) and IMEIs (3GPP TS 23.003 Annex B).
 */

/**
 * True when `digits` is all decimal digits, at least 2 long, and its last digit is the Luhn check
 * digit of the others. Anything else (letters, spaces, an empty string) is false.
 */
export function luhnValid(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  const body = digits.slice(0, -1);
  return luhnCheckDigit(body) === Number(digits.slice(-1));
}

/**
 * The check digit (0..9) that completes `body`, or null when `body` is empty or not all digits.
 * Used for a 14-digit IMEI, whose check digit is not sent (23.003 §6.2.1).
 */
export function luhnCheckDigit(body: string): number | null {
  if (!/^\d+$/.test(body)) return null;
  let sum = 0;
  // Double every second digit counting from the right end of the body (the check digit's neighbour).
  for (let i = 0; i < body.length; i++) {
    let d = body.charCodeAt(body.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}
