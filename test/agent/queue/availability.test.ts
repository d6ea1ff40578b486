/**
 * Failed writes, with a file layer that fails on demand over real files: the reason of the
 * refusal, refusing at once while down (without touching the disk), one log line per outage, the
 * probe bringing the journal back by itself, seqs of rejected records given again, and nothing
 * left behind by a half-done write.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type JournalIo, NODE_JOURNAL_IO } from '../../../agent/queue/index.js';
import { createLogger } from '../../../modem/log.js';
import { open, readAll, refusal, T0, waitFor, withTempDir } from './journal-kit.js';

interface Fault {
  readonly code: string;
  /** 'write' (default): every write, sync and truncate fails; 'create': opening a new file fails. */
  readonly at?: 'write' | 'create';
  /** Let this many bytes of the next write through first. */
  readonly afterBytes?: number;
}

function errno(code: string): Error {
  return Object.assign(new Error(`${code}: injected`), { code });
}

/** The real file layer, failing as `fault` says while it is set. */
function faultyIo(): { io: JournalIo; set: (f: Fault | null) => void; writes: () => number } {
  let fault: Fault | null = null;
  let writes = 0;
  const io: JournalIo = {
    ...NODE_JOURNAL_IO,
    open: async (path, flags, mode) => {
      if (fault?.at === 'create' && flags === 'wx') throw errno(fault.code);
      const h = await NODE_JOURNAL_IO.open(path, flags, mode);
      return {
        write: async (data, offset, length, position) => {
          writes++;
          const f = fault;
          if (f !== null && f.at !== 'create') {
            const through = Math.min(length, f.afterBytes ?? 0);
            if (through === 0) throw errno(f.code);
            fault = { code: f.code };
            return h.write(data, offset, through, position);
          }
          return h.write(data, offset, length, position);
        },
        sync: () => (fault !== null && fault.at !== 'create' ? Promise.reject(errno(fault.code)) : h.sync()),
        close: () => h.close(),
      };
    },
    truncate: (path, len) =>
      fault !== null && fault.at !== 'create'
        ? Promise.reject(errno(fault.code))
        : NODE_JOURNAL_IO.truncate(path, len),
  };
  return { io, set: (f) => (fault = f), writes: () => writes };
}

function capturingLog() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ sink: { write: (l) => lines.push(JSON.parse(l)) }, level: 'debug' });
  return { log, msgs: (prefix: string) => lines.filter((l) => String(l['msg']).startsWith(prefix)) };
}

const rec = (i: number): Uint8Array => new Uint8Array(100).fill(i);

test('disk full: the batch is refused, later appends at once, one log line; the probe brings it back', () =>
  withTempDir(async (dir) => {
    const f = faultyIo();
    const c = capturingLog();
    const { journal: j } = await open(dir, { io: f.io, log: c.log, retryMs: 10 });
    await Promise.all(Array.from({ length: 10 }, (_, k) => j.append('telemetry', rec(k + 1), T0)));
    j.ack('telemetry', 5);
    f.set({ code: 'ENOSPC' });
    const failed = await Promise.all([11, 12, 13].map((i) => refusal(j.append('telemetry', rec(i), T0))));
    assert.equal(failed, ['disk-full', 'disk-full', 'disk-full']);
    assert.equal([j.stats().isAccepting, j.stats().notAcceptingReason], [false, 'disk-full']);
    const writes = f.writes();
    assert.is(await refusal(j.append('alert', rec(1), T0)), 'disk-full');
    assert.is(await refusal(j.append('telemetry', rec(14), T0)), 'disk-full');
    assert.is(f.writes(), writes, 'refused without touching the disk');
    assert.is(c.msgs('journal.unavailable').length, 1);
    f.set(null);
    await waitFor('the journal to accept again', () => j.stats().isAccepting);
    const back = c.msgs('journal.accepting');
    assert.equal([back.length, back[0]?.['rejected'], back[0]?.['reason']], [1, 2, 'disk-full']);
    assert.is(await j.append('telemetry', rec(11), T0), 11, 'the refused seqs are given again');
    assert.is(j.ackedThrough('telemetry'), 5);
    await j.close();
    const again = await open(dir);
    assert.equal(again.report.tails, []);
    const recs = await readAll(again.journal, 'telemetry');
    assert.equal(
      recs.map((r) => [r.seq, r.payload[0]]),
      Array.from({ length: 11 }, (_, k) => [k + 1, k + 1]),
    );
    assert.is(again.journal.ackedThrough('telemetry'), 5);
  }));

test('a write that stopped half way leaves nothing behind once the probe has cleaned up', () =>
  withTempDir(async (dir) => {
    const f = faultyIo();
    const { journal: j } = await open(dir, { io: f.io, retryMs: 10 });
    await Promise.all([1, 2].map((i) => j.append('telemetry', rec(i), T0)));
    f.set({ code: 'ENOSPC', afterBytes: 60 });
    assert.equal(await Promise.all([3, 4].map((i) => refusal(j.append('telemetry', rec(i), T0)))), [
      'disk-full',
      'disk-full',
    ]);
    const seg = join(dir, 'telemetry', '000001.seg');
    assert.is((await stat(seg)).size, 8 + 2 * 124 + 60, '60 bytes of the failed batch reached the file');
    f.set(null);
    await waitFor('the journal to accept again', () => j.stats().isAccepting);
    assert.is((await stat(seg)).size, 8 + 2 * 124, 'cut back to the durable end');
    assert.is(await j.append('telemetry', rec(3), T0), 3);
    await j.close();
    const again = await open(dir);
    assert.equal(again.report.tails, []);
    assert.equal(
      (await readAll(again.journal, 'telemetry')).map((r) => r.payload[0]),
      [1, 2, 3],
    );
  }));

test('closed while down, the half-written bytes are a torn tail at the next open', () =>
  withTempDir(async (dir) => {
    const f = faultyIo();
    const { journal: j } = await open(dir, { io: f.io, retryMs: 60_000 });
    await j.append('telemetry', rec(1), T0);
    f.set({ code: 'EIO', afterBytes: 60 });
    assert.is(await refusal(j.append('telemetry', rec(2), T0)), 'io');
    await j.close();
    const again = await open(dir);
    assert.equal(
      again.report.tails.map((t) => [t.lane, t.offset, t.bytes, t.frames]),
      [['telemetry', 8 + 124, 60, 1]],
    );
    assert.equal(
      (await readAll(again.journal, 'telemetry')).map((r) => r.seq),
      [1],
    );
  }));

test('a read-only disk is "read-only"; a batch that spans a rotation is refused whole and cleaned', () =>
  withTempDir(async (dir) => {
    const f = faultyIo();
    // No commit padding: the test counts on 30 records filling segment 1 to the byte.
    const o = { io: f.io, retryMs: 10, segmentBytes: 4096, commitAlignBytes: 0 };
    const { journal: j } = await open(dir, o);
    await Promise.all(Array.from({ length: 30 }, (_, k) => j.append('telemetry', rec(k + 1), T0)));
    // The next batch puts 2 frames in segment 1 (written, synced) and 3 in a new segment 2,
    // whose creation fails: all 5 are refused, and segment 1 is cut back.
    f.set({ code: 'EROFS', at: 'create' });
    const out = await Promise.all(
      [31, 32, 33, 34, 35].map((i) => refusal(j.append('telemetry', rec(i), T0))),
    );
    assert.equal(out, ['read-only', 'read-only', 'read-only', 'read-only', 'read-only']);
    assert.is(j.lastSeq('telemetry'), 30);
    f.set(null);
    await waitFor('the journal to accept again', () => j.stats().isAccepting);
    assert.is((await stat(join(dir, 'telemetry', '000001.seg'))).size, 8 + 30 * 124);
    assert.equal(await Promise.all([31, 32, 33].map((i) => j.append('telemetry', rec(i), T0))), [31, 32, 33]);
    await j.close();
    const again = await open(dir, { segmentBytes: 4096 });
    assert.equal(
      (await readAll(again.journal, 'telemetry')).map((r) => [r.seq, r.payload[0]]),
      Array.from({ length: 33 }, (_, k) => [k + 1, k + 1]),
    );
    assert.equal(again.report.tails, []);
  }));

test.run();
