/**
 * Commit alignment: a commit that nearly fills its last page ends with a pad frame up to the page
 * boundary, so the next commit starts on a fresh page and no page is written by two commits. Real
 * files through a file layer that records where each write landed; sizes, depths, reads, a reopen,
 * a failed write after a padded commit, and the rules that keep padding cheap.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type JournalIo, NODE_JOURNAL_IO } from '../../../agent/queue/index.js';
import { open, readAll, refusal, T0, waitFor, withTempDir } from './journal-kit.js';

const PAGE = 4096;
/** 100-byte payloads make 124-byte frames: 30 of them are 3 720 bytes, 376 short of a page. */
const PAYLOAD = 100;
const FRAME = PAYLOAD + 24;

interface Write {
  readonly path: string;
  readonly position: number;
  readonly length: number;
  /** Index of the commit (writes up to an fsync of that file) it belongs to. */
  readonly commit: number;
}

/** The real file layer, noting where each segment write landed; optionally failing fsyncs. */
function recordingIo(): { io: JournalIo; writes: Write[]; failSyncs: (on: boolean) => void } {
  const writes: Write[] = [];
  let commit = 0;
  let isFailing = false;
  const io: JournalIo = {
    ...NODE_JOURNAL_IO,
    open: async (path, flags, mode) => {
      const h = await NODE_JOURNAL_IO.open(path, flags, mode);
      return {
        write: (data, offset, length, position) => {
          if (path.endsWith('.seg')) writes.push({ path, position, length, commit });
          return h.write(data, offset, length, position);
        },
        sync: async () => {
          commit++;
          if (isFailing) throw Object.assign(new Error('EIO: injected'), { code: 'EIO' });
          await h.sync();
        },
        close: () => h.close(),
      };
    },
    truncate: (path, len) =>
      isFailing ? Promise.reject(new Error('EIO: injected')) : NODE_JOURNAL_IO.truncate(path, len),
  };
  return { io, writes, failSyncs: (on) => (isFailing = on) };
}

const rec = (i: number): Uint8Array => new Uint8Array(PAYLOAD).fill(i & 0xff);

/** One commit of `n` records (all appended at once, so one batch). */
const round = (
  j: { append: (l: 'telemetry', p: Uint8Array, t: number) => Promise<number> },
  from: number,
  n = 30,
) => Promise.all(Array.from({ length: n }, (_, k) => j.append('telemetry', rec(from + k), T0)));

/** Pages (file, page index) each commit wrote. */
function pagesByCommit(writes: readonly Write[]): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (const w of writes) {
    const pages = out.get(w.commit) ?? new Set<string>();
    for (let p = Math.floor(w.position / PAGE); p * PAGE < w.position + w.length; p++)
      pages.add(`${w.path}#${p}`);
    out.set(w.commit, pages);
  }
  return out;
}

test('commits of 30 records end on page boundaries: no page is written twice; depth, reads, reopen exact', () =>
  withTempDir(async (dir) => {
    const r = recordingIo();
    const { journal: j } = await open(dir, { io: r.io, groupCommitMs: 1 });
    for (let i = 0; i < 20; i++) await round(j, i * 30 + 1);
    const seg = join(dir, 'telemetry', '000001.seg');
    assert.is((await stat(seg)).size, 20 * PAGE);
    const seen = new Map<string, number>();
    for (const [c, pages] of pagesByCommit(r.writes)) {
      for (const p of pages) {
        assert.is(seen.get(p), undefined, `page ${p} written by commits ${seen.get(p)} and ${c}`);
        seen.set(p, c);
      }
    }
    assert.is(seen.size, 20);
    const s = j.stats();
    assert.is(s.lanes.telemetry.depthBytes, 600 * PAYLOAD);
    assert.is(s.diskBytes, 20 * PAGE);
    const all = await readAll(j, 'telemetry', 0, 7);
    assert.equal(
      all.map((x) => [x.seq, x.payload.length, x.payload[0]]),
      Array.from({ length: 600 }, (_, k) => [k + 1, PAYLOAD, (k + 1) & 0xff]),
    );
    j.ack('telemetry', 300);
    assert.is(j.stats().lanes.telemetry.depthBytes, 300 * PAYLOAD);
    await j.close();

    const again = await open(dir, { io: r.io, groupCommitMs: 1 });
    assert.equal(again.report.tails, []);
    assert.is(again.journal.stats().lanes.telemetry.depthBytes, 300 * PAYLOAD);
    assert.is((await readAll(again.journal, 'telemetry', 300)).length, 300);
    const before = r.writes.length;
    assert.equal(
      await round(again.journal, 601),
      Array.from({ length: 30 }, (_, k) => 601 + k),
    );
    assert.is(r.writes[before]?.position, 20 * PAGE, 'the next commit starts after the last pad');
    assert.is((await stat(seg)).size, 21 * PAGE);
  }));

test('a commit small for its page is not padded; commitAlignBytes 0 never pads', () =>
  withTempDir(async (dir) => {
    const { journal: j } = await open(join(dir, 'a'), { groupCommitMs: 1 });
    await round(j, 1, 1);
    // 3 964 bytes of pad for a 124-byte commit would be 32 times its size.
    assert.is((await stat(join(dir, 'a', 'telemetry', '000001.seg'))).size, 8 + FRAME);
    const { journal: k } = await open(join(dir, 'b'), { groupCommitMs: 1, commitAlignBytes: 0 });
    for (let i = 0; i < 5; i++) await round(k, i * 30 + 1);
    assert.is((await stat(join(dir, 'b', 'telemetry', '000001.seg'))).size, 8 + 150 * FRAME);
  }));

test('past half the cap commits are not padded: an outage backlog keeps its room', () =>
  withTempDir(async (dir) => {
    const { journal: j } = await open(dir, { groupCommitMs: 1, maxBytes: 16_384, segmentBytes: 4096 });
    for (let i = 0; i < 3; i++) await round(j, i * 30 + 1);
    const sizes = await Promise.all(
      ['000001', '000002', '000003'].map(async (n) => (await stat(join(dir, 'telemetry', `${n}.seg`))).size),
    );
    // Rounds 1 and 2 end at 4 096 and 8 192 bytes held (half of 16 384): padded. Round 3 is not.
    assert.equal(sizes, [PAGE, PAGE, 8 + 30 * FRAME]);
  }));

test('a failed write after a padded commit is cut back to the pad; writing goes on aligned', () =>
  withTempDir(async (dir) => {
    const r = recordingIo();
    const { journal: j } = await open(dir, { io: r.io, groupCommitMs: 1, retryMs: 10 });
    await round(j, 1);
    r.failSyncs(true);
    const refused = await Promise.all(
      Array.from({ length: 30 }, (_, k) => refusal(j.append('telemetry', rec(31 + k), T0))),
    );
    assert.equal([...new Set(refused)], ['io']);
    r.failSyncs(false);
    await waitFor('the journal to accept again', () => j.stats().isAccepting);
    const seg = join(dir, 'telemetry', '000001.seg');
    assert.is((await stat(seg)).size, PAGE);
    assert.equal(
      await round(j, 31),
      Array.from({ length: 30 }, (_, k) => 31 + k),
    );
    assert.is((await stat(seg)).size, 2 * PAGE);
    await j.close();
    const again = await open(dir);
    assert.equal(again.report.tails, []);
    assert.equal(
      (await readAll(again.journal, 'telemetry')).map((x) => x.payload[0]),
      Array.from({ length: 60 }, (_, k) => k + 1),
    );
  }));

test('commitAlignBytes must be 0 or a power of two from 512 to 4096', () =>
  withTempDir(async (dir) => {
    for (const bad of [1000, 256, 8192]) {
      await open(dir, { commitAlignBytes: bad }).then(
        () => assert.unreachable(`${bad} accepted`),
        (err: unknown) => assert.match(String(err), /commitAlignBytes/),
      );
    }
  }));

test.run();
