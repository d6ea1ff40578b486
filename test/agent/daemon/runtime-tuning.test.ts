import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  LAUNCH_ENV,
  LAUNCH_NODE_FLAGS,
  semiSpaceMiB,
  tuneHeapForGateway,
} from '../../../agent/daemon/runtime-tuning.js';
import { launcherScript } from '../../../hil/package/write-launcher.js';

test('the semi-space limit is read from node flags or NODE_OPTIONS, either spelling, the last one winning', () => {
  assert.is(semiSpaceMiB([]), null);
  assert.is(semiSpaceMiB(['--max-semi-space-size=4']), 4);
  assert.is(semiSpaceMiB(['--max_semi_space_size=2', '--inspect', '--max-semi-space-size=8']), 8);
  assert.is(semiSpaceMiB(['--max-semi-space-size']), null);
  assert.equal(tuneHeapForGateway([], { NODE_OPTIONS: '--max-semi-space-size=4', MALLOC_ARENA_MAX: '1' }), {
    heapGrowingPercent: 10,
    maxSemiSpaceMiB: 4,
    mallocArenaMax: '1',
  });
  assert.equal(tuneHeapForGateway([], {}), {
    heapGrowingPercent: 10,
    maxSemiSpaceMiB: null,
    mallocArenaMax: null,
  });
});

test('the launcher exports the environment (an operator value wins) and passes the node flags', () => {
  const s = launcherScript();
  assert.ok(s.startsWith('#!/bin/sh\n'));
  for (const [k, v] of Object.entries(LAUNCH_ENV)) assert.ok(s.includes(`export ${k}="\${${k}:-${v}}"\n`), k);
  assert.match(s, new RegExp(`\\nexec node ${LAUNCH_NODE_FLAGS.join(' ')} "\\$\\(dirname `));
  assert.match(s, /\/js\/agent\/main\.js" "\$@"\n$/);
});

test.run();
