/**
 * The data-path benchmark: the same sensor load through ztgw and through the peer (local mosquitto
 * bridged to the cloud), in one run, with the cloud-side checker counting every reading.
 *
 *   npx tsx hil/bench/data-path/run.ts [--readings N] [--quick] [--only ztgw|peer|peer-lossless] [--no-shaped]
 *        [--paced-s S] [--shaped-readings N] [--shaped-load-s S] [--json FILE] [--ztgw-main FILE] [--keep]
 *   (--ztgw-main: default build/ztgw, the launcher; a .js/.cjs runs under this node with
 *    --ztgw-node-args and node's defaults; anything else is run as the packaged executable)
 *        [--no-client-speed] [--ztgw-node-args="ARGS"] [--group-commit-ms N]
 *
 * Gateways: the peer as deployed (default queue limits: it drops what it acknowledged once its bridge
 * queue is full), the peer with its queue limits lifted (lossless, the one the targets compare
 * against) and ztgw. Per gateway: a saturating phase (throughput, uplink bytes, CPU, RSS, storage writes), a paced
 * phase at 1 000 readings/s (latency) and a phase through a shaped link in two network namespaces
 * (needs root; this process re-runs itself inside the gateway namespace for it). Prints the Markdown
 * table on stdout and progress on stderr; `--json` writes the figures. A full run (not --quick, not
 * --only) also measures the load generator's client against mqtt.js (client-speed.ts).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { intFlag, parseArgs } from '../../../agent/cli/args.js';
import { makeLabPki } from '../../pki/make-lab-pki.js';
import { PROFILES } from '../../sim-modem/profiles/index.js';
import { benchClientSpeed } from './client-speed.js';
import { DEFAULT_SHAPED_NETWORK, setupShapedNetwork, teardownShapedNetwork } from './netns.js';
import { peerGateway } from './peer.js';
import { failedPhase, type PhaseKind, type PhaseResult, type PhaseSpec, runPhase } from './phase.js';
import { type BenchFigures, benchFigures, markdownReport } from './report.js';
import { GATEWAY_NAMES, type GatewayName, type GatewayUnderTest, isGatewayName } from './types.js';
import { ZTGW_SIM_PROFILE, ztgwGateway } from './ztgw-gateway.js';

export interface DataPathBenchOptions {
  /** Readings in the saturating phase. Default 200 000 (quick: 3 000). */
  readonly readings: number;
  /** Which gateway; default all three, the peers first. */
  readonly only: GatewayName | null;
  /** Length of the paced phase, s. Default 20 (quick: 2). */
  readonly pacedS: number;
  /** Whether to run the shaped phase (root only). Default true. */
  readonly isShaped: boolean;
  /** Readings and load-time bound of the shaped phase. Default 60 000 / 30 s (quick: 2 000 / 10 s). */
  readonly shapedReadings: number;
  readonly shapedLoadS: number;
  /** Sensors and each one's window of unacknowledged readings. Default 100 and 16. */
  readonly sensorCount: number;
  readonly windowPerSensor: number;
  /** The drain ends when nothing arrived for this long, ms. Default 5000 (quick: 3000). */
  readonly quietMs: number;
  /** Bound on every sensor's first reading reaching the cloud, ms. Default 30000. */
  readonly warmUpTimeoutMs: number;
  /** Bound on the PUBACK wait after the load, and again on the arrivals after that, ms. Default 120000. */
  readonly drainTimeoutMs: number;
  /** Bound on the saturating load, ms. Default 600000. */
  readonly saturateMaxLoadMs: number;
  /** What starts the agent; default the launcher build/ztgw (ztgw-gateway.ts, `mainJs`). */
  readonly ztgwMainJs: string | null;
  /** Extra node arguments for the agent (space-separated, e.g. `--cpu-prof --cpu-prof-dir=D`); for profiling. */
  readonly ztgwNodeArgs: readonly string[];
  /** The agent's journal `groupCommitMs`; null leaves the agent's default. */
  readonly groupCommitMs: number | null;
  /** Keep the work directory (configs, logs, journals) for a look afterwards. */
  readonly isKept: boolean;
  /** Progress lines. */
  readonly log: (line: string) => void;
}

const DEVICE_ID = 'gw-bench';
const PACED_RATE_PER_SENSOR_PER_S = 10;
/** Round-trip half added by the delay relay on the shaped link, each direction, ms. */
const SHAPED_DELAY_MS = 50;
/** The paced load may run this much longer than planned when a sensor's window was full, ms. */
const PACED_SLACK_MS = 10_000;
/** Start-up of the gateway, the brokers and the sim in the shaped phase's process, on top of its bounds, ms. */
const SHAPED_SETUP_SLACK_MS = 60_000;

export function defaultOptions(isQuick: boolean): DataPathBenchOptions {
  return {
    readings: isQuick ? 3000 : 200_000,
    only: null,
    pacedS: isQuick ? 2 : 20,
    isShaped: true,
    shapedReadings: isQuick ? 2000 : 60_000,
    shapedLoadS: isQuick ? 10 : 30,
    sensorCount: 100,
    windowPerSensor: 16,
    quietMs: isQuick ? 3000 : 5000,
    warmUpTimeoutMs: 30_000,
    drainTimeoutMs: 120_000,
    saturateMaxLoadMs: 600_000,
    ztgwMainJs: null,
    ztgwNodeArgs: [],
    groupCommitMs: null,
    isKept: false,
    log: (line) => console.error(line),
  };
}

function gatewayFor(
  name: GatewayName,
  o: Pick<DataPathBenchOptions, 'ztgwMainJs' | 'ztgwNodeArgs' | 'groupCommitMs'>,
): GatewayUnderTest {
  if (name === 'peer') return peerGateway();
  if (name === 'peer-lossless') return peerGateway({ isQueueUnlimited: true });
  return ztgwGateway({
    ...(o.ztgwMainJs === null ? {} : { mainJs: o.ztgwMainJs }),
    nodeArgs: o.ztgwNodeArgs,
    ...(o.groupCommitMs === null ? {} : { groupCommitMs: o.groupCommitMs }),
  });
}

/** Runs every phase for the chosen gateways and returns the figures. Never throws for a phase. */
export async function runDataPathBench(o: DataPathBenchOptions): Promise<BenchFigures> {
  const work = await mkdtemp(join(tmpdir(), 'ztgw-bench-dp-'));
  const results: PhaseResult[] = [];
  try {
    const identity = PROFILES[ZTGW_SIM_PROFILE]?.initialState.identity;
    if (identity === undefined) throw new Error(`no ${ZTGW_SIM_PROFILE} profile`);
    o.log(`data-path bench: lab PKI in ${work}`);
    const pki = await makeLabPki(join(work, 'pki'), {
      deviceIds: [DEVICE_ID],
      bindings: { [DEVICE_ID]: { iccid: identity.iccid, imei: identity.imei } },
    });
    const gateways: readonly GatewayName[] = o.only === null ? GATEWAY_NAMES : [o.only];
    for (const gateway of gateways) {
      const base = {
        gateway,
        sensorCount: o.sensorCount,
        windowPerSensor: o.windowPerSensor,
        quietMs: o.quietMs,
        warmUpTimeoutMs: o.warmUpTimeoutMs,
        drainTimeoutMs: o.drainTimeoutMs,
        pki,
        deviceId: DEVICE_ID,
      };
      const phases: PhaseSpec[] = [
        {
          ...base,
          kind: 'saturate',
          readings: o.readings,
          ratePerSensorPerS: null,
          maxLoadMs: o.saturateMaxLoadMs,
          workDir: join(work, gateway, 'saturate'),
          network: { kind: 'loopback' },
        },
        {
          ...base,
          kind: 'paced',
          readings: o.sensorCount * PACED_RATE_PER_SENSOR_PER_S * o.pacedS,
          ratePerSensorPerS: PACED_RATE_PER_SENSOR_PER_S,
          maxLoadMs: o.pacedS * 1000 + PACED_SLACK_MS,
          workDir: join(work, gateway, 'paced'),
          network: { kind: 'loopback' },
        },
      ];
      if (o.isShaped)
        phases.push({
          ...base,
          kind: 'shaped',
          readings: o.shapedReadings,
          ratePerSensorPerS: null,
          maxLoadMs: o.shapedLoadS * 1000,
          workDir: join(work, gateway, 'shaped'),
          network: { kind: 'shaped', net: DEFAULT_SHAPED_NETWORK, delayMs: SHAPED_DELAY_MS },
        });
      for (const spec of phases) {
        o.log(`data-path bench: ${gateway} ${spec.kind}, ${spec.readings} readings …`);
        const r =
          spec.network.kind === 'shaped'
            ? await runShapedPhase(spec, o)
            : await runPhase(spec, gatewayFor(gateway, o));
        o.log(
          r.error === null
            ? `  ${r.delivered}/${r.sent} delivered, ${r.lostAcked} lost, ${r.duplicates} duplicates, ${Math.round(r.deliveredPerS)} delivered/s, ${Math.round(r.ackedPerS)} acked/s; CPU s: gateway ${r.cpuS.toFixed(2)}, harness ${r.harnessCpuS.toFixed(2)}, cloud ${r.cloudCpuS.toFixed(2)}`
            : `  did not run: ${r.error}`,
        );
        results.push(r);
      }
    }
  } finally {
    if (o.isKept) o.log(`data-path bench: work directory kept: ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
  return benchFigures(results);
}

/** The phase in the gateway namespace: builds the shaped network, runs this file there, tears down. */
async function runShapedPhase(spec: PhaseSpec, o: DataPathBenchOptions): Promise<PhaseResult> {
  if (spec.network.kind !== 'shaped') return runPhase(spec, gatewayFor(spec.gateway, o));
  const net = spec.network.net;
  if (process.getuid?.() !== 0) return failedPhase(spec, 'the shaped phase needs root (ip netns, tc)');
  const specPath = join(spec.workDir, '..', `${spec.kind}-spec.json`);
  const outPath = join(spec.workDir, '..', `${spec.kind}-result.json`);
  await mkdir(join(spec.workDir, '..'), { recursive: true });
  const forChild = { ztgwMainJs: o.ztgwMainJs, ztgwNodeArgs: o.ztgwNodeArgs, groupCommitMs: o.groupCommitMs };
  await writeFile(specPath, JSON.stringify({ spec, ...forChild }));
  try {
    await setupShapedNetwork(net);
    const loader = pathToFileURL(require.resolve('tsx')).href;
    const argv = ['netns', 'exec', net.gatewayNs, process.execPath, '--import', loader, __filename];
    const child = spawn('ip', [...argv, '--phase-spec', specPath, '--phase-out', outPath], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    // Bound: start-up, the load, the PUBACK wait and the drain, plus a minute for the rest.
    const boundMs = spec.maxLoadMs + 2 * spec.drainTimeoutMs + spec.warmUpTimeoutMs + SHAPED_SETUP_SLACK_MS;
    const timer = setTimeout(() => child.kill('SIGKILL'), boundMs);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(timer);
    const text = await readFile(outPath, 'utf8').catch(() => null);
    if (text === null)
      return failedPhase(spec, `the phase process in ${net.gatewayNs} exited ${code} without a result`);
    const parsed: unknown = JSON.parse(text);
    return isPhaseResult(parsed) ? parsed : failedPhase(spec, 'the phase process wrote no phase result');
  } catch (err) {
    return failedPhase(spec, err instanceof Error ? err.message : String(err));
  } finally {
    await teardownShapedNetwork(net);
  }
}

function isPhaseResult(v: unknown): v is PhaseResult {
  return typeof v === 'object' && v !== null && 'kind' in v && 'gateway' in v && 'delivered' in v;
}

const KINDS: readonly PhaseKind[] = ['saturate', 'paced', 'shaped'];

function isPhaseSpec(v: unknown): v is PhaseSpec {
  return (
    typeof v === 'object' &&
    v !== null &&
    'kind' in v &&
    KINDS.some((k) => k === v.kind) &&
    'gateway' in v &&
    isGatewayName(v.gateway)
  );
}

/** Child mode: one phase from a spec file, its result to a file. */
async function runChildPhase(specPath: string, outPath: string): Promise<void> {
  const raw: unknown = JSON.parse(await readFile(specPath, 'utf8'));
  const field = (k: string): unknown =>
    typeof raw === 'object' && raw !== null ? Reflect.get(raw, k) : undefined;
  const spec = field('spec');
  const mainJs = field('ztgwMainJs');
  const nodeArgs = field('ztgwNodeArgs');
  const commitMs = field('groupCommitMs');
  if (!isPhaseSpec(spec)) throw new Error(`${specPath}: not a phase spec`);
  const gut = gatewayFor(spec.gateway, {
    ztgwMainJs: typeof mainJs === 'string' ? mainJs : null,
    ztgwNodeArgs: Array.isArray(nodeArgs) ? nodeArgs.filter((a) => typeof a === 'string') : [],
    groupCommitMs: typeof commitMs === 'number' ? commitMs : null,
  });
  await writeFile(outPath, JSON.stringify(await runPhase(spec, gut)));
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv, {
    values: [
      'readings',
      'only',
      'paced-s',
      'shaped-readings',
      'shaped-load-s',
      'json',
      'ztgw-main',
      'ztgw-node-args',
      'group-commit-ms',
      'phase-spec',
      'phase-out',
    ],
    booleans: ['quick', 'no-shaped', 'keep', 'no-client-speed'],
  });
  const specPath = args.values.get('phase-spec');
  const outPath = args.values.get('phase-out');
  if (specPath !== undefined && outPath !== undefined) {
    await runChildPhase(specPath, outPath);
    return;
  }
  const d = defaultOptions(args.booleans.has('quick'));
  const only = args.values.get('only') ?? null;
  if (only !== null && !isGatewayName(only))
    throw new Error(`--only must be one of ${GATEWAY_NAMES.join(', ')}, got ${only}`);
  const o: DataPathBenchOptions = {
    ...d,
    readings: intFlag(args, 'readings', d.readings, 100, 10_000_000),
    only,
    pacedS: intFlag(args, 'paced-s', d.pacedS, 1, 3600),
    isShaped: !args.booleans.has('no-shaped'),
    shapedReadings: intFlag(args, 'shaped-readings', d.shapedReadings, 100, 10_000_000),
    shapedLoadS: intFlag(args, 'shaped-load-s', d.shapedLoadS, 1, 3600),
    ztgwMainJs: args.values.get('ztgw-main') ?? null,
    ztgwNodeArgs: (args.values.get('ztgw-node-args') ?? '').split(' ').filter((a) => a !== ''),
    groupCommitMs: args.values.has('group-commit-ms') ? intFlag(args, 'group-commit-ms', 10, 0, 1000) : null,
    isKept: args.booleans.has('keep'),
  };
  const figures = await runDataPathBench(o);
  console.log(markdownReport(figures));
  const isClientSpeed = !args.booleans.has('quick') && only === null && !args.booleans.has('no-client-speed');
  const clientSpeed = isClientSpeed
    ? await benchClientSpeed(o.readings, o.sensorCount, o.windowPerSensor)
    : null;
  if (clientSpeed !== null) {
    const f = (n: number) => Math.round(n).toLocaleString('en-US');
    console.log(
      `load generator, ${o.sensorCount} clients × ${o.windowPerSensor} in flight, QoS 1, bare local mosquitto: ` +
        `mqtt-packet ${f(clientSpeed.mqttPacketPerS)}/s, mqtt.js ${f(clientSpeed.mqttJsPerS)}/s`,
    );
  }
  const json = args.values.get('json');
  if (json !== undefined) await writeFile(json, `${JSON.stringify({ ...figures, clientSpeed }, null, 2)}\n`);
  if (figures.phases.some((p) => p.error !== null)) process.exitCode = 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
