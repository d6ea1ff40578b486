/**
 * kill -9 against the journal: a child process (this file, run with ZTGW_JOURNAL_KILL9_DIR set)
 * appends under load — 64 appends in flight, mostly telemetry, some alerts, acknowledging
 * telemetry now and then — and writes each resolved seq to stdout. It is SIGKILLed at a random
 * moment (after a seeded random number of resolved appends), 50 times; after each kill the
 * journal is opened here and every seq reported durable must be there with its payload (or be
 * acknowledged, hence maybe deleted), no seq reported durable may be given again, and seqs keep
 * increasing across the restarts.
 *
 * A kill alone leaves every completed write in the page cache, so every third run also simulates
 * the power loss that may follow: the newest telemetry segment is cut at a random offset after the
 * last record reported durable; the journal must report that tail and lose nothing reported.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scanSegment } from '../../agent/audit/frame.js';
import { JOURNAL_MAGIC, type Journal, type Lane, openJournal } from '../../agent/queue/index.js';
import { decodeRecordHeader } from '../../agent/queue/journal-record.js';
import { silentLogger } from '../../modem/log.js';

const KILLS = 50;
const SEED = 4242;
/** Whole scenario bound. */
const SCENARIO_DEADLINE_MS = 60_000;
/** Bound on any one wait for the child. */
const STEP_DEADLINE_MS = 15_000;
const CHILD_ENV = 'ZTGW_JOURNAL_KILL9_DIR';
const IN_FLIGHT = 64;
const SEGMENT_BYTES = 16_384;

/** The payload of append `i` of run `run`: names both, 20..200 bytes. */
function payloadOf(run: number, i: number): Uint8Array {
  const head = `${run}:${i}:`;
  const len = 20 + ((i * 7919 + run * 104_729) % 181);
  return new TextEncoder().encode(head.padEnd(Math.max(len, head.length), '.'));
}

/** The child: append under load until killed. */
async function child(dir: string, run: number): Promise<void> {
  const { journal } = await openJournal({
    dir,
    log: silentLogger(),
    nowMs: Date.now,
    segmentBytes: SEGMENT_BYTES,
  });
  const out = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  out(`open ${journal.lastSeq('telemetry')} ${journal.lastSeq('alert')}`);
  let i = 0;
  let resolved = 0;
  const one = async (): Promise<void> => {
    for (;;) {
      const n = i++;
      const lane: Lane = n % 10 === 3 ? 'alert' : 'telemetry';
      const seq = await journal.append(lane, payloadOf(run, n), Date.now());
      out(`d ${lane} ${seq} ${n}`);
      if (lane === 'telemetry' && ++resolved % 150 === 0 && seq > 100) {
        journal.ack('telemetry', seq - 100);
        out(`a telemetry ${seq - 100}`);
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, one));
}

const childDir = process.env[CHILD_ENV];
if (childDir !== undefined) {
  child(childDir, Number(process.env['ZTGW_JOURNAL_KILL9_RUN'])).catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exitCode = 1;
  });
} else {
  defineTest();
}

interface Reported {
  readonly run: number;
  readonly i: number;
}

interface Child {
  readonly proc: ChildProcess;
  readonly durable: Map<string, Reported>;
  /** Highest telemetry seq whose acknowledgement the child reported. */
  ackedMax: number;
  readonly exited: Promise<void>;
  readonly opened: Promise<string>;
  readonly stderr: string[];
  waitDurable(n: number): Promise<void>;
}

function startChild(dir: string, run: number): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', __filename], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, [CHILD_ENV]: dir, ZTGW_JOURNAL_KILL9_RUN: String(run) },
  });
  const stderr: string[] = [];
  const waiters: (() => void)[] = [];
  let isDead = false;
  let onOpen: (l: string) => void = () => undefined;
  const c: Child = {
    proc,
    durable: new Map(),
    ackedMax: 0,
    exited: new Promise<void>((resolve) => proc.once('exit', () => resolve())),
    opened: new Promise<string>((resolve) => {
      onOpen = resolve;
    }),
    stderr,
    waitDurable: (n) =>
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (c.durable.size >= n || isDead) resolve();
          else waiters.push(check);
        };
        check();
      }),
  };
  proc.stderr?.on('data', (b: Buffer) => stderr.push(b.toString('utf8')));
  if (proc.stdout !== null) {
    // Only whole lines count: a line cut by the kill never arrives complete.
    createInterface({ input: proc.stdout }).on('line', (line) => {
      const [kind, a, b, d] = line.split(' ');
      if (kind === 'open') onOpen(line);
      if (kind === 'd' && a !== undefined && b !== undefined && d !== undefined)
        c.durable.set(`${a} ${b}`, { run, i: Number(d) });
      if (kind === 'a' && b !== undefined) c.ackedMax = Math.max(c.ackedMax, Number(b));
      for (const w of waiters.splice(0)) w();
    });
  }
  void c.exited.then(() => {
    isDead = true;
    for (const w of waiters.splice(0)) w();
  });
  return c;
}

async function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what}: nothing in ${STEP_DEADLINE_MS} ms`)),
          STEP_DEADLINE_MS,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** mulberry32, so the kill moments can be replayed from SEED. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Power loss after the kill: cuts the newest telemetry segment at a random offset after the last
 * record reported durable. Returns the bytes dropped.
 */
async function dropUnsynced(dir: string, reportedMax: number, rnd: () => number): Promise<number> {
  const newest = (await readdir(join(dir, 'telemetry')))
    .filter((n) => n.endsWith('.seg'))
    .sort()
    .at(-1);
  if (newest === undefined) return 0;
  const path = join(dir, 'telemetry', newest);
  const bytes = await readFile(path);
  const scan = scanSegment(bytes, true, 1 << 20, JOURNAL_MAGIC);
  let keep = Math.min(bytes.length, 8);
  for (const f of scan.frames) {
    const h = decodeRecordHeader(f.payload);
    if (h.ok && h.seq <= reportedMax) keep = f.offset + 8 + f.payload.length;
  }
  if (bytes.length <= keep) return 0;
  const cut = keep + Math.floor(rnd() * (bytes.length - keep));
  await truncate(path, cut);
  return bytes.length - cut;
}

async function readLaneText(j: Journal, lane: Lane): Promise<Map<number, string>> {
  const held = new Map<number, string>();
  let after = 0;
  for (;;) {
    const recs = await j.read(lane, after, 5000, 1 << 30);
    const last = recs.at(-1);
    if (last === undefined) return held;
    for (const r of recs) held.set(r.seq, new TextDecoder().decode(r.payload));
    after = last.seq;
  }
}

function defineTest(): void {
  test(`SIGKILL the appender ${KILLS} times: every seq reported durable survives, none is given twice`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ztgw-journal-kill9-'));
    const rnd = seeded(SEED);
    const started = performance.now();
    let running: Child | null = null;
    const all = new Map<string, Reported>();
    const maxSeq: Record<Lane, number> = { alert: 0, audit: 0, telemetry: 0 };
    let ackedMax = 0;
    let tails = 0;
    let droppedBytes = 0;
    try {
      for (let run = 1; run <= KILLS; run++) {
        assert.ok(
          performance.now() - started < SCENARIO_DEADLINE_MS,
          `over ${SCENARIO_DEADLINE_MS} ms at run ${run}`,
        );
        const c = startChild(dir, run);
        running = c;
        const opened = await within(
          Promise.race([c.opened, c.exited.then(() => `exited: ${c.stderr.join('')}`)]),
          `run ${run} open`,
        );
        assert.match(opened, /^open \d+ \d+$/);
        await within(c.waitDurable(1 + Math.floor(rnd() * 400)), `run ${run} appends`);
        c.proc.kill('SIGKILL');
        await within(c.exited, `run ${run} exit`);
        running = null;
        assert.equal(c.stderr, [], `run ${run} wrote to stderr`);
        for (const [key, r] of c.durable) {
          assert.is(
            all.get(key),
            undefined,
            `run ${run}: ${key} was reported durable before (a seq given twice)`,
          );
          all.set(key, r);
        }
        // Seqs increase across restarts: this run's are all above every earlier run's.
        for (const lane of ['alert', 'telemetry'] as const) {
          const mine = [...c.durable.keys()]
            .filter((k) => k.startsWith(`${lane} `))
            .map((k) => Number(k.split(' ')[1]));
          if (mine.length > 0)
            assert.ok(Math.min(...mine) > maxSeq[lane], `run ${run} ${lane}: seq went back`);
          maxSeq[lane] = Math.max(maxSeq[lane], ...mine);
        }
        ackedMax = Math.max(ackedMax, c.ackedMax);
        if (run % 3 === 0) droppedBytes += await dropUnsynced(dir, maxSeq.telemetry, rnd);
        const { journal: j, report } = await openJournal({
          dir,
          log: silentLogger(),
          nowMs: Date.now,
          segmentBytes: SEGMENT_BYTES,
        });
        try {
          tails += report.tails.length;
          assert.equal(report.setAside, [], `run ${run}: nothing set aside`);
          const acked = j.ackedThrough('telemetry');
          assert.ok(
            acked <= ackedMax,
            `run ${run}: acknowledged ${acked} beyond what was acked (${ackedMax})`,
          );
          for (const lane of ['alert', 'telemetry'] as const) {
            assert.ok(
              j.lastSeq(lane) >= maxSeq[lane],
              `run ${run} ${lane}: lastSeq ${j.lastSeq(lane)} < ${maxSeq[lane]}`,
            );
            const held = await readLaneText(j, lane);
            for (const [key, r] of all) {
              const [l, s] = key.split(' ');
              const seq = Number(s);
              // Acknowledged telemetry may be deleted; everything else reported durable must be there.
              if (l !== lane || (lane === 'telemetry' && seq <= acked)) continue;
              assert.is(
                held.get(seq),
                new TextDecoder().decode(payloadOf(r.run, r.i)),
                `run ${run}: ${key} lost`,
              );
            }
          }
        } finally {
          await j.close();
        }
      }
      console.log(
        `  ${KILLS} kills, ${all.size} durable appends checked, ${tails} torn tails reported, ` +
          `${droppedBytes} unsynced bytes dropped, ${Math.round(performance.now() - started)} ms`,
      );
    } finally {
      if (running !== null) {
        running.proc.kill('SIGKILL');
        await running.exited;
      }
      await rm(dir, { recursive: true, force: true });
    }
  });

  test.run();
}
