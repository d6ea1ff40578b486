/**
 * The shaped cellular-like link: two network namespaces joined by two veth pairs.
 *
 *   gateway ns                                       cloud ns
 *   gateway, sensors, delay relay ─ 10.231.0.1/30 ══ tbf 1 mbit ══ 10.231.0.2/30 ─ cloud broker
 *   checker                        ─ 10.231.0.5/30 ── unshaped ─── 10.231.0.6/30 ─┘
 *
 * The uplink runs over the shaped pair (a token bucket on both ends); the checker has its own
 * unshaped pair so that reading the results does not compete with the gateway for the link. `lo` is
 * brought up in both. Set-up first removes leftovers of a crashed run; tear-down deletes both
 * namespaces (which takes their veths) after killing what still runs in them.
 *
 * The command lists are pure; `setupShapedNetwork` and `teardownShapedNetwork` run them.
 */
import { execFile } from 'node:child_process';

export interface ShapedNetworkSpec {
  readonly gatewayNs: string;
  readonly cloudNs: string;
  /** The shaped pair: gateway end, cloud end (/30 each). */
  readonly gatewayAddr: string;
  readonly cloudAddr: string;
  /** The checker's unshaped pair. */
  readonly checkerGatewayAddr: string;
  readonly checkerCloudAddr: string;
  /** tbf parameters, tc(8) syntax. */
  readonly rate: string;
  readonly burst: string;
  readonly latency: string;
}

/** The shaped link as the benchmark uses it: 1 mbit, 32 kbit burst, 400 ms queue, both ends. */
export const DEFAULT_SHAPED_NETWORK: ShapedNetworkSpec = {
  gatewayNs: 'ztgw-bench-gw',
  cloudNs: 'ztgw-bench-cloud',
  gatewayAddr: '10.231.0.1',
  cloudAddr: '10.231.0.2',
  checkerGatewayAddr: '10.231.0.5',
  checkerCloudAddr: '10.231.0.6',
  rate: '1mbit',
  burst: '32kbit',
  latency: '400ms',
};

/** veth names (15 characters at most, IFNAMSIZ). */
const VETH = { gw: 'ztgwb-gw0', cloud: 'ztgwb-cl0', chkGw: 'ztgwb-gw1', chkCloud: 'ztgwb-cl1' } as const;

/** The `ip`/`tc` argv lists that build the network, in order. */
export function setupCommands(s: ShapedNetworkSpec): string[][] {
  const tbf = ['root', 'tbf', 'rate', s.rate, 'burst', s.burst, 'latency', s.latency];
  return [
    ['ip', 'netns', 'add', s.gatewayNs],
    ['ip', 'netns', 'add', s.cloudNs],
    ['ip', '-n', s.gatewayNs, 'link', 'set', 'lo', 'up'],
    ['ip', '-n', s.cloudNs, 'link', 'set', 'lo', 'up'],
    [
      'ip',
      'link',
      'add',
      VETH.gw,
      'netns',
      s.gatewayNs,
      'type',
      'veth',
      'peer',
      'name',
      VETH.cloud,
      'netns',
      s.cloudNs,
    ],
    [
      'ip',
      'link',
      'add',
      VETH.chkGw,
      'netns',
      s.gatewayNs,
      'type',
      'veth',
      'peer',
      'name',
      VETH.chkCloud,
      'netns',
      s.cloudNs,
    ],
    ['ip', '-n', s.gatewayNs, 'addr', 'add', `${s.gatewayAddr}/30`, 'dev', VETH.gw],
    ['ip', '-n', s.cloudNs, 'addr', 'add', `${s.cloudAddr}/30`, 'dev', VETH.cloud],
    ['ip', '-n', s.gatewayNs, 'addr', 'add', `${s.checkerGatewayAddr}/30`, 'dev', VETH.chkGw],
    ['ip', '-n', s.cloudNs, 'addr', 'add', `${s.checkerCloudAddr}/30`, 'dev', VETH.chkCloud],
    ['ip', '-n', s.gatewayNs, 'link', 'set', VETH.gw, 'up'],
    ['ip', '-n', s.cloudNs, 'link', 'set', VETH.cloud, 'up'],
    ['ip', '-n', s.gatewayNs, 'link', 'set', VETH.chkGw, 'up'],
    ['ip', '-n', s.cloudNs, 'link', 'set', VETH.chkCloud, 'up'],
    ['tc', '-n', s.gatewayNs, 'qdisc', 'add', 'dev', VETH.gw, ...tbf],
    ['tc', '-n', s.cloudNs, 'qdisc', 'add', 'dev', VETH.cloud, ...tbf],
  ];
}

/** The argv lists that remove the network (each may fail when that part is already gone). */
export function teardownCommands(s: ShapedNetworkSpec): string[][] {
  return [
    ['ip', 'netns', 'del', s.gatewayNs],
    ['ip', 'netns', 'del', s.cloudNs],
    // A run that died between creating a pair and moving it leaves the ends in the root namespace.
    ['ip', 'link', 'del', VETH.gw],
    ['ip', 'link', 'del', VETH.chkGw],
  ];
}

type Exec = (argv: readonly string[]) => Promise<{ code: number; stderr: string; stdout: string }>;

/** Bound on one `ip`/`tc` command, ms. */
const COMMAND_TIMEOUT_MS = 10_000;

/** Runs one argv, SIGTERMed after COMMAND_TIMEOUT_MS; never rejects. */
export const runCommand: Exec = (argv) =>
  new Promise((resolve) => {
    const [cmd, ...args] = argv;
    if (cmd === undefined) {
      resolve({ code: 1, stderr: 'empty command', stdout: '' });
      return;
    }
    execFile(cmd, args, { timeout: COMMAND_TIMEOUT_MS }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stderr: String(stderr), stdout: String(stdout) });
    });
  });

/** Process ids still running in a namespace (`ip netns pids`). */
async function pidsIn(ns: string, exec: Exec): Promise<number[]> {
  const r = await exec(['ip', 'netns', 'pids', ns]);
  if (r.code !== 0) return [];
  return r.stdout
    .split(/\s+/)
    .filter((x) => /^\d+$/.test(x))
    .map(Number);
}

/** Removes the network: SIGKILLs what the benchmark left running inside, then deletes both namespaces. */
export async function teardownShapedNetwork(s: ShapedNetworkSpec, exec: Exec = runCommand): Promise<void> {
  for (const ns of [s.gatewayNs, s.cloudNs]) {
    // Only the benchmark starts processes in these namespaces, so each one is ours to end.
    for (const pid of await pidsIn(ns, exec)) {
      if (pid === process.pid) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone between listing and killing: nothing left to end.
      }
    }
  }
  for (const argv of teardownCommands(s)) await exec(argv);
}

/** Builds the network after removing leftovers; on a failing step, tears down and throws naming it. */
export async function setupShapedNetwork(s: ShapedNetworkSpec, exec: Exec = runCommand): Promise<void> {
  await teardownShapedNetwork(s, exec);
  for (const argv of setupCommands(s)) {
    const r = await exec(argv);
    if (r.code !== 0) {
      await teardownShapedNetwork(s, exec);
      throw new Error(
        `shaped network: \`${argv.join(' ')}\` failed (${r.code}): ${r.stderr.trim()} (needs root)`,
      );
    }
  }
}
