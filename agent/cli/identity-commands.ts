/**
 * `ztgw enroll` (on the gateway: make the device key if missing, print the CSR bound to the SIM and
 * modem) and `ztgw ops ca init | sign | server` (on the operator's machine: the CA that signs it).
 * Exit codes: 0 done, 2 usage error, 1 runtime error with the cause named.
 */
import { access, readFile } from 'node:fs/promises';
import { isZtgwError, ZtgwError } from '../../modem/errors.js';
import { createLogger, LEVELS, type LevelName } from '../../modem/log.js';
import { DEFAULT_MODEM_CONFIG, Modem } from '../../modem/service/modem.js';
import { readModemInfo } from '../../modem/service/read-info.js';
import { initCa, issueServerCert, signCsr } from '../identity/ca.js';
import { readCertInfo } from '../identity/cert-info.js';
import { createCsr } from '../identity/csr.js';
import { deviceIdProblem } from '../identity/device-id.js';
import { ensureDeviceKey } from '../identity/device-key.js';
import { iccidProblem, imeiProblem, lastDigits } from '../identity/identity-uris.js';
import { writeFileDurable } from '../store/durable-file.js';
import { intFlag, type ParsedArgs, parseArgs, usageError } from './args.js';
import type { CliIo } from './modem-commands.js';

export const ENROLL_USAGE = `usage:
  ztgw enroll --device-id ID --keys-dir DIR (--port PATH [--baud N] | --iccid DIGITS --imei DIGITS) [--out FILE]
    makes the device key in DIR if there is none (never replaces one) and writes the CSR (stdout or FILE);
    with --port, ICCID and IMEI are read from the modem`;

export const OPS_CA_USAGE = `usage:
  ztgw ops ca init   --dir DIR [--name NAME] [--days N]
  ztgw ops ca sign   --dir DIR --csr FILE [--days N] [--out FILE]
  ztgw ops ca server --dir DIR --cn NAME [--dns a,b] [--ip 127.0.0.1,::1] [--days N] --out-key FILE --out-cert FILE
    defaults: init 3650 days, sign 365, server 365; --dns defaults to the CN; an existing --out-key file is never overwritten`;

/** Defaults, in days: a CA for ten years, a device for one, a broker for one. */
export const DEFAULT_CA_DAYS = 3650;
export const DEFAULT_DEVICE_DAYS = 365;
export const DEFAULT_SERVER_DAYS = 365;
const MAX_DAYS = 36_500;

/** A short recovery for a one-shot read: the technician wants an answer in seconds. */
const CLI_RECOVERY = { backoffBaseMs: 250, backoffMaxMs: 2000, maxResetsPerHour: 4, hasPowerCycle: false };

/** Runs `body`, mapping a usage error to exit 2 and any other failure to exit 1 with its cause. */
async function guarded(io: CliIo, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (isZtgwError(err) && err.code === 'CLI_USAGE') {
      io.err(`ztgw: ${err.message}\n${usage}`);
      return 2;
    }
    const code = isZtgwError(err) ? ` [${err.code}]` : '';
    io.err(`ztgw: ${err instanceof Error ? err.message : String(err)}${code}`);
    return 1;
  }
}

const required = (args: ParsedArgs, name: string, what: string): string => {
  const v = args.values.get(name);
  if (v === undefined || v === '') throw usageError(`--${name} ${what} is required`);
  return v;
};

const noPositionals = (args: ParsedArgs, cmd: string): void => {
  if (args.positionals.length > 0)
    throw usageError(`${cmd} takes no arguments, got ${args.positionals.join(' ')}`);
};

/** Writes `text` to `path` durably, or prints it when no path was given. */
async function emit(io: CliIo, path: string | undefined, text: string, mode: number): Promise<void> {
  if (path === undefined) io.out(text.trimEnd());
  else await writeFileDurable(path, text, mode);
}

const ENROLL_SPEC = {
  values: ['device-id', 'keys-dir', 'port', 'baud', 'iccid', 'imei', 'out', 'sim-pin', 'log-level'],
  booleans: [],
};

/** `ztgw enroll …` (argv after `enroll`). */
export function runEnrollCommand(argv: readonly string[], io: CliIo): Promise<number> {
  return guarded(io, ENROLL_USAGE, async () => {
    if (argv[0] === 'help' || argv[0] === '--help') {
      io.out(ENROLL_USAGE);
      return 0;
    }
    const args = parseArgs(argv, ENROLL_SPEC);
    noPositionals(args, 'enroll');
    const deviceId = required(args, 'device-id', 'ID');
    const idProblem = deviceIdProblem(deviceId);
    if (idProblem !== null) throw usageError(`--device-id: ${idProblem}`);
    const keysDir = required(args, 'keys-dir', 'DIR');
    const port = args.values.get('port');
    const given = { iccid: args.values.get('iccid'), imei: args.values.get('imei') };
    if (port !== undefined && (given.iccid !== undefined || given.imei !== undefined))
      throw usageError('use either --port (read from the modem) or --iccid and --imei, not both');
    let binding: { iccid: string; imei: string };
    if (port !== undefined) {
      binding = await readBinding(args, port, io);
    } else {
      if (given.iccid === undefined || given.imei === undefined)
        throw usageError('--port PATH, or both --iccid DIGITS and --imei DIGITS, are required');
      const p = iccidProblem(given.iccid) ?? imeiProblem(given.imei);
      if (p !== null) throw usageError(p);
      binding = { iccid: given.iccid, imei: given.imei };
    }
    const { privateKey, isNew } = await ensureDeviceKey(keysDir);
    const csr = createCsr({ deviceId, ...binding }, privateKey);
    const out = args.values.get('out');
    await emit(io, out, csr, 0o644);
    const note = `${isNew ? 'made a new' : 'kept the existing'} device key in ${keysDir}; CSR for ${deviceId} (ICCID ${lastDigits(binding.iccid)}, IMEI ${lastDigits(binding.imei)})${out === undefined ? '' : ` written to ${out}`}`;
    if (out === undefined) io.err(note);
    else io.out(note);
    return 0;
  });
}

const isLevelName = (s: string): s is LevelName => Object.hasOwn(LEVELS, s);

/** ICCID and IMEI from the modem; refuses values the modem could not read or whose check digit is wrong. */
async function readBinding(
  args: ParsedArgs,
  path: string,
  io: CliIo,
): Promise<{ iccid: string; imei: string }> {
  const level = args.values.get('log-level') ?? 'warn';
  if (!isLevelName(level)) throw usageError(`--log-level must be one of ${Object.keys(LEVELS).join(', ')}`);
  const log = createLogger({ sink: { write: (l) => io.err(l.trimEnd()) }, level });
  const modem = new Modem(
    {
      ...DEFAULT_MODEM_CONFIG,
      path,
      baudRate: intFlag(args, 'baud', DEFAULT_MODEM_CONFIG.baudRate, 300, 4_000_000),
      simPin: args.values.get('sim-pin') ?? null,
      recovery: CLI_RECOVERY,
    },
    { log },
  );
  await modem.start(io.signal);
  let info: Awaited<ReturnType<typeof readModemInfo>>;
  try {
    info = await readModemInfo(modem);
  } finally {
    await modem.stop();
  }
  const why = info.problems.length > 0 ? ` (${info.problems.join('; ')})` : '';
  if (info.iccid === null)
    throw new ZtgwError('IDENTITY_CSR', `the modem on ${path} gave no ICCID (SIM ${info.sim})${why}`, {
      port: path,
    });
  if (info.imei === null)
    throw new ZtgwError('IDENTITY_CSR', `the modem on ${path} gave no IMEI${why}`, { port: path });
  if (info.iccidValid === false || info.imeiValid === false)
    throw new ZtgwError(
      'IDENTITY_CSR',
      `the modem on ${path} reported ${info.iccidValid === false ? `ICCID ${lastDigits(info.iccid)}` : `IMEI ${lastDigits(info.imei)}`} with a wrong check digit; check it by hand and pass --iccid/--imei`,
      { port: path },
    );
  const p = iccidProblem(info.iccid) ?? imeiProblem(info.imei);
  if (p !== null)
    throw new ZtgwError('IDENTITY_CSR', `the modem on ${path} reported an unusable value: ${p}`);
  return { iccid: info.iccid, imei: info.imei };
}

const CA_SPEC = {
  values: ['dir', 'name', 'days', 'csr', 'out', 'cn', 'dns', 'ip', 'out-key', 'out-cert'],
  booleans: [],
};

const list = (v: string | undefined): string[] =>
  v === undefined
    ? []
    : v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');

/** `ztgw ops ca init | sign | server …` (argv after `ops ca`). */
export function runOpsCaCommand(argv: readonly string[], io: CliIo): Promise<number> {
  return guarded(io, OPS_CA_USAGE, async () => {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === 'help' || sub === '--help') {
      io.out(OPS_CA_USAGE);
      return sub === undefined ? 2 : 0;
    }
    const args = parseArgs(rest, CA_SPEC);
    noPositionals(args, `ops ca ${sub}`);
    switch (sub) {
      case 'init':
        return caInit(args, io);
      case 'sign':
        return caSign(args, io);
      case 'server':
        return caServer(args, io);
      default:
        throw usageError(`unknown ops ca command ${JSON.stringify(sub)}`);
    }
  });
}

async function caInit(args: ParsedArgs, io: CliIo): Promise<number> {
  const dir = required(args, 'dir', 'DIR');
  const name = args.values.get('name') ?? 'ztgw operator CA';
  const validityDays = intFlag(args, 'days', DEFAULT_CA_DAYS, 1, MAX_DAYS);
  const ca = await initCa(dir, { name, validityDays });
  const info = readCertInfo(ca.certPem);
  const fp = info.ok ? info.value.fingerprintSha256 : '?';
  io.out(`created CA "${name}" for ${validityDays} days: ${ca.certPath} (SHA-256 ${fp}), key ${ca.keyPath}`);
  return 0;
}

async function caSign(args: ParsedArgs, io: CliIo): Promise<number> {
  const dir = required(args, 'dir', 'DIR');
  const csrPath = required(args, 'csr', 'FILE');
  const validityDays = intFlag(args, 'days', DEFAULT_DEVICE_DAYS, 1, MAX_DAYS);
  let csrPem: string;
  try {
    csrPem = await readFile(csrPath, 'utf8');
  } catch (err) {
    throw new ZtgwError(
      'CA_INVALID',
      `cannot read ${csrPath}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const certPem = await signCsr(dir, csrPem, { validityDays });
  const out = args.values.get('out');
  await emit(io, out, certPem, 0o644);
  const info = readCertInfo(certPem);
  if (info.ok) {
    const i = info.value;
    const note = `signed ${i.deviceId ?? '?'} (ICCID ${lastDigits(i.iccid)}, IMEI ${lastDigits(i.imei)}) until ${new Date(i.notAfterMs).toISOString()}${out === undefined ? '' : `: ${out}`}`;
    if (out === undefined) io.err(note);
    else io.out(note);
  }
  return 0;
}

async function refuseExisting(path: string): Promise<void> {
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (exists) throw new ZtgwError('CA_INVALID', `${path} exists; it is not overwritten`, { path });
}

async function caServer(args: ParsedArgs, io: CliIo): Promise<number> {
  const dir = required(args, 'dir', 'DIR');
  const commonName = required(args, 'cn', 'NAME');
  const outKey = required(args, 'out-key', 'FILE');
  const outCert = required(args, 'out-cert', 'FILE');
  const validityDays = intFlag(args, 'days', DEFAULT_SERVER_DAYS, 1, MAX_DAYS);
  const dnsNames = args.values.has('dns') ? list(args.values.get('dns')) : [commonName];
  const ipAddresses = list(args.values.get('ip'));
  await refuseExisting(outKey);
  const issued = await issueServerCert(dir, { commonName, dnsNames, ipAddresses, validityDays });
  await writeFileDurable(outKey, issued.keyPem, 0o600);
  await writeFileDurable(outCert, issued.certPem, 0o644);
  io.out(
    `issued server certificate ${commonName} (DNS ${dnsNames.join(',') || '-'}; IP ${ipAddresses.join(',') || '-'}) for ${validityDays} days: ${outCert}, key ${outKey}`,
  );
  return 0;
}
