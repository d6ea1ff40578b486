import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeBundle } from '../../../agent/bundle/bundle.js';
import { DECODE_USAGE, type DecodeIo, runDecodeCommand } from '../../../agent/cli/decode-command.js';
import { hasCode } from '../../../modem/errors.js';

const T0 = 1_732_550_000_123;
const utf8 = new TextEncoder();

const BUNDLE = encodeBundle({
  deviceId: 'gw-7',
  bundleSeq: 41,
  readings: [
    {
      sensor: 's17',
      tMs: T0 + 250,
      topic: 'readings/env',
      payload: utf8.encode('{"temp":21.37,"hum":40.2}'),
    },
    { sensor: 'rs485/3', tMs: T0, topic: 'raw/modbus', payload: new Uint8Array([0xde, 0xad, 0xbe, 0xef]) },
  ],
});

const EXPECTED = [
  '{"dev":"gw-7","bundleSeq":41,"seq":41,"sensor":"s17","topic":"readings/env","t":1732550000373,"body":{"temp":21.37,"hum":40.2}}',
  '{"dev":"gw-7","bundleSeq":41,"seq":42,"sensor":"rs485/3","topic":"raw/modbus","t":1732550000123,"body":"3q2+7w==","bodyEncoding":"base64"}',
];

function fakeIo(stdin: Uint8Array = new Uint8Array()): DecodeIo & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return {
    outLines,
    errLines,
    out: (l) => outLines.push(l),
    err: (l) => errLines.push(l),
    signal: new AbortController().signal,
    readStdin: async () => stdin,
  };
}

test('stdin, raw CBOR: one JSON line per reading with absolute t', async () => {
  const io = fakeIo(BUNDLE);
  assert.is(await runDecodeCommand([], io), 0);
  assert.equal(io.outLines, EXPECTED);
  assert.equal(io.errLines, []);
});

test('--file with --hex (whitespace and newlines allowed)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ztgw-decode-'));
  try {
    const path = join(dir, 'bundle.hex');
    const hex = Buffer.from(BUNDLE).toString('hex');
    await writeFile(path, `${hex.slice(0, 10)}\n ${hex.slice(10)}\n`);
    const io = fakeIo();
    assert.is(await runDecodeCommand(['--file', path, '--hex'], io), 0);
    assert.equal(io.outLines, EXPECTED);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bad input exits 1 with the reason', async () => {
  const wrongVersion = new Uint8Array([0xa1, 0x61, 0x76, 0x02]);
  let io = fakeIo(wrongVersion);
  assert.is(await runDecodeCommand([], io), 1);
  assert.equal(io.errLines, ['ztgw: bundle: unsupported version v=2, expected 1']);
  assert.equal(io.outLines, []);

  io = fakeIo(BUNDLE.subarray(0, 20));
  assert.is(await runDecodeCommand([], io), 1);
  assert.equal(io.errLines, ['ztgw: bundle: truncated CBOR (20 bytes)']);

  io = fakeIo(utf8.encode('a1617'));
  assert.is(await runDecodeCommand(['--hex'], io), 1);
  assert.equal(io.errLines, ['ztgw: --hex input has an odd number of digits (5)']);

  io = fakeIo(utf8.encode('a1zz'));
  assert.is(await runDecodeCommand(['--hex'], io), 1);
  assert.equal(io.errLines, ['ztgw: --hex input has a non-hex character "z" at digit 2']);

  io = fakeIo();
  assert.is(await runDecodeCommand(['--file', '/nonexistent/ztgw/bundle.cbor'], io), 1);
  assert.match(io.errLines[0] ?? '', /^ztgw: cannot read \/nonexistent\/ztgw\/bundle\.cbor: .*ENOENT/);
});

test('usage: --help prints it, unknown flags and arguments are usage errors', async () => {
  const io = fakeIo();
  assert.is(await runDecodeCommand(['--help'], io), 0);
  assert.equal(io.outLines, [DECODE_USAGE]);
  for (const argv of [['--bogus'], ['extra']]) {
    try {
      await runDecodeCommand(argv, fakeIo());
      assert.unreachable();
    } catch (e) {
      assert.ok(hasCode(e, 'CLI_USAGE'), String(e));
    }
  }
});

test.run();
