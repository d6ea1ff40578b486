/**
 * Figures and the Markdown report from hand-made phase results: per-reading and per-100k divisions,
 * the ratio ztgw/lossless peer, targets met or not, a missing side, and a phase that did not run.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { failedPhase, type PhaseResult } from '../../../hil/bench/data-path/phase.js';
import {
  benchFigures,
  gatewayFigures,
  isTargetMet,
  markdownReport,
  summaryRows,
} from '../../../hil/bench/data-path/report.js';

function phase(p: Partial<PhaseResult> & Pick<PhaseResult, 'kind' | 'gateway'>): PhaseResult {
  return { ...failedPhase({ kind: p.kind, gateway: p.gateway, readings: 1000 }, ''), error: null, ...p };
}

const PEER: PhaseResult[] = [
  phase({
    kind: 'saturate',
    gateway: 'peer',
    sent: 1000,
    acked: 1000,
    delivered: 400,
    lostAcked: 600,
    deliveredPerS: 20_000,
    upBytes: 48_000,
    downBytes: 10_400,
    cpuS: 0.02,
    writeBytes: 0,
    peakRssKiB: 10_240,
    peakRssAnonKiB: 5120,
    durationS: 0.02,
    drain: 'quiet',
  }),
  phase({ kind: 'paced', gateway: 'peer', latencyMs: { p50: 0.5, p99: 2, max: 3 } }),
  phase({ kind: 'shaped', gateway: 'peer', delivered: 900, deliveredPerS: 900, lostAcked: 59_100 }),
];
/** The same load through the peer with its queue limits lifted: everything delivered, slower. */
const LOSSLESS: PhaseResult[] = [
  phase({
    kind: 'saturate',
    gateway: 'peer-lossless',
    sent: 1000,
    acked: 1000,
    delivered: 1000,
    deliveredPerS: 10_000,
    upBytes: 120_000,
    downBytes: 26_000,
    cpuS: 0.04,
    writeBytes: 0,
    peakRssKiB: 20_480,
    drain: 'done',
  }),
  phase({ kind: 'paced', gateway: 'peer-lossless', latencyMs: { p50: 0.5, p99: 2, max: 3 } }),
  phase({ kind: 'shaped', gateway: 'peer-lossless', delivered: 60_000, deliveredPerS: 1000 }),
];
const ZTGW: PhaseResult[] = [
  phase({
    kind: 'saturate',
    gateway: 'ztgw',
    sent: 1000,
    acked: 1000,
    delivered: 1000,
    deliveredPerS: 40_000,
    upBytes: 20_000,
    downBytes: 1000,
    cpuS: 0.05,
    writeBytes: 150_000,
    peakRssKiB: 81_920,
    drain: 'done',
  }),
  failedPhase({ kind: 'paced', gateway: 'ztgw', readings: 2000 }, 'ztgw did not start\nlog tail'),
];

test('gatewayFigures divides by delivered readings', () => {
  assert.equal(gatewayFigures(PEER, 'peer'), {
    saturatedPerS: 20_000,
    saturatedLost: 600,
    latencyP50Ms: 0.5,
    latencyP99Ms: 2,
    upBytesPerReading: 120,
    downBytesPerReading: 26,
    uplinkBytesPerReading: 146,
    peakRssMiB: 10,
    peakRssAnonMiB: 5,
    cpuSPer100k: 5,
    writeBytesPerReading: 0,
    pacedCpuSPer100k: null,
    pacedWriteBytesPerReading: null,
    shapedPerS: 900,
    shapedLost: 59_100,
  });
  assert.is(gatewayFigures([], 'ztgw'), null);
});

test('ratios are ztgw/lossless peer, null where a side is missing or the peer is 0', () => {
  const f = benchFigures([...PEER, ...LOSSLESS, ...ZTGW]);
  assert.is(f.ratio.saturatedPerS, 4, 'against the lossless peer, not the one that dropped 60 %');
  assert.is(f.ratio.peakRssMiB, 4);
  assert.is(f.ratio.latencyP50Ms, null, 'ztgw paced did not run');
  assert.is(f.ratio.writeBytesPerReading, null, 'peer wrote nothing');
  assert.is(f.ratio.shapedPerS, null);
  assert.is(f.gateways.peer?.saturatedLost, 600, 'the default peer is still reported');
  assert.is(benchFigures([...PEER, ...ZTGW]).ratio.saturatedPerS, null, 'no lossless peer, no ratio');
});

test('targets: on the ratio or on ztgw itself, unknown when the figure is missing', () => {
  const ge = { on: 'ratio', op: '>=', value: 1.5, label: '' } as const;
  const le = { on: 'ztgw', op: '<=', value: 64, label: '' } as const;
  assert.is(isTargetMet(ge, 1, 1.5), true);
  assert.is(isTargetMet(ge, 1e9, 1.49), false);
  assert.is(isTargetMet(le, 64, 100), true);
  assert.is(isTargetMet(le, 64.1, 0), false);
  assert.is(isTargetMet(le, null, 1), null);
});

test('summaryRows fit the bench summary table', () => {
  const rows = summaryRows(benchFigures([...PEER, ...LOSSLESS, ...ZTGW]));
  assert.is(
    rows[0],
    'data path: delivered, saturating | readings/s | 40,000 | 10,000 (mosquitto + bridge, queue unlimited) | 4.00',
  );
  assert.ok(rows.every((r) => r.split(' | ').length === 5));
});

test('the report: figure rows, one integrity row per phase that ran, then what did not run', () => {
  const md = markdownReport(benchFigures([...PEER, ...LOSSLESS, ...ZTGW]));
  const lines = md.trim().split('\n');
  assert.is(
    lines[0],
    '| figure | unit | ztgw | peer, lossless | peer, default queue | ratio ztgw/lossless peer | target |',
  );
  assert.ok(
    lines.includes('| delivered, saturating | readings/s | 40,000 | 10,000 | 20,000 | 4.00 | ≥ 1.5× ✓ |'),
    md,
  );
  assert.ok(lines.includes('| latency p50 at 1 000 readings/s | ms | – | 0.5 | 0.5 | – |  |'), md);
  assert.ok(lines.includes('| latency p99 at 1 000 readings/s | ms | – | 2.0 | 2.0 | – | ≤ 50 ms |'), md);
  assert.ok(
    lines.includes('| gateway peak RSS (VmHWM), saturating | MiB | 80.0 | 20.0 | 10.0 | 4.00 | ≤ 64 MiB ✗ |'),
    md,
  );
  assert.ok(lines.includes('| … acknowledged readings lost | readings | 0 | 0 | 600 | – |  |'), md);
  assert.ok(lines.includes('| … acknowledged readings lost | readings | – | 0 | 59,100 | – |  |'), md);
  assert.ok(lines.includes('| peer | saturate | 1,000 | 1,000 | 400 | 0 | 600 | 0 | 0.0 | quiet |'), md);
  assert.is(lines.filter((l) => l.startsWith('| ztgw | ')).length, 1);
  assert.is(lines[lines.length - 1], '- ztgw paced did not run: ztgw did not start');
});

test.run();
