import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlertQueue } from '../../../agent/daemon/alert-queue.js';

function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ztgw-aq-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('alerts survive a restart, one per incident id, file 0600', () =>
  withDir(async (dir) => {
    const path = join(dir, 'alerts.json');
    const q = new AlertQueue(path);
    await q.load();
    assert.is(await q.add({ id: 'sim-mismatch:1:2', atMs: 1, body: { type: 'sim.swapped' } }), true);
    assert.is(await q.add({ id: 'sim-mismatch:1:2', atMs: 2, body: { type: 'sim.swapped' } }), false);
    assert.is(statSync(path).mode & 0o777, 0o600);
    const again = new AlertQueue(path);
    await again.load();
    assert.equal(
      again.pending.map((a) => a.id),
      ['sim-mismatch:1:2'],
    );
    await again.remove('sim-mismatch:1:2');
    assert.equal(JSON.parse(readFileSync(path, 'utf8')), []);
  }));

test('bounded: the oldest go first and are counted', () =>
  withDir(async (dir) => {
    const q = new AlertQueue(join(dir, 'a.json'), 2);
    for (const id of ['a', 'b', 'c']) await q.add({ id, atMs: 0, body: {} });
    assert.equal(
      q.pending.map((a) => a.id),
      ['b', 'c'],
    );
    assert.is(q.dropped, 1);
  }));

test('a damaged file is an error the caller reports', () =>
  withDir(async (dir) => {
    const path = join(dir, 'a.json');
    writeFileSync(path, '{"not":"an array"}');
    const q = new AlertQueue(path);
    try {
      await q.load();
      assert.unreachable();
    } catch (e) {
      assert.match(String(e), /expected a JSON array/);
    }
  }));

test.run();
