/**
 * What a gateway process costs, read from /proc (proc(5)): CPU time (utime + stime in
 * /proc/<pid>/stat), peak and current resident memory (VmHWM, VmRSS in /proc/<pid>/status) and the
 * bytes it caused to be written to storage (write_bytes in /proc/<pid>/io; counted when pages are
 * dirtied, so a file later truncated still counts, see cancelled_write_bytes).
 *
 * The parsers are pure; `sampleProc` reads the three files.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fail, ok, type Result } from '../../../modem/at/result.js';

export interface ProcSample {
  /** utime + stime, in seconds. */
  readonly cpuS: number;
  /** Peak resident set size since the process started, KiB. */
  readonly vmHwmKiB: number;
  readonly vmRssKiB: number;
  /**
   * The anonymous part of VmRSS (heap, stacks, malloc): the process's own memory. The rest,
   * RssFile, is mapped files (for node, mostly its own executable), shared and reclaimable.
   */
  readonly rssAnonKiB: number;
  /** Bytes the process caused to be written to storage, since it started. */
  readonly writeBytes: number;
  readonly cancelledWriteBytes: number;
}

/** utime and stime (fields 14 and 15) in clock ticks. The command name may hold spaces and ')'. */
export function parseStat(text: string): Result<{ utimeTicks: number; stimeTicks: number }> {
  const close = text.lastIndexOf(')');
  if (close < 0) return fail('stat: no ")" closing the command name');
  // After "pid (comm) " come field 3 (state) onwards: utime is field 14, i.e. index 11 here.
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isSafeInteger(utime) || !Number.isSafeInteger(stime))
    return fail(`stat: utime/stime are not integers (${fields[11]}, ${fields[12]})`);
  return ok({ utimeTicks: utime, stimeTicks: stime });
}

/** A `Name:   123 kB` line of /proc/<pid>/status, in KiB. */
export function parseStatusKiB(text: string, name: string): Result<number> {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
  if (m === null) return fail(`status: no "${name}: <n> kB" line`);
  return ok(Number(m[1]));
}

/** write_bytes and cancelled_write_bytes of /proc/<pid>/io. */
export function parseIo(text: string): Result<{ writeBytes: number; cancelledWriteBytes: number }> {
  const get = (k: string): number | undefined => {
    const m = new RegExp(`^${k}: (\\d+)$`, 'm').exec(text);
    return m === null ? undefined : Number(m[1]);
  };
  const writeBytes = get('write_bytes');
  const cancelledWriteBytes = get('cancelled_write_bytes');
  if (writeBytes === undefined || cancelledWriteBytes === undefined)
    return fail('io: no write_bytes / cancelled_write_bytes lines');
  return ok({ writeBytes, cancelledWriteBytes });
}

/** The kernel's clock ticks per second (`getconf CLK_TCK`); 100 when getconf is missing. */
export function clockTicksPerS(): Promise<number> {
  return new Promise((resolve) => {
    execFile('getconf', ['CLK_TCK'], { timeout: 5000 }, (err, out) => {
      const n = Number(String(out).trim());
      // 100 is what Linux reports on every architecture the gateway targets (USER_HZ).
      resolve(err === null && Number.isInteger(n) && n > 0 ? n : 100);
    });
  });
}

/**
 * The highest RssAnon of `pid` seen while sampling every `intervalMs` (the kernel keeps a peak of
 * VmRSS only); `stop()` takes a last sample, ends the sampling and gives the peak in KiB.
 */
export function sampleAnonPeak(pid: number, intervalMs: number): { stop(): Promise<number> } {
  let peak = 0;
  let pending: Promise<void> = Promise.resolve();
  const sample = (): void => {
    pending = readFile(`/proc/${pid}/status`, 'utf8').then(
      (text) => {
        const r = parseStatusKiB(text, 'RssAnon');
        if (r.ok && r.value > peak) peak = r.value;
      },
      // The process may be gone between two samples; the peak so far stands.
      () => undefined,
    );
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await pending;
      // One last look, so the peak covers the moment of the stop too.
      sample();
      await pending;
      return peak;
    },
  };
}

/** Reads the three /proc files of `pid`; throws naming the file and the field that could not be read. */
export async function sampleProc(pid: number, ticksPerS: number): Promise<ProcSample> {
  const [stat, status, io] = await Promise.all([
    readFile(`/proc/${pid}/stat`, 'utf8'),
    readFile(`/proc/${pid}/status`, 'utf8'),
    readFile(`/proc/${pid}/io`, 'utf8'),
  ]);
  const st = parseStat(stat);
  const hwm = parseStatusKiB(status, 'VmHWM');
  const rss = parseStatusKiB(status, 'VmRSS');
  const anon = parseStatusKiB(status, 'RssAnon');
  const w = parseIo(io);
  for (const r of [st, hwm, rss, anon, w]) if (!r.ok) throw new Error(`/proc/${pid}: ${r.reason}`);
  if (!st.ok || !hwm.ok || !rss.ok || !anon.ok || !w.ok) throw new Error(`/proc/${pid}: unreadable`);
  return {
    cpuS: (st.value.utimeTicks + st.value.stimeTicks) / ticksPerS,
    vmHwmKiB: hwm.value,
    vmRssKiB: rss.value,
    rssAnonKiB: anon.value,
    writeBytes: w.value.writeBytes,
    cancelledWriteBytes: w.value.cancelledWriteBytes,
  };
}
