/**
 * One measured phase against one gateway, all real processes:
 *
 *   load-gen (100 sensors) ─▶ gateway ─▶ relay (counts, maybe delays) ─▶ cloud mosquitto ─▶ checker
 *        └──────── sent / acked ──▶ ledger ◀── first arrival, duplicates ──────────────────────┘
 *
 * Order: cloud broker, relay, checker, gateway, sensors connect, warm-up (every sensor's seq 0
 * must reach the cloud), baseline samples (relay bytes, /proc of the gateway), load, drain (until
 * every acknowledged reading arrived, or nothing arrived for `quietMs`, or `drainTimeoutMs`), final
 * samples. Everything started is stopped in reverse order, also on failure.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../../broker/free-port.js';
import type { LabPki } from '../../pki/make-lab-pki.js';
import { CloudChecker, type WaitOutcome } from './checker.js';
import { startCloudBroker } from './cloud-broker.js';
import { ReadingLedger } from './ledger.js';
import { LoadGenerator, type LoadMode } from './load-gen.js';
import type { ShapedNetworkSpec } from './netns.js';
import { clockTicksPerS, sampleAnonPeak, sampleProc } from './proc-stats.js';
import { startRelay } from './relay.js';
import type { BenchSensor, GatewayName, GatewayUnderTest } from './types.js';

/** Between two RssAnon samples of the gateway during a phase, ms. */
const ANON_SAMPLE_MS = 100;

export type PhaseKind = 'saturate' | 'paced' | 'shaped';

export type PhaseNetwork =
  | { readonly kind: 'loopback' }
  | { readonly kind: 'shaped'; readonly net: ShapedNetworkSpec; readonly delayMs: number };

/** Everything a phase needs; plain data, so a phase can be handed to a process in another namespace. */
export interface PhaseSpec {
  readonly kind: PhaseKind;
  readonly gateway: GatewayName;
  readonly sensorCount: number;
  /** Readings over all sensors (split evenly). */
  readonly readings: number;
  readonly windowPerSensor: number;
  /** Paced load: readings per sensor per second; null saturates. */
  readonly ratePerSensorPerS: number | null;
  /** Stop sending new readings after this long, in ms. */
  readonly maxLoadMs: number;
  /** Bound on waiting for PUBACKs after the load, and for arrivals after that, in ms each. */
  readonly drainTimeoutMs: number;
  /** The drain ends early when nothing arrived at the cloud for this long, in ms. */
  readonly quietMs: number;
  /** Bound on the warm-up (every sensor's first reading at the cloud), in ms. */
  readonly warmUpTimeoutMs: number;
  readonly workDir: string;
  readonly pki: LabPki;
  readonly deviceId: string;
  readonly network: PhaseNetwork;
}

export interface PhaseResult {
  readonly kind: PhaseKind;
  readonly gateway: GatewayName;
  /** Null when the phase ran; else why it could not. */
  readonly error: string | null;
  readonly planned: number;
  readonly sent: number;
  readonly acked: number;
  readonly delivered: number;
  readonly duplicates: number;
  /** Acknowledged to the sensor, never delivered. */
  readonly lostAcked: number;
  readonly unacked: number;
  readonly unknown: number;
  readonly badMessages: number;
  readonly firstBadReason: string | null;
  /** First send to last first-arrival, s. */
  readonly durationS: number;
  readonly deliveredPerS: number;
  /** Acknowledged readings per second at the sensors: first send to last PUBACK. */
  readonly ackedPerS: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number } | null;
  /** Uplink TCP payload bytes during the load, measured at the relay. */
  readonly upBytes: number;
  readonly downBytes: number;
  /** Gateway process: CPU seconds and bytes written to storage during the load; peak RSS overall. */
  readonly cpuS: number;
  readonly writeBytes: number;
  readonly peakRssKiB: number;
  /** Highest RssAnon (the process's own memory, no mapped files) sampled during the load, KiB. */
  readonly peakRssAnonKiB: number;
  /**
   * CPU seconds of the harness (load generator, checker, relay: one process) and of the cloud broker
   * over the same span: a harness near one CPU second per second is what limited the phase.
   */
  readonly harnessCpuS: number;
  readonly cloudCpuS: number;
  readonly drain: WaitOutcome | null;
  readonly wasCutShort: boolean;
  readonly connectionsLost: number;
  readonly closeReasons: readonly string[];
  readonly checkerMessages: number;
}

/** `count` sensors s1…sN, each with a fresh random secret. */
export function benchSensors(count: number): BenchSensor[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `s${i + 1}`,
    secret: randomBytes(12).toString('hex'),
  }));
}

/** A result for a phase that could not run. */
export function failedPhase(
  spec: Pick<PhaseSpec, 'kind' | 'gateway' | 'readings'>,
  error: string,
): PhaseResult {
  return {
    kind: spec.kind,
    gateway: spec.gateway,
    error,
    planned: spec.readings,
    sent: 0,
    acked: 0,
    delivered: 0,
    duplicates: 0,
    lostAcked: 0,
    unacked: 0,
    unknown: 0,
    badMessages: 0,
    firstBadReason: null,
    durationS: 0,
    deliveredPerS: 0,
    ackedPerS: 0,
    latencyMs: null,
    upBytes: 0,
    downBytes: 0,
    cpuS: 0,
    writeBytes: 0,
    peakRssKiB: 0,
    peakRssAnonKiB: 0,
    harnessCpuS: 0,
    cloudCpuS: 0,
    drain: null,
    wasCutShort: false,
    connectionsLost: 0,
    closeReasons: [],
    checkerMessages: 0,
  };
}

/** Runs one phase; never throws: a phase that cannot run comes back with `error` set. */
export async function runPhase(spec: PhaseSpec, gut: GatewayUnderTest): Promise<PhaseResult> {
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    return await measure(spec, gut, cleanups);
  } catch (err) {
    return failedPhase(spec, err instanceof Error ? err.message : String(err));
  } finally {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  }
}

async function measure(
  spec: PhaseSpec,
  gut: GatewayUnderTest,
  cleanups: (() => Promise<void> | void)[],
): Promise<PhaseResult> {
  const device = spec.pki.devices[spec.deviceId];
  if (device === undefined) throw new Error(`lab PKI has no device ${spec.deviceId}`);
  const net = spec.network.kind === 'shaped' ? spec.network.net : null;
  const sensors = benchSensors(spec.sensorCount);
  const ledger = new ReadingLedger(
    sensors.map((s) => s.id),
    ReadingLedger.evenQuotas(spec.readings, sensors.length),
  );
  await mkdir(join(spec.workDir, 'gateway'), { recursive: true });

  // In its own namespace the cloud broker has the whole port space; on loopback it takes a free port.
  const cloudPort = net === null ? await freePort() : 8883;
  const cloud = await startCloudBroker({
    dir: join(spec.workDir, 'cloud'),
    pki: spec.pki,
    deviceIds: [spec.deviceId],
    bindAddress: net === null ? '127.0.0.1' : '0.0.0.0',
    port: cloudPort,
    probeHost: net === null ? '127.0.0.1' : net.checkerCloudAddr,
    ...(net === null ? {} : { netns: net.cloudNs }),
  });
  cleanups.push(() => cloud.stop());
  const relay = await startRelay({
    listenHost: '127.0.0.1',
    targetHost: net === null ? '127.0.0.1' : net.cloudAddr,
    targetPort: cloudPort,
    delayMs: spec.network.kind === 'shaped' ? spec.network.delayMs : 0,
  });
  cleanups.push(() => relay.stop());
  const checker = await CloudChecker.start({
    host: net === null ? '127.0.0.1' : net.checkerCloudAddr,
    port: cloudPort,
    caFile: spec.pki.caFile,
    certFile: spec.pki.opsCloud.certFile,
    keyFile: spec.pki.opsCloud.keyFile,
    filters: [gut.cloudFilter(spec.deviceId)],
    decode: gut.decode,
    ledger,
  });
  cleanups.push(() => checker.close());
  const gw = await gut.start({
    cloud: { host: '127.0.0.1', port: relay.port },
    caFile: spec.pki.caFile,
    deviceId: spec.deviceId,
    certFile: device.certFile,
    keyFile: device.keyFile,
    keysDir: device.keysDir,
    sensors,
    stateDir: join(spec.workDir, 'gateway'),
    ...(net === null ? {} : { netns: net.gatewayNs }),
  });
  cleanups.push(() => gw.stop());
  const load = new LoadGenerator({
    host: '127.0.0.1',
    port: gw.sensorPort,
    sensors,
    topicFor: gut.sensorTopic,
    ledger,
    windowPerSensor: spec.windowPerSensor,
  });
  cleanups.push(() => load.close());
  await load.connectAll();
  await load.warmUp(spec.warmUpTimeoutMs);
  const warm = await checker.waitUntil(() => ledger.isWarm(), {
    timeoutMs: spec.warmUpTimeoutMs,
    quietMs: spec.warmUpTimeoutMs,
  });
  if (warm !== 'done') {
    const cold = ledger.coldSensors();
    throw new Error(
      `warm-up: the first reading of ${cold.length} sensors (${cold.slice(0, 5).join(', ')}) never reached the cloud` +
        `${checker.firstBadReason === null ? '' : `; checker: ${checker.firstBadReason}`}\n${await gw.logTail()}`,
    );
  }

  const ticksPerS = await clockTicksPerS();
  const relay0 = relay.counts();
  const proc0 = await sampleProc(gw.pid, ticksPerS);
  const cloud0 = await sampleProc(cloud.pid, ticksPerS);
  const harness0 = process.cpuUsage();
  const anon = sampleAnonPeak(gw.pid, ANON_SAMPLE_MS);
  const mode: LoadMode =
    spec.ratePerSensorPerS === null
      ? { kind: 'saturate' }
      : { kind: 'paced', ratePerSensorPerS: spec.ratePerSensorPerS };
  const stats = await load.run(mode, { maxLoadMs: spec.maxLoadMs, ackTimeoutMs: spec.drainTimeoutMs });
  const drain = await checker.waitUntil(
    () => ledger.deliveredCount >= ledger.ackedCount && ledger.hasAllAcked(),
    {
      timeoutMs: spec.drainTimeoutMs,
      quietMs: spec.quietMs,
    },
  );
  const peakRssAnonKiB = await anon.stop();
  const relay1 = relay.counts();
  const proc1 = await sampleProc(gw.pid, ticksPerS);
  const cloud1 = await sampleProc(cloud.pid, ticksPerS);
  const harness = process.cpuUsage(harness0);
  const sum = ledger.summarize();
  const durationMs =
    sum.firstSentMs === null || sum.lastArrivalMs === null
      ? 0
      : Math.max(0, sum.lastArrivalMs - sum.firstSentMs);
  const ackMs = sum.firstSentMs === null || sum.lastAckedMs === null ? 0 : sum.lastAckedMs - sum.firstSentMs;
  return {
    kind: spec.kind,
    gateway: spec.gateway,
    error: null,
    planned: spec.readings,
    sent: sum.sent,
    acked: sum.acked,
    delivered: sum.delivered,
    duplicates: sum.duplicates,
    lostAcked: sum.lostAcked,
    unacked: sum.unacked,
    unknown: sum.unknown,
    badMessages: checker.badMessages,
    firstBadReason: checker.firstBadReason,
    durationS: durationMs / 1000,
    deliveredPerS: durationMs > 0 ? (sum.delivered * 1000) / durationMs : 0,
    ackedPerS: ackMs > 0 ? (sum.acked * 1000) / ackMs : 0,
    latencyMs: sum.latencyMs,
    upBytes: relay1.upBytes - relay0.upBytes,
    downBytes: relay1.downBytes - relay0.downBytes,
    cpuS: proc1.cpuS - proc0.cpuS,
    writeBytes: proc1.writeBytes - proc0.writeBytes,
    peakRssKiB: proc1.vmHwmKiB,
    peakRssAnonKiB: Math.max(peakRssAnonKiB, proc1.rssAnonKiB),
    harnessCpuS: (harness.user + harness.system) / 1e6,
    cloudCpuS: cloud1.cpuS - cloud0.cpuS,
    drain,
    wasCutShort: stats.wasCutShort,
    connectionsLost: stats.connectionsLost,
    closeReasons: stats.closeReasons,
    checkerMessages: checker.messages,
  };
}
