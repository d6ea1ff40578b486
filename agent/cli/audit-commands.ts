/**
 * `ztgw audit tail | verify | export | pubkey`: the operator's and auditor's view of the audit
 * trail. Read-only: it never locks, cuts or writes the log a running agent holds.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ZtgwError } from '../../modem/errors.js';
import {
  type Anchor,
  type AuditRecord,
  auditSigner,
  type CborValue,
  exportEvidence,
  readAuditEntries,
  readAuditKey,
  readAuditSegments,
  readAuditSince,
  SEGMENT_MAGIC,
  type VerifyReport,
  verifyEvidence,
  verifySegments,
} from '../audit/index.js';
import { intFlag, type ParsedArgs, parseArgs, usageError } from './args.js';
import type { CliIo } from './modem-commands.js';

export const AUDIT_USAGE = `usage:
  ztgw audit tail   [--dir D] [-n N] [--json] [--follow] [--interval-ms N]
  ztgw audit verify [--dir D | --from FILE] [--pubkey FILE] [--keys D] [--anchor SEQ:HEX | --anchor-file F]
  ztgw audit export --since ISO --until ISO [--dir D] [--keys D] --out FILE
                    [--device-id ID] [--iccid N] [--imei N] [--cert-fingerprint HEX] [--cert-subject DN] [--cause TEXT]
  ztgw audit pubkey [--keys D]
defaults: --dir /var/lib/ztgw/audit --keys /var/lib/ztgw/keys; verify exits 1 naming the first bad record`;

const SPEC = {
  values: [
    'dir',
    'keys',
    'lines',
    'interval-ms',
    'from',
    'pubkey',
    'anchor',
    'anchor-file',
    'since',
    'until',
    'out',
    'device-id',
    'iccid',
    'imei',
    'cert-fingerprint',
    'cert-subject',
    'cause',
  ],
  booleans: ['json', 'follow'],
};

const DEFAULT_DIR = '/var/lib/ztgw/audit';
const DEFAULT_KEYS = '/var/lib/ztgw/keys';

export async function runAuditCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === 'help' || sub === '--help') {
    io.out(AUDIT_USAGE);
    return sub === undefined ? 2 : 0;
  }
  // `-n N` is the one short flag, as in tail(1).
  const args = parseArgs(
    rest.map((a) => (a === '-n' ? '--lines' : a)),
    SPEC,
  );
  if (args.positionals.length > 0)
    throw usageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
  switch (sub) {
    case 'tail':
      return tail(args, io);
    case 'verify':
      return verify(args, io);
    case 'export':
      return exportCmd(args, io);
    case 'pubkey': {
      const key = await readAuditKey(args.values.get('keys') ?? DEFAULT_KEYS);
      io.out(Buffer.from(key.publicKey).toString('base64'));
      return 0;
    }
    default:
      throw usageError(`unknown audit command ${JSON.stringify(sub)}\n${AUDIT_USAGE}`);
  }
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function jsonValue(v: CborValue | undefined): unknown {
  if (v instanceof Uint8Array) return hex(v);
  if (Array.isArray(v)) return v.map(jsonValue);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonValue(x)]));
  }
  return v;
}

function formatRecord(r: AuditRecord, isJson: boolean): string {
  if (isJson) {
    return JSON.stringify({
      ...r,
      time: new Date(r.t).toISOString(),
      data: jsonValue(r.data),
      prev: hex(r.prev),
      h: hex(r.h),
    });
  }
  const reason = r.reason === undefined ? '' : ` reason=${JSON.stringify(r.reason)}`;
  const data = r.data === undefined ? '' : ` ${JSON.stringify(jsonValue(r.data))}`;
  return `${new Date(r.t).toISOString()} #${r.seq} ${r.ev} ${r.outcome} actor=${r.actor} subject=${r.subject}${reason}${data}`;
}

async function tail(args: ParsedArgs, io: CliIo): Promise<number> {
  const dir = args.values.get('dir') ?? DEFAULT_DIR;
  const lines = intFlag(args, 'lines', 20, 0, 1_000_000);
  const intervalMs = intFlag(args, 'interval-ms', 1000, 50, 3_600_000);
  const isJson = args.booleans.has('json');
  const last: AuditRecord[] = [];
  for await (const e of readAuditEntries(dir)) {
    last.push(e.record);
    if (last.length > lines) last.shift();
  }
  for (const r of last) io.out(formatRecord(r, isJson));
  if (!args.booleans.has('follow')) return 0;
  let cursor = await readAuditSince(dir, null, () => undefined);
  while (!io.signal.aborted) {
    await sleep(intervalMs, undefined, { signal: io.signal }).catch(() => undefined);
    if (io.signal.aborted) break;
    cursor = await readAuditSince(dir, cursor, (e) => io.out(formatRecord(e.record, isJson)));
  }
  return 0;
}

/** A public key file: base64 (as `ztgw audit pubkey` prints), hex, or 32 raw bytes. */
export async function readPublicKey(path: string): Promise<Uint8Array> {
  const raw = await readFile(path).catch((err: unknown) => {
    throw new ZtgwError(
      'AUDIT_IO',
      `cannot read public key ${path}: ${String(err)}`,
      { path },
      { cause: err },
    );
  });
  const text = raw.toString('utf8').trim();
  const key = /^[0-9a-f]{64}$/i.test(text)
    ? Buffer.from(text, 'hex')
    : raw.length === 32
      ? raw
      : Buffer.from(text, 'base64');
  if (key.length !== 32) throw usageError(`${path} is not an Ed25519 public key (base64, hex or 32 bytes)`);
  return new Uint8Array(key);
}

function parseAnchor(v: string | undefined): Anchor | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+):([0-9a-f]{64})$/i.exec(v);
  if (m?.[1] === undefined || m[2] === undefined)
    throw usageError('--anchor must be SEQ:HASH (64 hex digits)');
  return { seq: Number.parseInt(m[1], 10), h: new Uint8Array(Buffer.from(m[2], 'hex')) };
}

function printReport(r: VerifyReport, io: CliIo, what: string): number {
  if (r.ok) {
    const anchor = r.anchor === 'none' ? '' : `, anchor ${r.anchor}`;
    io.out(
      `${what} verifies: ${r.records} records, seq ${r.firstSeq}..${r.lastSeq}, ${r.checkpoints} checkpoints, ` +
        `sealed through ${r.sealedThroughSeq ?? 'none'}, ${r.unsealed} unsealed${anchor}`,
    );
    return 0;
  }
  const p = r.problem;
  const where = p?.segment === undefined ? '' : ` (segment ${p.segment}, offset ${p.offset})`;
  io.err(`${what} does NOT verify: ${p?.kind} at seq ${p?.seq ?? '?'}${where}: ${p?.message}`);
  return 1;
}

async function verify(args: ParsedArgs, io: CliIo): Promise<number> {
  const from = args.values.get('from');
  if (from !== undefined && args.values.has('dir')) throw usageError('give --dir or --from, not both');
  const pubkeyPath = args.values.get('pubkey');
  const anchorFile = args.values.get('anchor-file');
  if (anchorFile !== undefined && args.values.has('anchor'))
    throw usageError('give --anchor or --anchor-file, not both');
  const anchorText =
    anchorFile === undefined
      ? args.values.get('anchor')
      : (
          await readFile(anchorFile, 'utf8').catch((err: unknown) => {
            throw new ZtgwError('AUDIT_IO', `cannot read anchor file ${anchorFile}: ${String(err)}`, {
              path: anchorFile,
            });
          })
        ).trim();
  const anchor = parseAnchor(anchorText);
  const publicKey =
    pubkeyPath !== undefined
      ? await readPublicKey(pubkeyPath)
      : (await readAuditKey(args.values.get('keys') ?? DEFAULT_KEYS)).publicKey;
  const opts = { publicKey, ...(anchor === undefined ? {} : { anchor }) };
  if (from === undefined) {
    const dir = args.values.get('dir') ?? DEFAULT_DIR;
    return printReport(verifySegments(await readAuditSegments(dir), opts), io, `audit log ${dir}`);
  }
  const bytes = new Uint8Array(await readFile(from));
  if (Buffer.compare(bytes.subarray(0, SEGMENT_MAGIC.length), SEGMENT_MAGIC) === 0) {
    return printReport(verifySegments([{ num: 1, bytes }], opts), io, `segment ${from}`);
  }
  const ev = verifyEvidence(bytes, publicKey, anchor);
  if (!ev.ok) {
    io.err(`evidence ${from} does NOT verify: ${ev.problem?.kind}: ${ev.problem?.message}`);
    return 1;
  }
  const s = ev.body?.summary;
  io.out(
    `evidence ${from} verifies: ${s?.events ?? 0} events, ${ev.chain?.records ?? 0} records carried, ` +
      `${ev.isSealed ? 'sealed by a checkpoint' : 'NOT sealed by a checkpoint (exported read-only)'}`,
  );
  return 0;
}

function isoFlag(args: ParsedArgs, name: string): number {
  const v = args.values.get(name);
  if (v === undefined) throw usageError(`--${name} ISO-8601 time is required`);
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw usageError(`--${name} is not an ISO-8601 time: ${JSON.stringify(v)}`);
  return ms;
}

async function exportCmd(args: ParsedArgs, io: CliIo): Promise<number> {
  const sinceMs = isoFlag(args, 'since');
  const untilMs = isoFlag(args, 'until');
  if (untilMs < sinceMs) throw usageError('--until is before --since');
  const out = args.values.get('out');
  if (out === undefined || out === '') throw usageError('--out FILE is required');
  const dir = args.values.get('dir') ?? DEFAULT_DIR;
  const key = await readAuditKey(args.values.get('keys') ?? DEFAULT_KEYS);
  const signer = auditSigner(key);
  const v = (name: string): string | null => args.values.get(name) ?? null;
  const cause = args.values.get('cause');
  const bundle = await exportEvidence(
    { entries: (fromSeq) => readAuditEntries(dir, fromSeq), signer },
    {
      sinceMs,
      untilMs,
      nowMs: Date.now(),
      device: {
        deviceId: v('device-id'),
        iccid: v('iccid'),
        imei: v('imei'),
        certFingerprint: v('cert-fingerprint'),
        certSubject: v('cert-subject'),
      },
      ...(cause === undefined ? {} : { suspectedCause: cause }),
    },
  );
  await writeFile(out, bundle, { mode: 0o600 });
  const report = verifyEvidence(bundle, key.publicKey);
  const s = report.body?.summary;
  io.out(
    `wrote ${out}: ${bundle.length} bytes, ${s?.events ?? 0} events, ${s?.indicators ?? 0} indicators, ` +
      `first seen ${typeof s?.firstSeenMs === 'number' ? new Date(s.firstSeenMs).toISOString() : '-'}`,
  );
  return 0;
}
