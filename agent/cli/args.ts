/**
 * A small argv parser for the CLI: positionals, `--flag value`, `--flag=value` and boolean flags
 * declared up front. Unknown flags are a usage error naming the flag.
 */
import { ZtgwError } from '../../modem/errors.js';

export interface FlagSpec {
  /** Flags that take a value. */
  readonly values: readonly string[];
  /** Flags that are on or off. */
  readonly booleans: readonly string[];
}

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly values: ReadonlyMap<string, string>;
  readonly booleans: ReadonlySet<string>;
}

export function usageError(message: string): ZtgwError<'CLI_USAGE'> {
  return new ZtgwError('CLI_USAGE', message);
}

export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const positionals: string[] = [];
  const values = new Map<string, string>();
  const booleans = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
    if (spec.booleans.includes(name)) {
      if (eq !== -1) throw usageError(`--${name} takes no value`);
      booleans.add(name);
    } else if (spec.values.includes(name)) {
      const v = eq === -1 ? argv[++i] : a.slice(eq + 1);
      if (v === undefined || (eq === -1 && v.startsWith('--'))) throw usageError(`--${name} needs a value`);
      values.set(name, v);
    } else {
      throw usageError(`unknown option --${name}`);
    }
  }
  return { positionals, values, booleans };
}

/** An integer flag within [min, max], or the default; a usage error names the flag and the range. */
export function intFlag(args: ParsedArgs, name: string, dflt: number, min: number, max: number): number {
  const v = args.values.get(name);
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw usageError(`--${name} must be a whole number, got ${JSON.stringify(v)}`);
  const n = Number.parseInt(v, 10);
  if (n < min || n > max) throw usageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** The value of a flag that must be given (and not empty), else a usage error quoting `usage`. */
export function requiredFlag(args: ParsedArgs, name: string, usage: string): string {
  const v = args.values.get(name);
  if (v === undefined || v === '') throw usageError(`--${name} is required\n${usage}`);
  return v;
}
