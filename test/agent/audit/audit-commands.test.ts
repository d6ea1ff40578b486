import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openAuditLog } from '../../../agent/audit/store.js';
import { runAuditCommand } from '../../../agent/cli/audit-commands.js';
import { hasCode } from '../../../modem/errors.js';
import { silentLogger } from '../../../modem/log.js';
import { flip, T0, withTempDir } from './audit-kit.js';

interface Captured {
  readonly out: string[];
  readonly err: string[];
}

async function run(argv: readonly string[]): Promise<{ code: number } & Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAuditCommand(argv, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    signal: new AbortController().signal,
  });
  return { code, out, err };
}

/** A closed log of 12 events (2 min apart from T0) and 2 checkpoints, and its public key. */
async function makeLog(dir: string): Promise<string> {
  let now = T0;
  const log = await openAuditLog({
    dir: join(dir, 'audit'),
    keysDir: join(dir, 'keys'),
    log: silentLogger(),
    clock: { nowMs: () => now },
    groupCommitMs: 0,
    checkpointEveryRecords: 10,
  });
  for (let i = 0; i < 12; i++) {
    now = T0 + i * 120_000;
    await log.append({
      ev: 'admin.action',
      actor: 'cli:root',
      subject: 'command',
      outcome: 'ok',
      reason: `step ${i}`,
    });
  }
  const pk = Buffer.from(log.publicKey).toString('base64');
  await log.close();
  return pk;
}

test('tail -n prints the last records, --json one object per line', async () => {
  await withTempDir(async (dir) => {
    await makeLog(dir);
    const text = await run(['tail', '--dir', join(dir, 'audit'), '-n', '2']);
    assert.is(text.code, 0);
    assert.is(text.out.length, 2);
    assert.match(text.out[0] ?? '', /#13 admin\.action ok actor=cli:root subject=command reason="step 11"/);
    assert.match(text.out[1] ?? '', /#14 audit\.checkpoint info/);
    const json = await run(['tail', '--dir', join(dir, 'audit'), '-n', '1', '--json']);
    const o = JSON.parse(json.out[0] ?? '{}');
    assert.is(o.seq, 14);
    assert.is(o.data.seq, 13);
    assert.match(o.h, /^[0-9a-f]{64}$/);
    assert.is(o.time, new Date(T0 + 11 * 120_000).toISOString());
  });
});

test('pubkey prints the base64 audit key; verify exits 0, and 1 naming the first bad record', async () => {
  await withTempDir(async (dir) => {
    const pk = await makeLog(dir);
    const keys = join(dir, 'keys');
    const printed = await run(['pubkey', '--keys', keys]);
    assert.equal(printed.out, [pk]);
    await writeFile(join(dir, 'audit.pub'), `${pk}\n`);
    const ok = await run(['verify', '--dir', join(dir, 'audit'), '--pubkey', join(dir, 'audit.pub')]);
    assert.is(ok.code, 0, ok.err.join('\n'));
    assert.match(
      ok.out[0] ?? '',
      /verifies: 14 records, seq 1\.\.14, 2 checkpoints, sealed through 13, 0 unsealed/,
    );
    const seg = join(dir, 'audit', '000001.seg');
    const bytes = await readFile(seg);
    flip(bytes, bytes.indexOf('step 4'));
    await writeFile(seg, bytes);
    const bad = await run(['verify', '--dir', join(dir, 'audit'), '--keys', keys]);
    assert.is(bad.code, 1);
    assert.match(bad.err[0] ?? '', /does NOT verify: crc-mismatch at seq 5 \(segment 1, offset \d+\)/);
  });
});

test('export writes a signed bundle that verify --from accepts, and rejects once altered', async () => {
  await withTempDir(async (dir) => {
    await makeLog(dir);
    const out = join(dir, 'evidence.cbor');
    const e = await run([
      'export',
      '--dir',
      join(dir, 'audit'),
      '--keys',
      join(dir, 'keys'),
      '--since',
      new Date(T0 + 5 * 120_000).toISOString(),
      '--until',
      new Date(T0 + 8 * 120_000).toISOString(),
      '--device-id',
      'gw-0042',
      '--out',
      out,
    ]);
    assert.is(e.code, 0, e.err.join('\n'));
    assert.match(e.out[0] ?? '', /wrote .*evidence\.cbor: \d+ bytes, 4 events, 0 indicators/);
    const v = await run(['verify', '--from', out, '--keys', join(dir, 'keys')]);
    assert.is(v.code, 0, v.err.join('\n'));
    assert.match(v.out[0] ?? '', /verifies: 4 events, \d+ records carried, sealed by a checkpoint/);
    const bytes = await readFile(out);
    flip(bytes, bytes.length - 10);
    await writeFile(out, bytes);
    const bad = await run(['verify', '--from', out, '--keys', join(dir, 'keys')]);
    assert.is(bad.code, 1);
    assert.match(bad.err[0] ?? '', /does NOT verify: signature/);
  });
});

test('usage errors name the flag', async () => {
  for (const [argv, re] of [
    [
      ['export', '--since', 'yesterday', '--until', '2026-01-01T00:00:00Z', '--out', 'x'],
      /--since is not an ISO-8601 time/,
    ],
    [['export', '--until', '2026-01-01T00:00:00Z', '--out', 'x'], /--since ISO-8601 time is required/],
    [['verify', '--dir', 'a', '--from', 'b'], /--dir or --from, not both/],
    [['verify', '--anchor', '12'], /--anchor must be SEQ:HASH/],
    [['frobnicate'], /unknown audit command/],
  ] as const) {
    try {
      await run(argv);
      assert.unreachable(String(re));
    } catch (e) {
      assert.ok(hasCode(e, 'CLI_USAGE'), String(e));
      assert.match(String(e), re);
    }
  }
});

test.run();
