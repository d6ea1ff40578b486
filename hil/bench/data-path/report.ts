/**
 * The benchmark's figures from its phase results, as JSON and as a Markdown table: ztgw, both peers,
 * the ratio ztgw/lossless peer and the targets, each marked met or not. Pure.
 */
import type { PhaseKind, PhaseResult } from './phase.js';
import type { GatewayName } from './types.js';

/** One gateway's figures; null where its phase did not run or delivered nothing. */
export interface GatewayFigures {
  /** Saturating load: delivered readings per second, end to end. */
  readonly saturatedPerS: number | null;
  /** … and acknowledged readings lost there. */
  readonly saturatedLost: number | null;
  /** Paced 1000 readings/s: cloud arrival − sensor send, ms. */
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
  /** Uplink TCP payload bytes per delivered reading (saturating phase), each direction and the sum. */
  readonly upBytesPerReading: number | null;
  readonly downBytesPerReading: number | null;
  readonly uplinkBytesPerReading: number | null;
  /** Gateway process, saturating phase: peak RSS (VmHWM), MiB. */
  readonly peakRssMiB: number | null;
  /** … and the highest anonymous RSS sampled (RSS without mapped files such as node itself), MiB. */
  readonly peakRssAnonMiB: number | null;
  /** … CPU seconds (utime + stime) per 100 000 delivered readings. */
  readonly cpuSPer100k: number | null;
  /** … bytes written to storage per delivered reading. */
  readonly writeBytesPerReading: number | null;
  /** The same two at the paced 1000 readings/s, the load a gateway sees in the field. */
  readonly pacedCpuSPer100k: number | null;
  readonly pacedWriteBytesPerReading: number | null;
  /** Shaped 1 mbit link: delivered readings per second, and acknowledged readings lost. */
  readonly shapedPerS: number | null;
  readonly shapedLost: number | null;
}

export type FigureName = keyof GatewayFigures;

/**
 * What the benchmark compares: ztgw, the lossless peer (the bridge's queue limits lifted, so it
 * delivers every reading it acknowledged: the reference for ratios and targets) and the peer as
 * deployed (default limits; its losses are the point, its CPU and memory per delivered reading are
 * not comparable because it skipped most of the work).
 */
export interface BenchFigures {
  readonly gateways: Readonly<Record<GatewayName, GatewayFigures | null>>;
  /** ztgw / lossless peer per figure; null when either side is missing or the peer's is 0. */
  readonly ratio: Readonly<Record<FigureName, number | null>>;
  readonly phases: readonly PhaseResult[];
}

/** A target from the issue: on the ratio to the lossless peer, or on ztgw's own figure. */
export interface Target {
  readonly on: 'ratio' | 'ztgw';
  readonly op: '>=' | '<=';
  readonly value: number;
  /** As the table shows it, e.g. `≥ 1.5×` or `≤ 64 MiB`. */
  readonly label: string;
}

interface FigureRow {
  readonly name: FigureName;
  readonly label: string;
  readonly unit: string;
  readonly digits: number;
  readonly target?: Target;
}

const FIGURES: readonly FigureRow[] = [
  {
    name: 'saturatedPerS',
    label: 'delivered, saturating',
    unit: 'readings/s',
    digits: 0,
    target: { on: 'ratio', op: '>=', value: 1.5, label: '≥ 1.5×' },
  },
  { name: 'saturatedLost', label: '… acknowledged readings lost', unit: 'readings', digits: 0 },
  { name: 'latencyP50Ms', label: 'latency p50 at 1 000 readings/s', unit: 'ms', digits: 1 },
  {
    name: 'latencyP99Ms',
    label: 'latency p99 at 1 000 readings/s',
    unit: 'ms',
    digits: 1,
    target: { on: 'ztgw', op: '<=', value: 50, label: '≤ 50 ms' },
  },
  {
    name: 'uplinkBytesPerReading',
    label: 'uplink bytes per reading (both directions)',
    unit: 'B',
    digits: 1,
    target: { on: 'ratio', op: '<=', value: 1 / 6, label: '≤ 1/6×' },
  },
  { name: 'upBytesPerReading', label: '… gateway → cloud', unit: 'B', digits: 1 },
  { name: 'downBytesPerReading', label: '… cloud → gateway', unit: 'B', digits: 1 },
  {
    name: 'peakRssMiB',
    label: 'gateway peak RSS (VmHWM), saturating',
    unit: 'MiB',
    digits: 1,
    target: { on: 'ztgw', op: '<=', value: 64, label: '≤ 64 MiB' },
  },
  { name: 'peakRssAnonMiB', label: '… of it anonymous (no mapped files)', unit: 'MiB', digits: 1 },
  {
    name: 'cpuSPer100k',
    label: 'gateway CPU per 100 000 delivered readings',
    unit: 's',
    digits: 2,
    target: { on: 'ratio', op: '<=', value: 1, label: '≤ 1×' },
  },
  {
    name: 'writeBytesPerReading',
    label: 'gateway storage writes per delivered reading',
    unit: 'B',
    digits: 1,
    target: { on: 'ztgw', op: '<=', value: 200, label: '≤ 200 B' },
  },
  { name: 'pacedCpuSPer100k', label: '… CPU per 100 000 at 1 000 readings/s', unit: 's', digits: 2 },
  {
    name: 'pacedWriteBytesPerReading',
    label: '… storage writes per reading at 1 000 readings/s',
    unit: 'B',
    digits: 1,
    target: { on: 'ztgw', op: '<=', value: 200, label: '≤ 200 B' },
  },
  {
    name: 'shapedPerS',
    label: 'delivered through 1 mbit + 100 ms RTT',
    unit: 'readings/s',
    digits: 0,
    target: { on: 'ratio', op: '>=', value: 5, label: '≥ 5×' },
  },
  { name: 'shapedLost', label: '… acknowledged readings lost', unit: 'readings', digits: 0 },
];

/** Whether a target is met: null when its figure is missing. */
export function isTargetMet(t: Target, ztgw: number | null, ratio: number | null): boolean | null {
  const v = t.on === 'ratio' ? ratio : ztgw;
  if (v === null || !Number.isFinite(v)) return null;
  return t.op === '>=' ? v >= t.value : v <= t.value;
}

function phaseOf(rs: readonly PhaseResult[], gateway: GatewayName, kind: PhaseKind): PhaseResult | null {
  const r = rs.find((x) => x.gateway === gateway && x.kind === kind);
  return r === undefined || r.error !== null ? null : r;
}

const per = (n: number, d: number): number | null => (d > 0 ? n / d : null);

/** One gateway's figures from its phases; null when none of them ran. */
export function gatewayFigures(rs: readonly PhaseResult[], gateway: GatewayName): GatewayFigures | null {
  const sat = phaseOf(rs, gateway, 'saturate');
  const paced = phaseOf(rs, gateway, 'paced');
  const shaped = phaseOf(rs, gateway, 'shaped');
  if (sat === null && paced === null && shaped === null) return null;
  const d = sat?.delivered ?? 0;
  return {
    saturatedPerS: sat === null || sat.delivered === 0 ? null : sat.deliveredPerS,
    saturatedLost: sat === null ? null : sat.lostAcked,
    latencyP50Ms: paced?.latencyMs?.p50 ?? null,
    latencyP99Ms: paced?.latencyMs?.p99 ?? null,
    upBytesPerReading: sat === null ? null : per(sat.upBytes, d),
    downBytesPerReading: sat === null ? null : per(sat.downBytes, d),
    uplinkBytesPerReading: sat === null ? null : per(sat.upBytes + sat.downBytes, d),
    peakRssMiB: sat === null ? null : sat.peakRssKiB / 1024,
    peakRssAnonMiB: sat === null || sat.peakRssAnonKiB === 0 ? null : sat.peakRssAnonKiB / 1024,
    cpuSPer100k: sat === null ? null : per(sat.cpuS * 100_000, d),
    writeBytesPerReading: sat === null ? null : per(sat.writeBytes, d),
    pacedCpuSPer100k: paced === null ? null : per(paced.cpuS * 100_000, paced.delivered),
    pacedWriteBytesPerReading: paced === null ? null : per(paced.writeBytes, paced.delivered),
    shapedPerS: shaped === null || shaped.delivered === 0 ? null : shaped.deliveredPerS,
    shapedLost: shaped === null ? null : shaped.lostAcked,
  };
}

export function benchFigures(rs: readonly PhaseResult[]): BenchFigures {
  const ztgw = gatewayFigures(rs, 'ztgw');
  const lossless = gatewayFigures(rs, 'peer-lossless');
  const ratio = {} as Record<FigureName, number | null>;
  for (const f of FIGURES) {
    const a = ztgw?.[f.name] ?? null;
    const b = lossless?.[f.name] ?? null;
    ratio[f.name] = a === null || b === null || b === 0 ? null : a / b;
  }
  return {
    gateways: { ztgw, 'peer-lossless': lossless, peer: gatewayFigures(rs, 'peer') },
    ratio,
    phases: rs,
  };
}

/**
 * The figures as rows of hil/bench/run.ts's summary table
 * (`benchmark | unit | ztgw | peer | ratio ztgw/peer`, without the outer pipes); the peer is the
 * lossless one.
 */
export function summaryRows(f: BenchFigures): string[] {
  return FIGURES.map((x) => {
    const peer = fmt(f.gateways['peer-lossless']?.[x.name] ?? null, x.digits);
    const ztgw = fmt(f.gateways.ztgw?.[x.name] ?? null, x.digits);
    return `data path: ${x.label} | ${x.unit} | ${ztgw} | ${peer} (mosquitto + bridge, queue unlimited) | ${fmt(f.ratio[x.name], 2)}`;
  });
}

function fmt(v: number | null, digits: number): string {
  if (v === null || !Number.isFinite(v)) return '–';
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function targetCell(x: FigureRow, f: BenchFigures): string {
  if (x.target === undefined) return '';
  const met = isTargetMet(x.target, f.gateways.ztgw?.[x.name] ?? null, f.ratio[x.name]);
  return `${x.target.label}${met === null ? '' : met ? ' ✓' : ' ✗'}`;
}

/** The figures table, then one integrity row per phase, then the errors of phases that did not run. */
export function markdownReport(f: BenchFigures): string {
  const lines = [
    '| figure | unit | ztgw | peer, lossless | peer, default queue | ratio ztgw/lossless peer | target |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const x of FIGURES) {
    const v = (g: GatewayName) => fmt(f.gateways[g]?.[x.name] ?? null, x.digits);
    lines.push(
      `| ${x.label} | ${x.unit} | ${v('ztgw')} | ${v('peer-lossless')} | ${v('peer')} | ${fmt(f.ratio[x.name], 2)} | ${targetCell(x, f)} |`,
    );
  }
  lines.push(
    '',
    '| gateway | phase | sent | acked | delivered | duplicates | lost (acked, not delivered) | unacked | s | drain |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const p of f.phases) {
    if (p.error !== null) continue;
    lines.push(
      `| ${p.gateway} | ${p.kind} | ${fmt(p.sent, 0)} | ${fmt(p.acked, 0)} | ${fmt(p.delivered, 0)} | ${fmt(p.duplicates, 0)} | ${fmt(p.lostAcked, 0)} | ${fmt(p.unacked, 0)} | ${fmt(p.durationS, 1)} | ${p.drain ?? '–'} |`,
    );
  }
  const failed = f.phases.filter((p) => p.error !== null);
  if (failed.length > 0) {
    lines.push('');
    for (const p of failed)
      lines.push(`- ${p.gateway} ${p.kind} did not run: ${(p.error ?? '').split('\n')[0]}`);
  }
  return `${lines.join('\n')}\n`;
}
