/**
 * `make bench`: runs every benchmark with its peer in the same run and prints one JSON line per
 * benchmark plus a summary table with the ratios. Figures go into hil/bench/RESULTS.md by hand,
 * with the date and this command.
 */
import { benchRoundTrip } from './at-roundtrip.js';
import { benchFraming } from './framing.js';

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const rows: string[] = [];
  const f = benchFraming();
  console.log(JSON.stringify({ bench: 'framing', ...f }));
  rows.push(
    `framing (64-byte chunks, ${fmt(f.bytes / 1048576)} MiB) | lines/s | ${fmt(f.ours.linesPerS)} | ${fmt(f.peer.linesPerS)} (parser-readline) | ${(f.ours.linesPerS / f.peer.linesPerS).toFixed(2)}`,
  );
  if (f.ours.lines !== f.peer.lines)
    throw new Error(`framing: ${f.ours.lines} lines vs peer ${f.peer.lines}`);
  const r = await benchRoundTrip();
  console.log(JSON.stringify({ bench: 'at-roundtrip', ...r }));
  rows.push(
    `AT round trips over a PTY (${fmt(r.commands)} × AT+CSQ) | commands/s | ${fmt(r.ours.perS)} | ${fmt(r.peer.perS)} (bare serialport + parser-readline) | ${(r.ours.perS / r.peer.perS).toFixed(2)}`,
  );
  console.log('\n| benchmark | unit | ztgw | peer | ratio ztgw/peer |\n|---|---|---|---|---|');
  for (const row of rows) console.log(`| ${row} |`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
