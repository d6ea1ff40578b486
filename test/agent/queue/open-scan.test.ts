/**
 * Opening over damaged files: a torn tail is cut and reported, a torn segment creation is a tail
 * too, a damaged segment is set aside and the journal keeps going, seqs never go back.
 */
import { appendFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { JOURNAL_MAGIC } from '../../../agent/queue/index.js';
import { newFrame, sealFrame } from '../../../agent/queue/journal-record.js';
import { open, readAll, T0, withTempDir } from './journal-kit.js';

/** 100-byte payloads: 124-byte frames, 32 to a 4096-byte segment. */
async function seeded(dir: string, n: number): Promise<void> {
  const { journal: j } = await open(dir, { segmentBytes: 4096 });
  await Promise.all(
    Array.from({ length: n }, (_, k) => j.append('telemetry', new Uint8Array(100).fill(k), T0 + k)),
  );
  await j.close();
}

test('a torn tail is cut, reported with lane, bytes and frames, and its seq given again', () =>
  withTempDir(async (dir) => {
    await seeded(dir, 40);
    const seg = join(dir, 'telemetry', '000002.seg');
    const next = newFrame(new Uint8Array(100), T0);
    sealFrame(next, 41);
    await appendFile(seg, next.subarray(0, 50));
    const { journal: j, report } = await open(dir, { segmentBytes: 4096 });
    assert.equal(report.tails, [
      {
        lane: 'telemetry',
        segment: '000002.seg',
        offset: 8 + 8 * 124,
        bytes: 50,
        frames: 1,
        why: `partial frame at offset ${8 + 8 * 124}`,
      },
    ]);
    assert.equal(report.setAside, []);
    assert.is((await stat(seg)).size, 8 + 8 * 124);
    assert.is(await j.append('telemetry', new Uint8Array(100), T0), 41);
    assert.equal(
      (await readAll(j, 'telemetry')).map((r) => r.seq),
      Array.from({ length: 41 }, (_, k) => k + 1),
    );
  }));

test('a newest segment whose header was never fully written is a torn tail at offset 0', () =>
  withTempDir(async (dir) => {
    await seeded(dir, 32);
    await writeFile(join(dir, 'telemetry', '000002.seg'), Uint8Array.of(0x5a, 0x54, 0, 0, 0, 0, 0, 0, 9, 9));
    const { journal: j, report } = await open(dir, { segmentBytes: 4096 });
    assert.equal(report.tails, [
      {
        lane: 'telemetry',
        segment: '000002.seg',
        offset: 0,
        bytes: 10,
        frames: 0,
        why: 'torn segment header (bad segment header)',
      },
    ]);
    assert.is(await j.append('telemetry', new Uint8Array(100), T0), 33);
    await j.close();
    const bytes = await readFile(join(dir, 'telemetry', '000002.seg'));
    assert.equal([...bytes.subarray(0, 8)], [...JOURNAL_MAGIC]);
    assert.is(bytes.length, 8 + 124);
  }));

test('a damaged older segment is set aside and reported; the rest is read and seqs go on', () =>
  withTempDir(async (dir) => {
    await seeded(dir, 80);
    const path = join(dir, 'telemetry', '000001.seg');
    const bytes = await readFile(path);
    bytes[8 + 124 * 3 + 30] = (bytes[8 + 124 * 3 + 30] ?? 0) ^ 0xff;
    await writeFile(path, bytes);
    const { journal: j, report } = await open(dir, { segmentBytes: 4096 });
    assert.equal(report.setAside, [
      {
        lane: 'telemetry',
        segment: '000001.seg',
        movedTo: '000001.seg.corrupt',
        why: `CRC mismatch at offset ${8 + 124 * 3}`,
      },
    ]);
    assert.equal(report.tails, []);
    assert.equal(report.lanes.telemetry, { lastSeq: 80, ackedThrough: 0, records: 48, segments: 2 });
    assert.equal(await readdir(join(dir, 'telemetry')), ['000001.seg.corrupt', '000002.seg', '000003.seg']);
    const recs = await readAll(j, 'telemetry');
    assert.equal([recs[0]?.seq, recs.length, recs[0]?.payload[0]], [33, 48, 32]);
    assert.is(await j.append('telemetry', new Uint8Array(100), T0), 81);
  }));

test('a damaged newest segment is set aside; new records go to a new segment after the last seq', () =>
  withTempDir(async (dir) => {
    await seeded(dir, 40);
    const path = join(dir, 'telemetry', '000002.seg');
    const bytes = await readFile(path);
    bytes[8 + 20] = (bytes[8 + 20] ?? 0) ^ 0x01;
    await writeFile(path, bytes);
    const { journal: j, report } = await open(dir, { segmentBytes: 4096 });
    assert.equal(
      report.setAside.map((s) => [s.segment, s.movedTo, s.why]),
      [['000002.seg', '000002.seg.corrupt', 'CRC mismatch at offset 8']],
    );
    assert.equal(report.lanes.telemetry.lastSeq, 40, 'the cursor written at close keeps the seq');
    assert.is(await j.append('telemetry', new Uint8Array(100), T0), 41);
    await j.close();
    assert.equal(await readdir(join(dir, 'telemetry')), ['000001.seg', '000002.seg.corrupt', '000003.seg']);
    const again = await open(dir, { segmentBytes: 4096 });
    const recs = await readAll(again.journal, 'telemetry');
    assert.equal(
      recs.map((r) => r.seq),
      [...Array.from({ length: 32 }, (_, k) => k + 1), 41],
    );
  }));

test('other files in the lane directories are left alone', () =>
  withTempDir(async (dir) => {
    await seeded(dir, 3);
    await writeFile(join(dir, 'telemetry', 'notes.txt'), 'hello');
    const { journal: j, report } = await open(dir);
    assert.equal([report.tails, report.setAside, report.lanes.telemetry.records], [[], [], 3]);
    await j.close();
    assert.is(await readFile(join(dir, 'telemetry', 'notes.txt'), 'utf8'), 'hello');
  }));

test.run();
