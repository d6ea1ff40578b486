/**
 * How long each command may take before the engine gives up on it, in milliseconds. The clock starts
 * when the command's last byte has left the UART (write drained), not when it was queued.
 *
 * Values are the manuals' "maximum response time" with margin: Quectel EC25/EG25 AT Commands Manual
 * v2.0 (per-command "Maximum Response Time"), SIMCom SIM7600 AT manual v3, 27.007 (which leaves them
 * to the implementation). The table is config: `modem.timeouts` overrides rows by command prefix.
 */

export interface TimeoutRule {
  /** Matched against the command upper-cased, e.g. /^AT\+COPS=\?/ for a network scan. */
  readonly match: RegExp;
  readonly timeoutMs: number;
}

/** Used when no rule matches. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 3000;

export const DEFAULT_TIMEOUT_RULES: readonly TimeoutRule[] = [
  { match: /^AT$/, timeoutMs: 1000 },
  { match: /^ATE[01]?$/, timeoutMs: 1000 },
  { match: /^ATS\d+/, timeoutMs: 1000 },
  { match: /^AT\+CPIN/, timeoutMs: 10_000 }, // Quectel: 5 s; SIM cards can be slow after power-up
  { match: /^AT\+COPS=\?/, timeoutMs: 315_000 }, // network scan; SIMCom/u-blox document minutes
  { match: /^AT\+COPS=/, timeoutMs: 180_000 }, // manual/automatic selection, Quectel: 180 s
  { match: /^AT\+CFUN=1,1|^AT\+CFUN=1[56]|^AT\+CRESET|^AT#REBOOT|^AT!RESET/, timeoutMs: 30_000 },
  { match: /^AT\+CFUN=/, timeoutMs: 30_000 }, // Quectel: 15 s; u-blox SARA-R4 can take longer
  { match: /^AT\+CGACT=/, timeoutMs: 150_000 }, // Quectel: 150 s
  { match: /^AT\+CGATT=/, timeoutMs: 140_000 }, // Quectel: 140 s
  { match: /^AT\+CMGS|^AT\+CMSS/, timeoutMs: 120_000 }, // 27.005 send: network round trip
  { match: /^AT\+CRSM|^AT\+CSIM|^AT\+CLCK|^AT\+CPWD/, timeoutMs: 10_000 }, // SIM file access
  { match: /^AT\+CCID|^AT\+QCCID|^AT\+CICCID|^AT\+ICCID|^AT#CCID|^AT!ICCID/, timeoutMs: 5000 },
  { match: /^AT\+QENG|^AT\+CPSI|^AT\+UCGED|^AT!GSTATUS|^AT#RFSTS/, timeoutMs: 5000 },
];

/** The timeout for a command: the first matching rule of `rules`, else `defaultMs`. */
export function timeoutFor(
  command: string,
  rules: readonly TimeoutRule[] = DEFAULT_TIMEOUT_RULES,
  defaultMs = DEFAULT_COMMAND_TIMEOUT_MS,
): number {
  const u = command.trim().toUpperCase();
  for (const r of rules) if (r.match.test(u)) return r.timeoutMs;
  return defaultMs;
}
