/**
 * Reloading the local config file while the agent runs (`ztgw config reload`, or SIGHUP).
 *
 *   file ──loadConfig (the same flags and environment as at start)──▶ invalid? ──▶ config.rejected
 *                                                                  └─ diffConfig(running, next)
 *        restart-only fields changed ──▶ config.rejected (fields named; nothing applied)
 *        only live sections changed  ──▶ apply ──▶ config.accepted (fields named)
 *        nothing changed             ──▶ unchanged (no audit record: nothing happened)
 *
 * All or nothing: a rejected reload leaves the running config exactly as it was, and the agent
 * keeps running on it. Reloads run one at a time; one asked for while another runs waits for it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isZtgwError, type JsonObject } from '../../modem/errors.js';
import type { Logger } from '../../modem/log.js';
import type { AuditEvent } from '../audit/index.js';
import { diffConfig } from '../config/diff.js';
import type { LoadedConfig, LoadOptions } from '../config/index.js';
import type { AgentConfig, ConfigProblem } from '../config/types.js';

export interface ConfigReloadDeps {
  /** Loads the config as `ztgw run` did (its flags and environment); `readFile` must be used. */
  readonly load: (opts: Pick<LoadOptions, 'readFile'>) => Promise<LoadedConfig>;
  readonly running: () => AgentConfig;
  /** Applies a config whose differences are all in live sections; returns the sensors disconnected. */
  readonly apply: (next: AgentConfig) => Promise<readonly string[]>;
  readonly audit: (e: AuditEvent) => Promise<void>;
  readonly log: Logger;
}

export type ReloadOutcome = 'accepted' | 'unchanged' | 'rejected';

export interface ReloadResult {
  readonly outcome: ReloadOutcome;
  /** `sha256:` + the first 16 hex digits of the file read, or null when it could not be read. */
  readonly digest: string | null;
  /** Fields applied (accepted) or that would have been (rejected for a restart-only change). */
  readonly live: readonly string[];
  /** Fields that need a restart; non-empty only when rejected for that. */
  readonly restart: readonly string[];
  /** Why it was rejected: CONFIG_IO, CONFIG_INVALID, CONFIG_NEEDS_RESTART or CONFIG_APPLY_FAILED. */
  readonly code: string | null;
  readonly problems: readonly ConfigProblem[];
}

/** Most problems copied into the audit record's data (the reason names the first). */
const MAX_AUDITED_PROBLEMS = 10;

export interface ConfigReloader {
  /** Reloads the file; `actor` names who asked (`cli:control-socket`, `signal:SIGHUP`). */
  reload(actor: string): Promise<ReloadResult>;
}

export function createConfigReloader(deps: ConfigReloadDeps): ConfigReloader {
  const log = deps.log.child({ component: 'config' });
  let chain: Promise<unknown> = Promise.resolve();

  const once = async (actor: string): Promise<ReloadResult> => {
    let bytes: Uint8Array | null = null;
    const captureRead = async (path: string): Promise<Uint8Array> => {
      bytes = await readFile(path);
      return bytes;
    };
    const digestOf = (): string | null =>
      bytes === null ? null : `sha256:${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
    const reject = async (
      code: string,
      problems: readonly ConfigProblem[],
      outcome: 'denied' | 'failed',
      diff: { live: readonly string[]; restart: readonly string[] } = { live: [], restart: [] },
    ): Promise<ReloadResult> => {
      const digest = digestOf();
      const first = problems[0];
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
      const reason = `${code}: ${first === undefined ? 'no detail' : `${first.path}: ${first.problem}`}${more}`;
      log.warn({ actor, digest, code, problems: problems.slice(0, MAX_AUDITED_PROBLEMS) }, 'config.rejected');
      await deps.audit({
        ev: 'config.rejected',
        actor,
        subject: digest === null ? 'config:unreadable' : `config:${digest}`,
        outcome,
        reason,
        data: {
          problems: problems
            .slice(0, MAX_AUDITED_PROBLEMS)
            .map((p): JsonObject => ({ path: p.path, problem: p.problem })),
        },
      });
      return { outcome: 'rejected', digest, live: diff.live, restart: diff.restart, code, problems };
    };

    let next: AgentConfig;
    try {
      next = (await deps.load({ readFile: captureRead })).config;
    } catch (err) {
      if (isZtgwError(err) && (err.code === 'CONFIG_INVALID' || err.code === 'CONFIG_IO')) {
        return reject(
          err.code,
          problemsOf(err.details, err.message),
          err.code === 'CONFIG_IO' ? 'failed' : 'denied',
        );
      }
      throw err;
    }
    const diff = diffConfig(deps.running(), next);
    if (diff.restart.length > 0) {
      const problems = diff.restart.map((path) => ({
        path,
        problem: 'changed, but only applied at start: restart the agent to use it',
      }));
      return reject('CONFIG_NEEDS_RESTART', problems, 'denied', diff);
    }
    const digest = digestOf();
    if (diff.live.length === 0) {
      log.info({ actor, digest }, 'config.unchanged');
      return { outcome: 'unchanged', digest, live: [], restart: [], code: null, problems: [] };
    }
    let disconnected: readonly string[];
    try {
      disconnected = await deps.apply(next);
    } catch (err) {
      const problem = err instanceof Error ? err.message : String(err);
      return reject('CONFIG_APPLY_FAILED', [{ path: '(apply)', problem }], 'failed', diff);
    }
    log.info({ actor, digest, live: diff.live, disconnected }, 'config.accepted');
    await deps.audit({
      ev: 'config.accepted',
      actor,
      subject: `config:${digest ?? 'unreadable'}`,
      outcome: 'ok',
      data: { changed: [...diff.live], disconnected: [...disconnected] },
    });
    return { outcome: 'accepted', digest, live: diff.live, restart: [], code: null, problems: [] };
  };

  return {
    reload(actor) {
      const run = chain.then(() => once(actor));
      chain = run.catch(() => undefined);
      return run;
    },
  };
}

function problemsOf(details: JsonObject, message: string): readonly ConfigProblem[] {
  const raw = details['problems'];
  const out: ConfigProblem[] = [];
  if (Array.isArray(raw)) {
    for (const p of raw) {
      if (p !== null && typeof p === 'object' && !Array.isArray(p)) {
        out.push({ path: String(p['path'] ?? '?'), problem: String(p['problem'] ?? '?') });
      }
    }
  }
  return out.length > 0 ? out : [{ path: '(file)', problem: message }];
}
