/**
 * What `ztgw modem info` reports and the agent's state document carries about the modem.
 * Unknown values are null, never invented.
 */

import type { ShimId } from '../../firmware-shims/shim.js';
import type { ActName, RegState, SimState } from '../at/types.js';

export interface RegistrationReport {
  readonly state: RegState;
  /** Access technology name (`lte`, `gsm`, `nb-iot` …), from the domain that is registered. */
  readonly act: ActName | null;
  readonly lac: number | null;
  readonly tac: number | null;
  readonly cellId: number | null;
}

export interface OperatorReport {
  readonly name: string | null;
  readonly mcc: string | null;
  readonly mnc: string | null;
}

export interface SignalReport {
  /** `+CSQ` 0..31, null when the modem says 99. */
  readonly csq: number | null;
  readonly rssiDbm: number | null;
  readonly rsrp: number | null;
  readonly rsrq: number | null;
  readonly sinr: number | null;
}

export interface ModemInfo {
  readonly port: string;
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly revision: string | null;
  readonly shim: ShimId;
  readonly quirks: readonly string[];
  readonly imei: string | null;
  readonly imeiValid: boolean | null;
  readonly iccid: string | null;
  readonly iccidValid: boolean | null;
  readonly imsi: string | null;
  readonly sim: SimState;
  readonly registration: RegistrationReport;
  readonly operator: OperatorReport;
  readonly isRoaming: boolean | null;
  readonly signal: SignalReport;
  /** ISO 8601 with the network's offset, or null when the modem's clock was never set by the network. */
  readonly networkTime: string | null;
  /** What could not be read, each naming the command and the reason. */
  readonly problems: readonly string[];
  /** Optional reads the firmware refused (`+CEREG?` on a 2G module, `+CESQ`, a serving-cell query). */
  readonly unsupported: readonly string[];
}
