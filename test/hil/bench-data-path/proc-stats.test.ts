/**
 * The /proc readers: fields from captured lines (a command name with spaces and parentheses
 * included), refusals that name what is missing, and one real sample of this process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  clockTicksPerS,
  parseIo,
  parseStat,
  parseStatusKiB,
  sampleAnonPeak,
  sampleProc,
} from '../../../hil/bench/data-path/proc-stats.js';

// /proc/<pid>/stat of a mosquitto, captured on Debian 12 (kernel 6.1), with a comm edited to hold
// a space and a ')' the way a process may name itself.
const STAT =
  '4242 (mosq uitto)) S 4200 4242 4200 0 -1 4194560 1031 0 0 0 123 45 0 0 20 0 1 0 884211 12161024 2741 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0';

test('parseStat reads utime and stime after the last ")"', () => {
  assert.equal(parseStat(STAT), { ok: true, value: { utimeTicks: 123, stimeTicks: 45 } });
  assert.equal(parseStat('4242 mosquitto S'), { ok: false, reason: 'stat: no ")" closing the command name' });
  assert.is(parseStat('1 (x) S 1 2').ok, false);
});

test('parseStatusKiB reads one kB line', () => {
  const status = 'Name:\tnode\nVmPeak:\t  1154260 kB\nVmHWM:\t    61236 kB\nVmRSS:\t    58020 kB\n';
  assert.equal(parseStatusKiB(status, 'VmHWM'), { ok: true, value: 61_236 });
  assert.equal(parseStatusKiB(status, 'VmRSS'), { ok: true, value: 58_020 });
  assert.equal(parseStatusKiB(status, 'VmSwap'), { ok: false, reason: 'status: no "VmSwap: <n> kB" line' });
});

test('parseIo reads write_bytes and cancelled_write_bytes', () => {
  const io =
    'rchar: 5230\nwchar: 1024\nsyscr: 10\nsyscw: 3\nread_bytes: 0\nwrite_bytes: 40960\ncancelled_write_bytes: 4096\n';
  assert.equal(parseIo(io), { ok: true, value: { writeBytes: 40_960, cancelledWriteBytes: 4096 } });
  assert.equal(parseIo('rchar: 1\n'), {
    ok: false,
    reason: 'io: no write_bytes / cancelled_write_bytes lines',
  });
});

test('sampleProc reads this process', async () => {
  const ticks = await clockTicksPerS();
  assert.ok(Number.isInteger(ticks) && ticks > 0);
  const s = await sampleProc(process.pid, ticks);
  assert.ok(s.vmHwmKiB >= s.vmRssKiB && s.vmRssKiB > 0, JSON.stringify(s));
  assert.ok(s.rssAnonKiB > 0 && s.rssAnonKiB < s.vmRssKiB, JSON.stringify(s));
  assert.ok(s.cpuS > 0 && s.writeBytes >= 0, JSON.stringify(s));
});

test('sampleAnonPeak sees memory this process takes while it samples', async () => {
  const before = (await sampleProc(process.pid, 100)).rssAnonKiB;
  const sampler = sampleAnonPeak(process.pid, 5);
  // 64 MiB touched page by page: anonymous memory the sampler must see (bounded: one buffer).
  const big = Buffer.alloc(64 * 1024 * 1024, 1);
  const peak = await sampler.stop();
  assert.ok(big.length > 0 && peak >= before + 60 * 1024, `peak ${peak} KiB, before ${before} KiB`);
  assert.is(await sampleAnonPeak(4_194_305, 5).stop(), 0, 'a missing process has no peak');
});

test('sampleProc of a process that does not exist rejects', async () => {
  // pid_max is at most 2^22 on Linux, so this pid never exists.
  await sampleProc(4_194_305, 100).then(
    () => assert.unreachable('should have rejected'),
    (err: unknown) => assert.match(String(err), /ENOENT/),
  );
});

test.run();
