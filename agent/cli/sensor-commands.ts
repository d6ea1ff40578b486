/**
 * `ztgw sensor hash-secret`: turns a sensor's secret into the credential string for
 * `sensors.credentials.<id>` in agent.json. The secret comes on stdin (never as an argument, where
 * `ps` and the shell history would see it); one trailing newline is dropped.
 */
import { hashSecret, hashToken, MAX_SECRET_BYTES } from '../proxies/index.js';
import { intFlag, parseArgs, usageError } from './args.js';
import type { CliIo } from './modem-commands.js';

export const SENSOR_USAGE = `usage:
  ztgw sensor hash-secret [--token] [--scrypt-n N] < secret
    prints scrypt$N$r$p$<salt>$<key> (default N 16384, r 8, p 1) for sensors.credentials.<id>;
    --token prints sha256$<hex> instead, for a random token of at least 16 bytes`;

/** The shortest token `--token` accepts, in bytes: a sha256 credential is only as strong as its token. */
const MIN_TOKEN_BYTES = 16;

/** Reads all of `input` up to `maxBytes`; more is a usage error. */
async function readAll(input: AsyncIterable<Buffer | string>, maxBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of input) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    n += b.length;
    if (n > maxBytes + 2) throw usageError(`the secret is longer than ${MAX_SECRET_BYTES} bytes`);
    parts.push(b);
  }
  return Buffer.concat(parts, n);
}

/** `input` defaults to the process's stdin. */
export async function runSensorCommand(
  argv: readonly string[],
  io: CliIo,
  input: AsyncIterable<Buffer | string> = process.stdin,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === 'help' || sub === '--help') {
    io.out(SENSOR_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'hash-secret')
    throw usageError(`unknown sensor command ${JSON.stringify(sub)}\n${SENSOR_USAGE}`);
  const args = parseArgs(rest, { values: ['scrypt-n'], booleans: ['token'] });
  if (args.positionals.length > 0) {
    throw usageError('the secret is read from stdin, not from the command line');
  }
  const isToken = args.booleans.has('token');
  if (isToken && args.values.has('scrypt-n')) throw usageError('--scrypt-n does not apply to --token');
  const N = intFlag(args, 'scrypt-n', 16_384, 1024, 1_048_576);
  if ((N & (N - 1)) !== 0) throw usageError(`--scrypt-n must be a power of two, got ${N}`);
  const secret = (await readAll(input, MAX_SECRET_BYTES)).toString('utf8').replace(/\r?\n$/, '');
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes === 0) throw usageError('no secret on stdin');
  if (bytes > MAX_SECRET_BYTES) throw usageError(`the secret is longer than ${MAX_SECRET_BYTES} bytes`);
  if (isToken && bytes < MIN_TOKEN_BYTES) {
    throw usageError(`a token must be at least ${MIN_TOKEN_BYTES} bytes; use scrypt for a shorter secret`);
  }
  io.out(isToken ? hashToken(secret) : await hashSecret(secret, { N }));
  return 0;
}
