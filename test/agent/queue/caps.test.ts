/**
 * The cap and the age limit: the pure rules (what goes first, what never goes) and the journal
 * applying them, with exact counters. Sizes: 100-byte payloads are 124-byte frames, 32 to a
 * 4096-byte segment (8-byte header + 32 × 124 = 3976 bytes).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Journal, Lane } from '../../../agent/queue/index.js';
import { planAge, planSpace, type SegmentView } from '../../../agent/queue/space-plan.js';
import { open, readAll, refusal, T0, withTempDir } from './journal-kit.js';

const view = (
  lane: SegmentView['lane'],
  num: number,
  lastSeq: number,
  more: Partial<SegmentView> = {},
): SegmentView => ({
  lane,
  num,
  bytes: 1000,
  lastSeq,
  maxAtMs: T0,
  isBusy: false,
  ...more,
});

test('planSpace: acknowledged segments of any lane first, then the oldest telemetry, never a busy one', () => {
  const segments = {
    alert: [view('alert', 1, 10), view('alert', 2, 20)],
    audit: [view('audit', 1, 5)],
    telemetry: [
      view('telemetry', 1, 100),
      view('telemetry', 2, 200),
      view('telemetry', 3, 300, { isBusy: true }),
    ],
  };
  const ackedThrough = { alert: 10, audit: 0, telemetry: 0 };
  const req = { segments, ackedThrough, usedBytes: 6000, maxBytes: 6000 };
  assert.equal(planSpace({ ...req, needBytes: 0 }), { evict: [], fits: true });
  assert.equal(
    planSpace({ ...req, needBytes: 500 }).evict.map((v) => `${v.lane}/${v.num}`),
    ['alert/1'],
  );
  assert.equal(
    planSpace({ ...req, needBytes: 2500 }).evict.map((v) => `${v.lane}/${v.num}`),
    ['alert/1', 'telemetry/1', 'telemetry/2'],
  );
  const refused = planSpace({ ...req, needBytes: 3500 });
  assert.is(refused.fits, false, 'unacknowledged alert/audit and a busy segment are kept');
});

test('planAge: the oldest telemetry segments whose every record is too old, stopping at the first that is not', () => {
  const tele = [
    view('telemetry', 1, 1, { maxAtMs: T0 - 10_000 }),
    view('telemetry', 2, 2, { maxAtMs: T0 - 5000 }),
    view('telemetry', 3, 3, { maxAtMs: T0 - 100 }),
    view('telemetry', 4, 4, { maxAtMs: T0 - 9000 }),
  ];
  assert.equal(
    planAge(tele, T0, 1000).map((v) => v.num),
    [1, 2],
  );
  assert.equal(planAge(tele, T0, 20_000), []);
});

/** `n` appends of 100-byte payloads to `lane`, in order; their seqs. */
const fill = (j: Journal, lane: Lane, n: number): Promise<number[]> =>
  Promise.all(Array.from({ length: n }, () => j.append(lane, new Uint8Array(100), T0)));

test('over the cap the oldest telemetry segment goes, counted exactly; alerts stay', () =>
  withTempDir(async (dir) => {
    const { journal: j } = await open(dir, { segmentBytes: 4096, maxBytes: 16384 });
    await fill(j, 'alert', 10);
    // Alerts take 8 + 10 × 124 = 1248 bytes; 121 telemetry records fit beside them:
    // 1248 + 3 × 3976 + (8 + 25 × 124) = 16 284, and one more frame would make 16 408.
    await fill(j, 'telemetry', 121);
    assert.is(j.stats().lanes.telemetry.evicted, 0);
    assert.is(await j.append('telemetry', new Uint8Array(100), T0), 122);
    const s = j.stats();
    assert.equal(
      [s.lanes.telemetry.evicted, s.lanes.telemetry.evictedBytes, s.lanes.telemetry.segments],
      [32, 3200, 3],
    );
    assert.equal([s.lanes.alert.evicted, s.lanes.alert.depthRecords], [0, 10]);
    const left = await readAll(j, 'telemetry');
    assert.equal([left[0]?.seq, left.at(-1)?.seq, left.length], [33, 122, 90]);
    assert.is(s.lanes.telemetry.depthRecords, 90);
    assert.is(s.lanes.telemetry.depthBytes, 9000);
    await j.close();
    assert.equal(await readdir(join(dir, 'telemetry')), ['000002.seg', '000003.seg', '000004.seg']);
  }));

test('acknowledged records are not counted as evicted; the unacknowledged rest of a segment is', () =>
  withTempDir(async (dir) => {
    const { journal: j } = await open(dir, { segmentBytes: 4096, maxBytes: 16384, cursorFlushMs: 3_600_000 });
    await fill(j, 'telemetry', 128);
    j.ack('telemetry', 40);
    // Segment 1 (1..32) left on the ack, freeing 3976 bytes: 35 more fit, the 36th evicts
    // segment 2 (33..64), of which 41..64 were never acknowledged.
    await fill(j, 'telemetry', 35);
    assert.is(j.stats().lanes.telemetry.evicted, 0);
    await fill(j, 'telemetry', 1);
    const t = j.stats().lanes.telemetry;
    assert.equal([t.evicted, t.evictedBytes, t.acked, t.lastSeq], [24, 2400, 40, 164]);
  }));

test('when unacknowledged alerts alone fill the cap, appends are refused with "full" until acked', () =>
  withTempDir(async (dir) => {
    const { journal: j } = await open(dir, { segmentBytes: 4096, maxBytes: 16384 });
    // 4 full segments (15 904) and 3 in a fifth (+ 380) = 16 284 bytes.
    assert.is((await fill(j, 'alert', 131)).at(-1), 131);
    assert.is(await refusal(j.append('alert', new Uint8Array(100), T0)), 'full');
    assert.is(await refusal(j.append('telemetry', new Uint8Array(100), T0)), 'full');
    assert.is(await refusal(j.append('audit', new Uint8Array(100), T0)), 'full');
    assert.equal([j.stats().lanes.alert.evicted, j.stats().isAccepting], [0, true]);
    j.ack('alert', 32);
    assert.is(await j.append('alert', new Uint8Array(100), T0), 132);
    assert.is(await j.append('telemetry', new Uint8Array(100), T0), 1);
    assert.is((await readAll(j, 'alert')).length, 100);
  }));

test('telemetry older than maxAgeMs goes by whole segments when a segment is started or read', () =>
  withTempDir(async (dir) => {
    let nowMs = T0;
    const { journal: j } = await open(dir, { segmentBytes: 4096, maxAgeMs: 60_000, nowMs: () => nowMs });
    await Promise.all(
      Array.from({ length: 64 }, (_, k) => j.append('telemetry', new Uint8Array(100), T0 + k)),
    );
    nowMs = T0 + 60_000 + 31;
    // Segment 1's newest record (T0 + 31) is now exactly 60 000 ms old: not older, kept.
    assert.is((await j.read('telemetry', 0, 1, 1 << 20))[0]?.seq, 1);
    nowMs = T0 + 60_000 + 32;
    assert.is((await j.read('telemetry', 0, 1, 1 << 20))[0]?.seq, 33);
    assert.equal([j.stats().lanes.telemetry.evicted, j.stats().lanes.telemetry.evictedBytes], [32, 3200]);
    await Promise.all(Array.from({ length: 40 }, () => j.append('telemetry', new Uint8Array(100), nowMs)));
    nowMs = T0 + 60_000 + 64;
    // The next segment started is when segment 2 (…T0 + 63) is found too old.
    await Promise.all(Array.from({ length: 40 }, () => j.append('telemetry', new Uint8Array(100), nowMs)));
    assert.equal(j.stats().lanes.telemetry.evicted, 64);
    assert.is((await readAll(j, 'telemetry'))[0]?.seq, 65);
  }));

test.run();
