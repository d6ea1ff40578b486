/**
 * Journal throughput on this machine's disk: `npx tsx hil/bench/journal.ts [records]`.
 *
 * Two runs at groupCommitMs 10, ~80-byte payloads, telemetry lane, each through the whole hot path
 * append → read → ack (a consumer reads batches of up to 2000 from the tail and acknowledges them
 * at once, the way the telemetry sender does after its PUBACK):
 *
 * - saturating: the appender keeps up to `IN_FLIGHT` appends outstanding;
 * - paced: 1000 appends/s for `PACED_S` seconds.
 *
 * Prints one JSON line per run: records/s, fsyncs/s, bytes written per record, append latency.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Journal, openJournal } from '../../agent/queue/index.js';
import { silentLogger } from '../../modem/log.js';
import { percentile } from './data-path/ledger.js';

const PAYLOAD_BYTES = 80;
const IN_FLIGHT = 8192;
const PACED_PER_S = 1000;
const PACED_S = 5;
const READ_MAX_RECORDS = 2000;

interface RunResult {
  readonly run: string;
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerS: number;
  readonly fsyncsPerS: number;
  readonly bytesWrittenPerRecord: number;
  readonly appendLatencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly ackedThrough: number;
}

function payloadOf(i: number): Uint8Array {
  const p = new Uint8Array(PAYLOAD_BYTES);
  new DataView(p.buffer).setUint32(0, i);
  return p;
}

/** Reads from the tail and acknowledges until `total` records were consumed. */
async function consume(journal: Journal, total: number): Promise<number> {
  let after = 0;
  let consumed = 0;
  while (consumed < total) {
    if (journal.lastSeq('telemetry') <= after) {
      await new Promise<void>((resolve) => {
        const off = journal.onDurable(() => {
          off();
          resolve();
        });
      });
      continue;
    }
    const recs = await journal.read('telemetry', after, READ_MAX_RECORDS, 1 << 20);
    const last = recs.at(-1);
    if (last === undefined) continue;
    consumed += recs.length;
    after = last.seq;
    journal.ack('telemetry', after);
  }
  return after;
}

async function runOnce(name: string, total: number, paced: boolean): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'ztgw-bench-journal-'));
  const { journal } = await openJournal({ dir, log: silentLogger(), nowMs: Date.now, groupCommitMs: 10 });
  try {
    const latencies: number[] = [];
    const t0 = performance.now();
    const consumer = consume(journal, total);
    let inFlight = 0;
    let wake: (() => void) | null = null;
    for (let i = 0; i < total; i++) {
      if (paced) {
        const dueMs = (i * 1000) / PACED_PER_S - (performance.now() - t0);
        if (dueMs > 1) await sleep(dueMs);
      } else if (inFlight >= IN_FLIGHT) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      const start = performance.now();
      inFlight++;
      // A failed append is left unhandled on purpose: it ends the benchmark with its error.
      void journal.append('telemetry', payloadOf(i), Date.now()).then(() => {
        latencies.push(performance.now() - start);
        inFlight--;
        const w = wake;
        wake = null;
        w?.();
      });
    }
    const ackedThrough = await consumer;
    const seconds = (performance.now() - t0) / 1000;
    const s = journal.stats();
    latencies.sort((a, b) => a - b);
    const round = (n: number): number => Math.round(n * 100) / 100;
    return {
      run: name,
      records: total,
      seconds: round(seconds),
      recordsPerS: Math.round(total / seconds),
      fsyncsPerS: Math.round(s.fsyncs / seconds),
      bytesWrittenPerRecord: round(s.bytesWritten / total),
      appendLatencyMs: {
        p50: round(percentile(latencies, 50)),
        p99: round(percentile(latencies, 99)),
        max: round(latencies.at(-1) ?? 0),
      },
      ackedThrough,
    };
  } finally {
    await journal.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 200_000);
  const sat = await runOnce('saturating', total, false);
  console.log(JSON.stringify({ bench: 'journal', groupCommitMs: 10, payloadBytes: PAYLOAD_BYTES, ...sat }));
  const paced = await runOnce(`paced ${PACED_PER_S}/s`, PACED_PER_S * PACED_S, true);
  console.log(JSON.stringify({ bench: 'journal', groupCommitMs: 10, payloadBytes: PAYLOAD_BYTES, ...paced }));
  if (sat.ackedThrough !== total || paced.ackedThrough !== PACED_PER_S * PACED_S) {
    throw new Error(
      `journal bench: acknowledged ${sat.ackedThrough}/${paced.ackedThrough}, not every record`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
