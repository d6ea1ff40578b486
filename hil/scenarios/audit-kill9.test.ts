/**
 * kill -9 against the audit store: a writer process appends in a loop and is SIGKILLed at random
 * moments, at least 30 times. After each kill the log is reopened here: it must verify end to end,
 * with a cut tail (detected and reported at open) as the only allowed difference, and every append
 * the writer reported durable must be there with its content.
 *
 * A kill alone rarely tears a frame (the page cache keeps every completed write), so every other
 * run also simulates the power loss that follows: the bytes after the last append reported
 * durable (written, maybe not yet fsynced) are cut at a random offset.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readAuditSegments } from '../../agent/audit/dir-reader.js';
import { SEGMENT_HEADER_BYTES, scanSegment } from '../../agent/audit/frame.js';
import { decodeRecord } from '../../agent/audit/record.js';
import { listSegments } from '../../agent/audit/segment-files.js';
import { openAuditLog } from '../../agent/audit/store.js';
import { verifySegments } from '../../agent/audit/verify-segments.js';
import { silentLogger } from '../../modem/log.js';

const KILLS = 30;
/** Whole scenario bound. */
const SCENARIO_DEADLINE_MS = 240_000;
/** Bound on any one wait for the writer. */
const STEP_DEADLINE_MS = 20_000;
const WRITER = join(__dirname, 'fixtures', 'audit-writer.ts');

interface Writer {
  readonly child: ChildProcess;
  readonly durable: Map<number, string>;
  readonly exited: Promise<void>;
  /** Resolves when at least `n` durable lines arrived (or the writer died). */
  waitDurable(n: number): Promise<void>;
  readonly openLine: Promise<string>;
  readonly stderr: string[];
}

function startWriter(dir: string, run: number): Writer {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, String(run)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const durable = new Map<number, string>();
  const stderr: string[] = [];
  const waiters: (() => void)[] = [];
  let resolveOpen: (l: string) => void = () => undefined;
  const openLine = new Promise<string>((resolve) => {
    resolveOpen = resolve;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr?.on('data', (b: Buffer) => stderr.push(b.toString('utf8')));
  if (child.stdout !== null) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [kind, a, b, c] = line.split(' ');
      if (kind === 'open') resolveOpen(line);
      // Only whole lines count: a line cut by the kill never reaches here complete.
      if (kind === 'durable' && a !== undefined && b !== undefined && c !== undefined)
        durable.set(Number(a), `${b}:${c}`);
      for (const w of waiters.splice(0)) w();
    });
  }
  void exited.then(() => {
    for (const w of waiters.splice(0)) w();
  });
  let isDead = false;
  void exited.then(() => {
    isDead = true;
  });
  return {
    child,
    durable,
    exited,
    openLine,
    stderr,
    waitDurable: (n) =>
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (durable.size >= n || isDead) resolve();
          else waiters.push(check);
        };
        check();
      }),
  };
}

/**
 * Power loss after the kill: cuts the newest segment at a random offset past the end of the last
 * record reported durable. Returns the bytes dropped (0 when nothing unsynced was there).
 */
async function dropUnsyncedTail(auditDir: string, maxDurableSeq: number): Promise<number> {
  const newest = (await listSegments(auditDir)).at(-1);
  const seg = (await readAuditSegments(auditDir)).at(-1);
  if (newest === undefined || seg === undefined) return 0;
  const scan = scanSegment(seg.bytes, true, 64 * 1024);
  let keep = 1;
  for (const f of scan.frames) {
    const r = decodeRecord(f.payload);
    if (r.ok && r.value.seq <= maxDurableSeq) keep = f.offset + 8 + f.payload.length;
  }
  if (scan.frames.length > 0 && keep === 1) keep = SEGMENT_HEADER_BYTES;
  const size = seg.bytes.length;
  if (size <= keep) return 0;
  const cut = keep + Math.floor(Math.random() * (size - keep));
  await truncate(newest.path, cut);
  return size - cut;
}

async function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what}: no answer in ${STEP_DEADLINE_MS} ms`)),
          STEP_DEADLINE_MS,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

test(`SIGKILL the writer ${KILLS} times: the log verifies, only a cut tail may differ, nothing durable is lost`, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ztgw-audit-kill9-'));
  const started = Date.now();
  let writer: Writer | null = null;
  const expected = new Map<number, string>();
  let tailsCut = 0;
  let dropped = 0;
  try {
    for (let run = 1; run <= KILLS; run++) {
      assert.ok(
        Date.now() - started < SCENARIO_DEADLINE_MS,
        `scenario over ${SCENARIO_DEADLINE_MS} ms at run ${run}`,
      );
      const w = startWriter(dir, run);
      writer = w;
      const opened = await within(
        Promise.race([w.openLine, w.exited.then(() => `exited: ${w.stderr.join('')}`)]),
        `writer ${run} open`,
      );
      assert.match(opened, /^open \d+ /);
      // A random moment: after 1..300 durable appends, plus up to 15 ms more.
      await within(w.waitDurable(1 + Math.floor(Math.random() * 300)), `writer ${run} appends`);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 15)));
      w.child.kill('SIGKILL');
      await within(w.exited, `writer ${run} exit`);
      writer = null;
      assert.equal(w.stderr, [], `writer ${run} wrote to stderr`);
      for (const [seq, what] of w.durable) expected.set(seq, what);
      if (run % 2 === 0)
        dropped += await dropUnsyncedTail(join(dir, 'audit'), Math.max(0, ...expected.keys()));

      const log = await openAuditLog({
        dir: join(dir, 'audit'),
        keysDir: join(dir, 'keys'),
        log: silentLogger(),
        isCheckpointOnClose: false,
      });
      try {
        if (log.tailCut !== null) {
          tailsCut++;
          assert.ok(log.tailCut.lostBytes > 0, JSON.stringify(log.tailCut));
          // The cut is reported in the log itself, right after the last record kept.
          assert.is(log.tailCut.recordSeq, log.tailCut.lastSeq + 1);
        }
        const v = verifySegments(await readAuditSegments(join(dir, 'audit')), { publicKey: log.publicKey });
        assert.is(v.ok, true, `run ${run}: ${v.problem?.message}`);
        assert.is(v.lastSeq, log.head().seq);
        // Every append the writer saw resolve is there, with what it wrote.
        const found = new Map<number, string>();
        for await (const r of log.records()) {
          const d = r.data;
          if (r.ev === 'admin.action' && d !== undefined) found.set(r.seq, `${d['run']}:${d['i']}`);
        }
        for (const [seq, what] of expected)
          assert.is(found.get(seq), what, `run ${run}: durable seq ${seq} lost`);
      } finally {
        await log.close();
      }
    }
    console.log(
      `  ${KILLS} kills, ${expected.size} durable appends checked, ${dropped} unsynced bytes dropped, ` +
        `${tailsCut} torn tails cut and reported`,
    );
  } finally {
    if (writer !== null) {
      writer.child.kill('SIGKILL');
      await writer.exited;
    }
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
