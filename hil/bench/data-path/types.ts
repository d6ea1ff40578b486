/**
 * What the data-path benchmark drives: a gateway under test (ztgw or the peer) that takes sensor
 * readings on a local MQTT port and forwards them over one mTLS uplink to the cloud broker.
 */
import type { Result } from '../../../modem/at/result.js';

/**
 * The gateways one run can compare: ztgw, and the peer (mosquitto bridged to the cloud) twice — as
 * deployed, with mosquitto's default queue limit, and with the bridge's queue unlimited so that it
 * delivers everything it acknowledged (the fair comparison for CPU and memory per reading).
 */
export type GatewayName = 'ztgw' | 'peer' | 'peer-lossless';

export const GATEWAY_NAMES: readonly GatewayName[] = ['peer', 'peer-lossless', 'ztgw'];

export function isGatewayName(v: unknown): v is GatewayName {
  return GATEWAY_NAMES.some((n) => n === v);
}

/** A sensor behind the gateway: its id (the MQTT username) and its secret (the password). */
export interface BenchSensor {
  readonly id: string;
  readonly secret: string;
}

/** One reading as the cloud-side checker identifies it: the sensor and the sensor's own counter. */
export interface ReadingId {
  readonly sensor: string;
  readonly seq: number;
}

/** Everything a gateway needs to start, handed over by the harness. */
export interface GatewayEnv {
  /** Where the gateway's uplink connects (the counting or delay relay in front of the cloud broker). */
  readonly cloud: { readonly host: string; readonly port: number };
  /** The lab CA that signed the cloud broker's certificate. */
  readonly caFile: string;
  /** The gateway's identity at the cloud: the certificate CN, and `<id>` in its cloud topics. */
  readonly deviceId: string;
  /** The device (for ztgw) or bridge (for the peer) client certificate and key. */
  readonly certFile: string;
  readonly keyFile: string;
  /** The device's keys directory (0700, laid out as on a gateway), which ztgw checks at start. */
  readonly keysDir: string;
  readonly sensors: readonly BenchSensor[];
  /** An empty directory the gateway owns for config, state and logs; on a real disk (not tmpfs). */
  readonly stateDir: string;
  /**
   * Network namespace to run the gateway process in (through `ip netns exec`). The harness runs in
   * the same namespace then, so loopback addresses and free ports are the gateway's.
   */
  readonly netns?: string;
}

/** A started gateway. */
export interface RunningGateway {
  /** The gateway process (ztgw's node process, or the local mosquitto): /proc/<pid> is sampled. */
  readonly pid: number;
  /** The local MQTT port (on 127.0.0.1) sensors connect to. */
  readonly sensorPort: number;
  /** The last lines the gateway logged, for error messages. */
  logTail(): Promise<string>;
  /** Stops the gateway and everything it started; idempotent. */
  stop(): Promise<void>;
}

/** A gateway the benchmark can run the same load through. */
export interface GatewayUnderTest {
  readonly name: GatewayName;
  /** The local topic a sensor publishes its readings on. */
  sensorTopic(sensorId: string): string;
  /** The cloud topic filter that carries this gateway's readings. */
  cloudFilter(deviceId: string): string;
  /** The readings carried by one cloud message, or why it cannot be read. Never throws. */
  decode(topic: string, payload: Buffer): Result<readonly ReadingId[]>;
  start(env: GatewayEnv): Promise<RunningGateway>;
}
