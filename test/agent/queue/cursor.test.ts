/**
 * The acknowledgement cursor: its file format, persistence across reopen, coalescing of many acks
 * into one write, deletion of wholly-acknowledged segments only after the cursor is durable, a
 * damaged cursor (start again from the oldest record), and seqs that survive every segment going.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeCursor, parseCursor } from '../../../agent/queue/cursor.js';
import { CURSOR_FILE } from '../../../agent/queue/index.js';
import { open, readAll, T0, waitFor, withTempDir } from './journal-kit.js';

const cursorText = (tele: [number, number], alert: [number, number] = [0, 0]): string =>
  encodeCursor({
    alert: { ackedThrough: alert[0], lastSeq: alert[1] },
    audit: { ackedThrough: 0, lastSeq: 0 },
    telemetry: { ackedThrough: tele[0], lastSeq: tele[1] },
  });

test('parseCursor reads its own output and names what is wrong with anything else', () => {
  const text = cursorText([3, 9], [1, 2]);
  assert.is(
    text,
    '{"v":1,"lanes":{"alert":{"ackedThrough":1,"lastSeq":2},"audit":{"ackedThrough":0,"lastSeq":0},"telemetry":{"ackedThrough":3,"lastSeq":9}}}',
  );
  assert.equal(parseCursor(text), {
    kind: 'ok',
    cursor: {
      alert: { ackedThrough: 1, lastSeq: 2 },
      audit: { ackedThrough: 0, lastSeq: 0 },
      telemetry: { ackedThrough: 3, lastSeq: 9 },
    },
  });
  assert.equal(parseCursor('{"v":1,"lanes":{"audit":'), { kind: 'damaged', why: 'not JSON' });
  assert.equal(parseCursor('{"v":2,"lanes":{}}'), { kind: 'damaged', why: 'unknown version 2' });
  assert.equal(parseCursor('{"v":1,"lanes":{"alert":{"ackedThrough":5,"lastSeq":4}}}'), {
    kind: 'damaged',
    why: 'lane alert: bad ackedThrough/lastSeq',
  });
  assert.equal(parseCursor('{"v":1,"lanes":{"alert":{"ackedThrough":-1,"lastSeq":4}}}').kind, 'damaged');
});

test('a thousand acks cost no write until the interval; close writes once; reopen restores it', () =>
  withTempDir(async (dir) => {
    const { journal: j } = await open(dir, { cursorFlushMs: 3_600_000 });
    await Promise.all(
      Array.from({ length: 1000 }, (_, k) => j.append('telemetry', Uint8Array.of(k & 255), T0)),
    );
    for (let s = 1; s <= 1000; s++) j.ack('telemetry', s);
    assert.is(j.stats().cursorWrites, 0);
    assert.equal(await readdir(dir).then((n) => n.includes(CURSOR_FILE)), false);
    await j.close();
    assert.is(j.stats().cursorWrites, 1);
    assert.is(await readFile(join(dir, CURSOR_FILE), 'utf8'), cursorText([1000, 1000]));
    const again = await open(dir);
    assert.is(again.journal.ackedThrough('telemetry'), 1000);
    assert.is(again.journal.stats().lanes.telemetry.depthRecords, 0);
    await again.journal.close();
  }));

test('acks in one burst become one write within cursorFlushMs', () =>
  withTempDir(async (dir) => {
    const { journal: j } = await open(dir, { cursorFlushMs: 20 });
    await Promise.all(Array.from({ length: 50 }, (_, k) => j.append('alert', Uint8Array.of(k), T0)));
    for (let s = 1; s <= 50; s++) j.ack('alert', s);
    await waitFor('the cursor on disk', async () =>
      readFile(join(dir, CURSOR_FILE), 'utf8').then(
        (t) => t === cursorText([0, 0], [50, 50]),
        () => false,
      ),
    );
    assert.is(j.stats().cursorWrites, 1);
    await j.close();
  }));

test('wholly-acknowledged sealed segments are deleted once the cursor is written; the newest stays', () =>
  withTempDir(async (dir) => {
    const { journal: j } = await open(dir, { segmentBytes: 4096, cursorFlushMs: 3_600_000 });
    // 100-byte payloads: 124-byte frames, 32 per 4096-byte segment.
    await Promise.all(Array.from({ length: 100 }, () => j.append('telemetry', new Uint8Array(100), T0)));
    const tdir = join(dir, 'telemetry');
    assert.equal(await readdir(tdir), ['000001.seg', '000002.seg', '000003.seg', '000004.seg']);
    j.ack('telemetry', 70);
    assert.is(j.stats().lanes.telemetry.segments, 2, 'segments 1 and 2 (seq 1..64) left the journal');
    assert.equal(await readdir(tdir), ['000001.seg', '000002.seg', '000003.seg', '000004.seg']);
    assert.is(j.stats().diskBytes, 4 * 8 + 100 * 124, 'still on disk until the cursor is');
    await j.close();
    assert.equal(await readdir(tdir), ['000003.seg', '000004.seg']);
    const again = await open(dir);
    assert.equal(again.report.lanes.telemetry, { lastSeq: 100, ackedThrough: 70, records: 36, segments: 2 });
    again.journal.ack('telemetry', 100);
    assert.is(again.journal.stats().lanes.telemetry.segments, 1, 'the newest segment stays');
    await again.journal.close();
    assert.equal(await readdir(tdir), ['000004.seg']);
  }));

test('a damaged cursor restarts every lane from its oldest record', () =>
  withTempDir(async (dir) => {
    const { journal: j } = await open(dir);
    await Promise.all([1, 2, 3].map((i) => j.append('telemetry', Uint8Array.of(i), T0)));
    j.ack('telemetry', 2);
    await j.close();
    await writeFile(join(dir, CURSOR_FILE), '{"v":1,"lanes":{"tele');
    const again = await open(dir);
    assert.is(again.report.cursor, 'damaged');
    assert.equal(again.report.lanes.telemetry, { lastSeq: 3, ackedThrough: 0, records: 3, segments: 1 });
    assert.equal(
      (await readAll(again.journal, 'telemetry')).map((r) => r.seq),
      [1, 2, 3],
    );
    assert.is(await again.journal.append('telemetry', Uint8Array.of(4), T0), 4);
    await again.journal.close();
  }));

test('seqs survive every segment of a lane being deleted (the cursor holds lastSeq)', () =>
  withTempDir(async (dir) => {
    let nowMs = T0;
    const { journal: j } = await open(dir, { nowMs: () => nowMs, maxAgeMs: 1000 });
    await Promise.all([1, 2, 3].map((i) => j.append('telemetry', Uint8Array.of(i), T0)));
    nowMs = T0 + 5000;
    assert.equal(await j.read('telemetry', 0, 10, 1000), [], 'all three aged out');
    assert.is(j.stats().lanes.telemetry.evicted, 3);
    await j.close();
    assert.equal(await readdir(join(dir, 'telemetry')), []);
    const again = await open(dir, { nowMs: () => nowMs });
    assert.equal(again.report.lanes.telemetry, { lastSeq: 3, ackedThrough: 0, records: 0, segments: 0 });
    assert.is(await again.journal.append('telemetry', Uint8Array.of(4), nowMs), 4);
    await again.journal.close();
  }));

test.run();
