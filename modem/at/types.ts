/**
 * Values read from a modem, as the parsers return them. Units are in the names; anything the modem
 * did not tell is `null`, never invented.
 */

/** SIM state as the agent reports it (`+CPIN?`, or the `+CME ERROR` it answered with). */
export type SimState = 'ready' | 'pin-required' | 'puk-required' | 'absent' | 'error';

export interface CpinInfo {
  readonly sim: SimState;
  /** The code as the modem wrote it: `READY`, `SIM PIN`, `PH-NET PIN`, `NOT INSERTED` … */
  readonly code: string;
}

/** `+CSQ: <rssi>,<ber>` (27.007 §8.5). */
export interface CsqInfo {
  /** 0..31, null when the modem says 99 (not known). */
  readonly csq: number | null;
  /** -113 + 2*csq, null when unknown. 0 means <= -113 dBm, 31 means >= -51 dBm. */
  readonly rssiDbm: number | null;
  /** Bit error rate class 0..7, null when 99. */
  readonly ber: number | null;
}

/** `+CESQ: <rxlev>,<ber>,<rscp>,<ecno>,<rsrq>,<rsrp>` (27.007 §8.69), converted to physical units. */
export interface CesqInfo {
  readonly rssiDbm: number | null; // from rxlev (GSM)
  readonly ber: number | null;
  readonly rscpDbm: number | null; // UMTS
  readonly ecnoDb: number | null; // UMTS
  readonly rsrqDb: number | null; // LTE
  readonly rsrpDbm: number | null; // LTE
}

/** Registration, as the agent reports it. */
export type RegState = 'home' | 'roaming' | 'searching' | 'denied' | 'not-registered' | 'unknown';

/** Which registration command: CS (`+CREG`), GPRS (`+CGREG`), EPS (`+CEREG`), 5GS (`+C5GREG`). */
export type RegDomain = 'cs' | 'gprs' | 'eps' | '5gs';

/** Access technology name for a 27.007 `<AcT>` value (0..13). */
export type ActName =
  | 'gsm'
  | 'gsm-compact'
  | 'umts'
  | 'edge'
  | 'hsdpa'
  | 'hsupa'
  | 'hspa'
  | 'lte'
  /** LTE Cat-M1 (eMTC): not a 27.007 `<AcT>` value of its own; firmware that reports it as 8 says so by a shim trait. */
  | 'lte-m'
  | 'ec-gsm-iot'
  | 'nb-iot'
  | 'lte-5gc'
  | 'nr-5gc'
  | 'ng-ran'
  | 'en-dc';

/** One `+CREG/+CGREG/+CEREG/+C5GREG` line, read form (`<n>,<stat>,…`) or URC form (`<stat>,…`). */
export interface RegInfo {
  readonly domain: RegDomain;
  readonly form: 'read' | 'urc';
  /** The `<n>` URC mode; only in the read form. */
  readonly n: number | null;
  /** Raw `<stat>` 0..11. */
  readonly stat: number;
  readonly state: RegState;
  /** Location area code (CS/GPRS). */
  readonly lac: number | null;
  /** Tracking area code (EPS/5GS). */
  readonly tac: number | null;
  /** Cell id, up to 36 bits for NR. */
  readonly cellId: number | null;
  readonly act: number | null;
  readonly actName: ActName | null;
  /** Reject cause where the modem reports it (`<cause_type>,<reject_cause>`). */
  readonly rejectCause: number | null;
}

/** `+COPS?` (27.007 §7.3). */
export interface CopsInfo {
  /** 0 automatic, 1 manual, 2 deregister, 3 set format only, 4 manual/automatic. */
  readonly mode: number;
  /** 0 long alphanumeric, 1 short alphanumeric, 2 numeric; null when not registered. */
  readonly format: number | null;
  /** Operator as written (name or numeric). */
  readonly operator: string | null;
  /** Name, when format is 0 or 1. */
  readonly name: string | null;
  /** Strings, to keep leading zeros (`"001"` and `"01"` are different MNCs). */
  readonly mcc: string | null;
  readonly mnc: string | null;
  readonly act: number | null;
  readonly actName: ActName | null;
}

/** An ICCID normalised to digits (E.118: up to 19 digits plus the Luhn check digit). */
export interface IccidInfo {
  readonly iccid: string;
  /** Whether the Luhn check digit is right. Some test SIMs fail it; it is reported, not enforced. */
  readonly valid: boolean;
}

/** `+CIMI` (27.007 §5.6). The MNC length (2 or 3) is not in the IMSI, so only the MCC is derived. */
export interface ImsiInfo {
  readonly imsi: string;
  readonly mcc: string;
}

/** `+CGSN` (27.007 §5.4): IMEI (15 digits, Luhn) or IMEISV (16 digits, no check digit). */
export interface ImeiInfo {
  readonly imei: string;
  readonly valid: boolean;
  readonly kind: 'imei' | 'imeisv';
}

/** Manufacturer, model and revision (`+CGMI`, `+CGMM`, `+CGMR`, or `ATI`). */
export interface ModemIdent {
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly revision: string | null;
}

/** One `+CGDCONT?` line. */
export interface PdpContext {
  readonly cid: number;
  readonly pdpType: string;
  readonly apn: string;
  readonly address: string | null;
}

/** One `+CGACT?` line. */
export interface PdpActivation {
  readonly cid: number;
  readonly isActive: boolean;
}

/** One `+CGPADDR` line; IPv6 written as dotted 16 bytes is converted to RFC 5952 form. */
export interface PdpAddress {
  readonly cid: number;
  readonly addresses: readonly string[];
}

/** `+CFUN?` (27.007 §8.2). */
export interface CfunInfo {
  readonly fun: number;
  readonly mode: 'minimum' | 'full' | 'rf-off' | 'other';
}

/** `+CCLK?` (27.007 §8.15): `"yy/MM/dd,hh:mm:ss±zz"`, zz in quarter hours. */
export interface ClockInfo {
  /** ISO 8601 with the modem's offset, e.g. `2026-12-01T19:05:23+01:00`. */
  readonly iso: string;
  /** The same instant as milliseconds since the epoch (UTC). */
  readonly utcMs: number;
  /** Offset from UTC in quarter hours, null when the modem gave none (then UTC is assumed). */
  readonly tzQuarterHours: number | null;
  /** True for a clock the network never set (a year before 2020, e.g. the `80/01/06` reset value). */
  readonly isDefault: boolean;
}

/** Radio access technology of a serving cell, from a vendor query. */
export type ServingRat = 'gsm' | 'umts' | 'lte' | 'cat-m' | 'nb-iot' | 'nr5g-sa' | 'nr5g-nsa' | 'cdma';

/** Serving cell as a vendor query reports it (`+QENG`, `+CPSI`, `+UCGED`, `!GSTATUS`, `#RFSTS`). */
export interface ServingCell {
  readonly rat: ServingRat | null;
  /** As the modem names it, e.g. `LTE BAND 20`, `B3`, `EUTRAN-BAND3`, normalised to `B20`/`n78` where possible. */
  readonly band: string | null;
  readonly mcc: string | null;
  readonly mnc: string | null;
  readonly cellId: number | null;
  readonly pci: number | null;
  readonly tac: number | null;
  readonly lac: number | null;
  readonly earfcn: number | null;
  readonly rsrpDbm: number | null;
  readonly rsrqDb: number | null;
  readonly sinrDb: number | null;
  readonly rssiDbm: number | null;
}
