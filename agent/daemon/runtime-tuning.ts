/**
 * Node and V8 settings for a gateway's memory (hil/bench/RESULTS.md, "RSS"). Node's defaults size
 * the heap for a server: young generation up to two 16 MiB semi-spaces, old space allowed to grow
 * to several times what is live before a full collection. Readings in flight live ~50 ms, about one
 * scavenge, so at a high rate some are promoted and die in old space, which then grows towards a
 * limit sized from the machine's RAM. None of the settings here is a crash bound
 * (`--max-old-space-size` is not set): they trade CPU for memory.
 *
 * - {@link HEAP_GROWING_PERCENT}: old space grows 10 % past what is live before the next full
 *   collection. Set by `ztgw run` itself (V8 reads it at every collection, so it holds when set at
 *   start), whatever launched it.
 * - {@link LAUNCH_NODE_FLAGS} and {@link LAUNCH_ENV}: only take effect before the process starts
 *   (V8 sizes the young generation when it creates the heap; glibc reads MALLOC_ARENA_MAX at its
 *   first allocation). `build/ztgw` passes them (hil/package/write-launcher.ts); the packaged
 *   executable gets the flag through NODE_OPTIONS, which it honours.
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 10;

/** Semi-spaces of at most 4 MiB (an 8 MiB young generation; default 16 MiB each). */
export const LAUNCH_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

/** One malloc arena: the agent's threads (libuv's pool, V8's helpers) share it instead of one each. */
export const LAUNCH_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '1' };

/** Applies what can be applied from inside; says what is in effect, for the start log. */
export function tuneHeapForGateway(
  execArgv: readonly string[] = process.execArgv,
  env: NodeJS.ProcessEnv = process.env,
): { heapGrowingPercent: number; maxSemiSpaceMiB: number | null; mallocArenaMax: string | null } {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return {
    heapGrowingPercent: HEAP_GROWING_PERCENT,
    maxSemiSpaceMiB: semiSpaceMiB([...execArgv, ...(env['NODE_OPTIONS'] ?? '').split(/\s+/)]),
    mallocArenaMax: env['MALLOC_ARENA_MAX'] ?? null,
  };
}

/** The last `--max-semi-space-size` (or `--max_semi_space_size`) among `args`, MiB; null: none. */
export function semiSpaceMiB(args: readonly string[]): number | null {
  let out: number | null = null;
  for (const a of args) {
    const m = /^--max[-_]semi[-_]space[-_]size=(\d+)$/.exec(a);
    if (m?.[1] !== undefined) out = Number(m[1]);
  }
  return out;
}
