/**
 * `ztgw ops decode`: reads one telemetry bundle (as published on `ztgw/<id>/up/t`) from a file or
 * stdin and prints one JSON line per reading, for an operator checking what a gateway sent.
 */
import { readFile } from 'node:fs/promises';
import { decodeBundle } from '../bundle/bundle.js';
import type { DecodedReading } from '../bundle/bundle-types.js';
import { parseArgs, usageError } from './args.js';
import type { CliIo } from './modem-commands.js';

export const DECODE_USAGE = `usage:
  ztgw ops decode [--file PATH] [--hex]
reads one telemetry bundle (raw CBOR, or hex text with --hex) from PATH or stdin and prints one
JSON line per reading: {"dev","bundleSeq","seq","sensor","topic","t","body"} with t in ms since the epoch;
a body that was not JSON is printed as base64 with "bodyEncoding":"base64".`;

const SPEC = { values: ['file'], booleans: ['hex', 'help'] };

/** The CLI streams plus where stdin comes from (tests pass bytes; the default reads process.stdin). */
export interface DecodeIo extends CliIo {
  readonly readStdin?: () => Promise<Uint8Array>;
}

/** Runs `ztgw ops decode …`; returns the exit code (0 decoded, 1 bad input, usage errors throw). */
export async function runDecodeCommand(argv: readonly string[], io: DecodeIo): Promise<number> {
  const args = parseArgs(argv, SPEC);
  if (args.booleans.has('help')) {
    io.out(DECODE_USAGE);
    return 0;
  }
  if (args.positionals.length > 0)
    throw usageError(`ops decode takes no arguments, got ${args.positionals.join(' ')}`);
  const path = args.values.get('file');
  let input: Uint8Array;
  try {
    input =
      path === undefined ? await (io.readStdin ?? readProcessStdin)() : new Uint8Array(await readFile(path));
  } catch (e) {
    io.err(`ztgw: cannot read ${path ?? 'stdin'}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  let bytes = input;
  if (args.booleans.has('hex')) {
    const parsed = parseHex(input);
    if (typeof parsed === 'string') {
      io.err(`ztgw: ${parsed}`);
      return 1;
    }
    bytes = parsed;
  }
  const res = decodeBundle(bytes);
  if (!res.ok) {
    io.err(`ztgw: ${res.reason}`);
    return 1;
  }
  const b = res.value;
  for (const r of b.readings) io.out(JSON.stringify(readingLine(b.deviceId, b.bundleSeq, r)));
  return 0;
}

function readingLine(dev: string, bundleSeq: number, r: DecodedReading): object {
  const base = { dev, bundleSeq, seq: r.seq, sensor: r.sensor, topic: r.topic, t: r.tMs };
  if (r.body.kind === 'json') return { ...base, body: r.body.value };
  return { ...base, body: Buffer.from(r.body.bytes).toString('base64'), bodyEncoding: 'base64' };
}

/** Hex text (whitespace ignored) to bytes, or a reason naming what is wrong. */
function parseHex(input: Uint8Array): Uint8Array | string {
  const text = Buffer.from(input).toString('latin1').replace(/\s+/g, '');
  if (text.length % 2 !== 0) return `--hex input has an odd number of digits (${text.length})`;
  const bad = /[^0-9a-fA-F]/.exec(text);
  if (bad !== null)
    return `--hex input has a non-hex character ${JSON.stringify(bad[0])} at digit ${bad.index}`;
  return new Uint8Array(Buffer.from(text, 'hex'));
}

async function readProcessStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return new Uint8Array(Buffer.concat(chunks));
}
