/**
 * Loads the bootstrap config: defaults < the file (/etc/ztgw/agent.json) < environment (`ZTGW_…`)
 * < CLI flags, then validates the result. The only module that reads the config file, process.env
 * and the config flags; everyone else gets the frozen AgentConfig.
 *
 * - The file is named by `--config PATH`, else `ZTGW_CONFIG`, else /etc/ztgw/agent.json.
 * - Each overridable field has a variable and a flag named after its path (overrides.ts:
 *   `uplink.keepaliveS` ← `ZTGW_UPLINK_KEEPALIVE_S` ← `--uplink-keepalive-s 30`). An empty variable
 *   counts as unset. Lists are comma-separated (`ZTGW_UPLINK_BROKERS=mqtts://a:8883,mqtts://b:8883`).
 * - Errors: CONFIG_IO (the file cannot be read; names the path and errno), CONFIG_INVALID (not JSON,
 *   too large, or any field wrong; `details.problems` lists each `{ path, problem }`, a problem in an
 *   overridden field naming the variable or flag that set it).
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { type JsonObject, ZtgwError } from '../../modem/errors.js';
import type { InterfaceTable } from '../uplink/classify-address.js';
import { isRawObject, type RawObject } from './check.js';
import { DEFAULT_CONFIG_PATH, MAX_CONFIG_FILE_BYTES } from './defaults.js';
import {
  CONFIG_PATH_ENV,
  CONFIG_PATH_FLAG,
  convertOverride,
  envName,
  flagName,
  OVERRIDES,
  type OverrideSpec,
  setAtPath,
} from './overrides.js';
import type { AgentConfig, ConfigProblem } from './types.js';
import { validateConfig } from './validate.js';

export interface LoadOptions {
  /** Arguments after the command (`ztgw run --uplink-keepalive-s 30`). Default: none. */
  readonly argv?: readonly string[];
  /** Environment variables. Default process.env. */
  readonly environ?: Readonly<Record<string, string | undefined>>;
  /** Network interfaces for the listener bind check. Default os.networkInterfaces(). */
  readonly interfaces?: InterfaceTable;
  /** Reads the config file. Default fs.promises.readFile. */
  readonly readFile?: (path: string) => Promise<Uint8Array>;
}

export interface LoadedConfig {
  readonly config: AgentConfig;
  /** The file that was read. */
  readonly configPath: string;
  /** Arguments that are not config flags, in order, for the caller's own parser. */
  readonly rest: readonly string[];
  /** Field path → the variable or flag that set it (`uplink.keepaliveS` → `--uplink-keepalive-s`). */
  readonly sources: Readonly<Record<string, string>>;
}

export interface ParsedConfigFlags {
  /** Field path → flag text. */
  readonly values: ReadonlyMap<string, string>;
  readonly configPath?: string;
  readonly rest: readonly string[];
}

const BY_FLAG = new Map<string, OverrideSpec>(OVERRIDES.map((o) => [flagName(o.path), o]));
const BOOL_WORDS = /^(true|false|1|0|yes|no)$/i;

/** Picks the config flags out of argv (`--flag value`, `--flag=value`, a bare boolean flag). Pure. */
export function parseConfigFlags(argv: readonly string[]): ParsedConfigFlags {
  const values = new Map<string, string>();
  const rest: string[] = [];
  let configPath: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const eq = a.indexOf('=');
    const name = a.startsWith('--') ? (eq === -1 ? a.slice(2) : a.slice(2, eq)) : '';
    const spec = BY_FLAG.get(name);
    if (name !== CONFIG_PATH_FLAG && spec === undefined) {
      rest.push(a);
      continue;
    }
    let text: string | undefined;
    if (eq !== -1) text = a.slice(eq + 1);
    else if (spec?.kind === 'bool' && !BOOL_WORDS.test(argv[i + 1] ?? '')) text = 'true';
    else if (argv[i + 1] !== undefined && !(argv[i + 1] ?? '').startsWith('--')) text = argv[++i];
    if (text === undefined) {
      throw new ZtgwError('CONFIG_INVALID', `--${name} needs a value`, {
        problems: [{ path: `--${name}`, problem: 'needs a value' }],
      });
    }
    if (spec === undefined) configPath = text;
    else values.set(spec.path, text);
  }
  return configPath === undefined ? { values, rest } : { values, configPath, rest };
}

/**
 * Lays the environment and then the flags over the file's object. Returns the merged raw object and
 * where each overridden field came from. Pure.
 */
export function applyOverrides(
  file: RawObject,
  environ: Readonly<Record<string, string | undefined>>,
  flags: ReadonlyMap<string, string>,
): { raw: RawObject; sources: Record<string, string> } {
  let raw = file;
  const sources: Record<string, string> = {};
  for (const spec of OVERRIDES) {
    const env = environ[envName(spec.path)];
    if (env !== undefined && env !== '') {
      raw = setAtPath(raw, spec.path, convertOverride(spec.kind, env));
      sources[spec.path] = envName(spec.path);
    }
  }
  for (const spec of OVERRIDES) {
    const flag = flags.get(spec.path);
    if (flag !== undefined) {
      raw = setAtPath(raw, spec.path, convertOverride(spec.kind, flag));
      sources[spec.path] = `--${flagName(spec.path)}`;
    }
  }
  return { raw, sources };
}

/** Adds "(from ZTGW_…)" to problems in fields an override set. */
function attribute(
  problems: readonly ConfigProblem[],
  sources: Readonly<Record<string, string>>,
): ConfigProblem[] {
  return problems.map((pr) => {
    const hit = Object.keys(sources).find(
      (path) => pr.path === path || pr.path.startsWith(`${path}[`) || pr.path.startsWith(`${path}.`),
    );
    return hit === undefined ? pr : { path: pr.path, problem: `${pr.problem} (from ${sources[hit]})` };
  });
}

function invalid(configPath: string, problems: readonly ConfigProblem[]): ZtgwError<'CONFIG_INVALID'> {
  const lines = problems.map((pr) => `  ${pr.path}: ${pr.problem}`).join('\n');
  const n = problems.length;
  return new ZtgwError(
    'CONFIG_INVALID',
    `config ${configPath}: ${n} problem${n === 1 ? '' : 's'}\n${lines}`,
    {
      path: configPath,
      problems: problems.map((pr): JsonObject => ({ path: pr.path, problem: pr.problem })),
    },
  );
}

function errnoOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : 'EIO';
}

async function readConfigFile(
  configPath: string,
  read: (path: string) => Promise<Uint8Array>,
): Promise<RawObject> {
  let bytes: Uint8Array;
  try {
    bytes = await read(configPath);
  } catch (err) {
    const code = errnoOf(err);
    throw new ZtgwError(
      'CONFIG_IO',
      `cannot read config file ${configPath}: ${code}`,
      { path: configPath, errno: code },
      {
        cause: err,
      },
    );
  }
  if (bytes.length > MAX_CONFIG_FILE_BYTES) {
    throw invalid(configPath, [
      { path: '(file)', problem: `${bytes.length} bytes, larger than the ${MAX_CONFIG_FILE_BYTES} allowed` },
    ]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw invalid(configPath, [{ path: '(file)', problem: `not valid JSON: ${why}` }]);
  }
  if (!isRawObject(parsed))
    throw invalid(configPath, [{ path: '(file)', problem: 'expected a JSON object' }]);
  return parsed;
}

/** Reads, merges and validates the bootstrap config; rejects with CONFIG_IO or CONFIG_INVALID. */
export async function loadConfig(opts: LoadOptions = {}): Promise<LoadedConfig> {
  const environ = opts.environ ?? process.env;
  const flags = parseConfigFlags(opts.argv ?? []);
  const envPath = environ[CONFIG_PATH_ENV];
  const configPath =
    flags.configPath ?? (envPath !== undefined && envPath !== '' ? envPath : DEFAULT_CONFIG_PATH);
  const file = await readConfigFile(configPath, opts.readFile ?? fsReadFile);
  const { raw, sources } = applyOverrides(file, environ, flags.values);
  const result = validateConfig(raw, { interfaces: opts.interfaces ?? networkInterfaces() });
  if (!result.ok) throw invalid(configPath, attribute(result.problems, sources));
  return { config: result.config, configPath, rest: flags.rest, sources };
}
