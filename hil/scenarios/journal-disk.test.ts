/**
 * The journal on a real small file system (tmpfs, mounted here; needs root): filled up, appends
 * are refused with 'disk-full' and at once while it stays full; once space is freed the journal
 * accepts again by itself, with the next seq, and nothing acknowledged or durable is lost. Then
 * the same with the file system remounted read-only ('read-only'). A refused mount fails the test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, open as openFile, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { errnoCode } from '../../agent/audit/segment-files.js';
import { type Journal, openJournal } from '../../agent/queue/index.js';
import { hasCode } from '../../modem/errors.js';
import { silentLogger } from '../../modem/log.js';

const WAIT_MS = 10_000;
const RETRY_MS = 50;
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

function sh(cmd: string, args: readonly string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Mounts a tmpfs of `size` on a new temp dir for `fn`; unmounts and removes it whatever happens. */
async function withTmpfs(size: string, fn: (mnt: string) => Promise<void>): Promise<void> {
  const mnt = await mkdtemp(join(tmpdir(), 'ztgw-journal-tmpfs-'));
  try {
    try {
      sh('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', mnt]);
    } catch (err) {
      assert.unreachable(`cannot mount a tmpfs on ${mnt} (this scenario needs root): ${String(err)}`);
    }
    try {
      await fn(mnt);
    } finally {
      try {
        sh('umount', [mnt]);
      } catch {
        // Something still holds it (a failed test's handle): detach it so the directory can go.
        sh('umount', ['-l', mnt]);
      }
    }
  } finally {
    await rmdir(mnt).catch(() => rm(mnt, { recursive: true, force: true }));
  }
}

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    return `resolved ${String(await p)}`;
  } catch (err) {
    return hasCode(err, 'JOURNAL_UNAVAILABLE') ? String(err.details['reason']) : `rejected ${String(err)}`;
  }
}

async function waitFor(what: string, check: () => boolean): Promise<void> {
  const until = performance.now() + WAIT_MS;
  while (!check()) {
    if (performance.now() > until) throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const payloadOf = (i: number): Uint8Array => new TextEncoder().encode(`reading ${i} `.padEnd(200, '#'));

async function allText(j: Journal): Promise<string[]> {
  const recs = await j.read('telemetry', 0, 100_000, 1 << 30);
  return recs.map((r) => `${r.seq}=${new TextDecoder().decode(r.payload)}`);
}

/** Fills the file system with one file until it is full; returns its path. */
async function fill(mnt: string): Promise<string> {
  const path = join(mnt, 'filler');
  const fh = await openFile(path, 'w');
  try {
    const chunk = new Uint8Array(4096).fill(0xee);
    for (let i = 0; i < 1024; i++) {
      try {
        await fh.write(chunk);
      } catch (err) {
        if (errnoCode(err) === 'ENOSPC') return path;
        throw err;
      }
    }
  } finally {
    await fh.close();
  }
  throw new Error('the tmpfs never filled up');
}

test('disk full: refused with "disk-full", at once while full; accepts again by itself when space is freed', () =>
  withTmpfs('256k', async (mnt) => {
    const dir = join(mnt, 'journal');
    const opts = { dir, log: silentLogger(), nowMs: () => T0, retryMs: RETRY_MS, segmentBytes: 16_384 };
    const { journal: j } = await openJournal(opts);
    const expected: string[] = [];
    try {
      for (let i = 1; i <= 20; i++) {
        assert.is(await j.append('telemetry', payloadOf(i), T0), i);
        expected.push(`${i}=${new TextDecoder().decode(payloadOf(i))}`);
      }
      j.ack('telemetry', 5);
      const filler = await fill(mnt);
      let refused = '';
      let i = 21;
      for (; i < 2000 && refused === ''; i++) {
        const r = await reason(j.append('telemetry', payloadOf(i), T0));
        if (r === `resolved ${i}`) expected.push(`${i}=${new TextDecoder().decode(payloadOf(i))}`);
        else refused = r;
      }
      assert.is(refused, 'disk-full');
      const refusedSeq = i - 1;
      assert.equal([j.stats().isAccepting, j.stats().notAcceptingReason], [false, 'disk-full']);
      assert.is(await reason(j.append('telemetry', payloadOf(refusedSeq), T0)), 'disk-full');
      assert.equal(await allText(j), expected, 'everything durable is still readable');
      await rm(filler);
      await waitFor('the journal to accept again', () => j.stats().isAccepting);
      assert.is(await j.append('telemetry', payloadOf(refusedSeq), T0), refusedSeq);
      expected.push(`${refusedSeq}=${new TextDecoder().decode(payloadOf(refusedSeq))}`);
    } finally {
      await j.close();
    }
    const again = await openJournal(opts);
    try {
      assert.equal(again.report.tails, []);
      assert.is(again.journal.ackedThrough('telemetry'), 5);
      assert.equal(await allText(again.journal), expected);
    } finally {
      await again.journal.close();
    }
  }));

test('read-only: refused with "read-only"; accepts again by itself after the remount read-write', () =>
  withTmpfs('1m', async (mnt) => {
    const dir = join(mnt, 'journal');
    const opts = { dir, log: silentLogger(), nowMs: () => T0, retryMs: RETRY_MS };
    const { journal: j } = await openJournal(opts);
    let isReadOnly = false;
    try {
      for (let i = 1; i <= 10; i++) assert.is(await j.append('telemetry', payloadOf(i), T0), i);
      // No descriptor is open for writing between batches, so the remount is allowed.
      sh('mount', ['-o', 'remount,ro', mnt]);
      isReadOnly = true;
      assert.is(await reason(j.append('telemetry', payloadOf(11), T0)), 'read-only');
      assert.is(await reason(j.append('alert', payloadOf(1), T0)), 'read-only');
      assert.equal([j.stats().isAccepting, j.stats().notAcceptingReason], [false, 'read-only']);
      assert.is((await allText(j)).length, 10);
      sh('mount', ['-o', 'remount,rw', mnt]);
      isReadOnly = false;
      await waitFor('the journal to accept again', () => j.stats().isAccepting);
      assert.is(await j.append('telemetry', payloadOf(11), T0), 11);
    } finally {
      if (isReadOnly) sh('mount', ['-o', 'remount,rw', mnt]);
      await j.close();
    }
    const again = await openJournal(opts);
    try {
      assert.equal(
        await allText(again.journal),
        Array.from({ length: 11 }, (_, k) => `${k + 1}=${new TextDecoder().decode(payloadOf(k + 1))}`),
      );
    } finally {
      await again.journal.close();
    }
  }));

test.run();
