import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planSpace, type SpaceRequest } from '../../../agent/audit/space-plan.js';

// Four 100-byte segments (records 1-10, 11-20, 21-30, 31-35 in the active one), quota 400.
const base: SpaceRequest = {
  segments: [
    { num: 1, sizeBytes: 100, lastSeq: 10 },
    { num: 2, sizeBytes: 100, lastSeq: 20 },
    { num: 3, sizeBytes: 100, lastSeq: 30 },
    { num: 4, sizeBytes: 90, lastSeq: 35 },
  ],
  activeNum: 4,
  ackedSeq: 0,
  quotaBytes: 400,
  reserveBytes: 50,
  needBytes: 10,
  isCritical: false,
};

test('under the quota: write, evict nothing', () => {
  assert.equal(planSpace(base), { kind: 'write', evict: [], isInReserve: false });
});

test('full with acknowledged segments: evict the oldest, only as many as needed', () => {
  assert.equal(planSpace({ ...base, needBytes: 20, ackedSeq: 35 }), {
    kind: 'write',
    evict: [1],
    isInReserve: false,
  });
  assert.equal(planSpace({ ...base, needBytes: 150, ackedSeq: 35 }), {
    kind: 'write',
    evict: [1, 2],
    isInReserve: false,
  });
});

test('a segment with an unacknowledged record is never evicted, nor anything after it', () => {
  assert.equal(planSpace({ ...base, needBytes: 150, ackedSeq: 15 }), {
    kind: 'refuse',
    usedBytes: 390,
    evictableBytes: 100,
  });
  assert.equal(planSpace({ ...base, needBytes: 20, ackedSeq: 9 }), {
    kind: 'refuse',
    usedBytes: 390,
    evictableBytes: 0,
  });
});

test('the active segment is never evicted, even when acknowledged', () => {
  const one = { ...base, segments: [{ num: 4, sizeBytes: 395, lastSeq: 35 }], ackedSeq: 35, needBytes: 10 };
  assert.equal(planSpace(one).kind, 'refuse');
  // Once it is about to be closed (rotation), the caller passes another active number.
  assert.equal(planSpace({ ...one, activeNum: -1 }), { kind: 'write', evict: [4], isInReserve: false });
});

test('nothing acknowledged: critical events go into the reserve, others are refused', () => {
  assert.equal(planSpace({ ...base, needBytes: 20 }), { kind: 'refuse', usedBytes: 390, evictableBytes: 0 });
  assert.equal(planSpace({ ...base, needBytes: 20, isCritical: true }), {
    kind: 'write',
    evict: [],
    isInReserve: true,
  });
  assert.equal(planSpace({ ...base, needBytes: 61, isCritical: true }).kind, 'refuse');
});

test.run();
