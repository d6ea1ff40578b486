/**
 * The AT command engine: one command in flight per port, a timeout per command class whose clock
 * starts when the write has drained, URCs cut out of the stream, and a resync after every timeout so
 * that a late reply is never taken as the next command's answer.
 *
 *   send() ─▶ queue ─▶ [resync if the last command timed out] ─▶ write ─▶ drained ─▶ timer armed
 *   port bytes ─▶ LineFramer ─▶ stepCommand (pure) ─▶ lines / URC / final / timed-out ─▶ settle
 */
import { performance } from 'node:perf_hooks';
import type { AtChannel, AtResponse, SendOptions } from '../at/channel.js';
import { type CommandAction, type CommandState, startCommand, stepCommand } from '../at/command-machine.js';
import { classifyFinal, isSuccessFinal } from '../at/final.js';
import { LineFramer } from '../at/framer.js';
import { nextNonce, resyncCommands, startResync, stepResync } from '../at/resync.js';
import { type Dialect, GENERIC_DIALECT, isUrcLine } from '../at/urc.js';
import { ZtgwError } from '../errors.js';
import type { Logger } from '../log.js';
import { finalError } from './final-error.js';
import { type ResyncRun, resyncSequence } from './resync-wait.js';
import type { SerialLink } from './serial-link.js';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_TIMEOUT_RULES,
  type TimeoutRule,
  timeoutFor,
} from './timeouts.js';

export interface AtEngineOptions {
  readonly link: SerialLink;
  readonly log: Logger;
  readonly timeoutRules?: readonly TimeoutRule[];
  /** When no rule matches, in ms. Default 3000. */
  readonly defaultTimeoutMs?: number;
  /** Bound on one resync attempt (S-register write + readback), in ms. Default 3000. */
  readonly resyncTimeoutMs?: number;
  /** Quiet time after the resync write's final before the readback is sent, in ms. Default 100. */
  readonly resyncQuietMs?: number;
  /** Source of randomness for the resync nonce, in [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** Monotonic clock in ms, for elapsed times. Default performance.now. */
  readonly nowMs?: () => number;
}

export interface AtEngineStats {
  commands: number;
  timeouts: number;
  resyncs: number;
  resyncFailures: number;
  /** Lines that came while nothing was in flight and were not URCs (late replies). */
  strayLines: number;
  urcs: number;
}

interface InFlight {
  state: CommandState;
  readonly startedMs: number;
  writtenMs: number | null;
  timer: NodeJS.Timeout | null;
  readonly timeoutMs: number;
  readonly settle: (err: Error | null, res?: AtResponse) => void;
}

interface Queued {
  readonly command: string;
  readonly opts: SendOptions;
  /** A liveness probe: sent without a resync first, and its timeout defers the resync. */
  readonly isProbe?: boolean;
  readonly resolve: (r: AtResponse) => void;
  readonly reject: (e: Error) => void;
}

const CTRL_Z = '\x1a';

export class AtEngine implements AtChannel {
  private readonly framer = new LineFramer();
  private readonly queue: Queued[] = [];
  private current: InFlight | null = null;
  private resyncRun: ResyncRun | null = null;
  private isPumping = false;
  private isClosed = false;
  private closeReason: string | null = null;
  private needsResync = false;
  /** The firmware refused `ATS7?`: resync by quiet line + AT instead. */
  private isS7Unsupported = false;
  private lastNonce: number | null = null;
  private dialect: Dialect = GENERIC_DIALECT;
  private readonly urcListeners = new Set<(line: string) => void>();
  private readonly closeListeners = new Set<(err: Error | null) => void>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly now: () => number;
  /** Timeouts in a row without a completed command in between; the recovery ladder reads it. */
  consecutiveTimeouts = 0;
  readonly stats: AtEngineStats = {
    commands: 0,
    timeouts: 0,
    resyncs: 0,
    resyncFailures: 0,
    strayLines: 0,
    urcs: 0,
  };

  constructor(private readonly opts: AtEngineOptions) {
    this.now = opts.nowMs ?? (() => performance.now());
    this.unsubscribe.push(opts.link.onData((chunk) => this.onBytes(chunk)));
    this.unsubscribe.push(opts.link.onClose((err) => this.onLinkClosed(err)));
  }

  /** Switches to a firmware family's finals and URC prefixes (after the shim is chosen). */
  setDialect(dialect: Dialect): void {
    this.dialect = dialect;
  }

  /** Subscribes to URC lines; returns the unsubscribe function. */
  onUrc(listener: (line: string) => void): () => void {
    this.urcListeners.add(listener);
    return () => this.urcListeners.delete(listener);
  }

  /** Called when the port closes under the engine (modem reset, USB unplug). */
  onClose(listener: (err: Error | null) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  send(command: string, opts: SendOptions = {}): Promise<AtResponse> {
    const cmd = command.trim();
    if (!/^AT/i.test(cmd) || /[\r\n]/.test(cmd) || cmd.includes(CTRL_Z)) {
      return Promise.reject(
        new ZtgwError('AT_BAD_COMMAND', `not an AT command line: ${JSON.stringify(command)}`, { command }),
      );
    }
    if (this.isClosed) return Promise.reject(this.closedError(cmd));
    return new Promise<AtResponse>((resolve, reject) => {
      this.queue.push({ command: cmd, opts, resolve, reject });
      void this.pump();
    });
  }

  /**
   * Sends `AT` once as a liveness probe, without resyncing first: a late OK from an earlier probe is
   * harmless to a probe. After a probe timed out, the next ordinary command resyncs. Resolves true on OK.
   */
  probe(timeoutMs: number): Promise<boolean> {
    if (this.isClosed) return Promise.reject(this.closedError('AT'));
    return new Promise<AtResponse>((resolve, reject) => {
      this.queue.push({ command: 'AT', opts: { timeoutMs }, resolve, reject, isProbe: true });
      void this.pump();
    }).then(
      () => true,
      (err: unknown) => {
        if (err instanceof ZtgwError && (err.code === 'AT_TIMEOUT' || err.code === 'AT_ERROR')) return false;
        throw err;
      },
    );
  }

  /** Runs the resync probe now (queued behind commands in flight); true when the stream is in step. */
  resync(): Promise<boolean> {
    this.needsResync = true;
    return new Promise<AtResponse>((resolve, reject) => {
      this.queue.push({ command: 'AT', opts: { timeoutMs: 1000 }, resolve, reject });
      void this.pump();
    }).then(
      () => true,
      () => false,
    );
  }

  /** Rejects everything queued and closes the port. */
  async close(): Promise<void> {
    this.markClosed('engine closed');
    for (const u of this.unsubscribe) u();
    await this.opts.link.close();
  }

  private async pump(): Promise<void> {
    if (this.isPumping) return;
    this.isPumping = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        if (this.isClosed) {
          next.reject(this.closedError(next.command));
          continue;
        }
        const isUnsynced = next.isProbe === true || next.opts.skipResync === true;
        if (this.needsResync && !isUnsynced && !(await this.runResync())) {
          this.consecutiveTimeouts++;
          next.reject(
            new ZtgwError(
              'AT_RESYNC_FAILED',
              `modem did not answer the resync probe before ${next.command}`,
              {
                command: next.command,
                consecutiveTimeouts: this.consecutiveTimeouts,
              },
            ),
          );
          continue;
        }
        const wasResyncNeeded = this.needsResync;
        await this.runCommand(next).then(next.resolve, next.reject);
        // A probe or recovery command never clears a pending resync; its own timeout leaves one pending.
        if (isUnsynced) this.needsResync = this.needsResync || wasResyncNeeded;
      }
    } finally {
      this.isPumping = false;
    }
  }

  private runCommand(q: Queued): Promise<AtResponse> {
    const { command, opts } = q;
    const signal = opts.signal;
    if (signal?.aborted) {
      return Promise.reject(
        new ZtgwError('AT_ABORTED', `${command} aborted before it was sent`, { command }),
      );
    }
    const timeoutMs =
      opts.timeoutMs ??
      timeoutFor(
        command,
        this.opts.timeoutRules ?? DEFAULT_TIMEOUT_RULES,
        this.opts.defaultTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      );
    this.stats.commands++;
    return new Promise<AtResponse>((resolve, reject) => {
      const onAbort = (): void => {
        // The reply may still come: resync before the next command.
        this.needsResync = true;
        settle(new ZtgwError('AT_ABORTED', `${command} aborted`, { command }));
      };
      const settle = (err: Error | null, res?: AtResponse): void => {
        const cur = this.current;
        if (cur === null) return;
        if (cur.timer) clearTimeout(cur.timer);
        this.current = null;
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else if (res) resolve(res);
      };
      const inflight: InFlight = {
        state: startCommand(command, opts.payload ?? null),
        startedMs: this.now(),
        writtenMs: null,
        timer: null,
        timeoutMs,
        settle,
      };
      this.current = inflight;
      signal?.addEventListener('abort', onAbort, { once: true });
      this.opts.log.debug({ command }, 'at.send');
      this.opts.link.write(Buffer.from(`${command}\r`, 'latin1')).then(
        () => {
          if (this.current !== inflight) return; // answered (or failed) before the drain completed
          inflight.writtenMs = this.now();
          inflight.timer = setTimeout(() => this.feed({ kind: 'timeout' }), timeoutMs);
        },
        (err: unknown) => settle(err instanceof Error ? err : new Error(String(err))),
      );
    });
  }

  private onBytes(chunk: Buffer): void {
    if (this.opts.log.isLevelEnabled('trace')) this.opts.log.trace({ rx: chunk.toString('hex') }, 'at.rx');
    const expectPrompt =
      this.current !== null && this.current.state.payload !== null && !this.current.state.isPayloadSent;
    for (const tok of this.framer.push(chunk, expectPrompt)) {
      if (tok.kind === 'prompt') this.feed({ kind: 'prompt' });
      else if (this.resyncRun) this.onResyncLine(tok.text);
      else if (this.current) this.feed({ kind: 'line', text: tok.text });
      else this.onIdleLine(tok.text);
    }
    if (this.resyncRun) this.resyncRun.onEvent();
  }

  private feed(input: { kind: 'line'; text: string } | { kind: 'prompt' } | { kind: 'timeout' }): void {
    const cur = this.current;
    if (cur === null) return;
    const step = stepCommand(cur.state, input, this.dialect);
    cur.state = step.state;
    for (const a of step.actions) this.act(cur, a);
  }

  private act(cur: InFlight, a: CommandAction): void {
    const command = cur.state.command;
    switch (a.kind) {
      case 'urc':
        this.emitUrc(a.line);
        return;
      case 'write-payload':
        this.opts.link.write(Buffer.from(`${a.payload}${CTRL_Z}`, 'latin1')).catch((err: unknown) => {
          cur.settle(err instanceof Error ? err : new Error(String(err)));
        });
        return;
      case 'done': {
        this.consecutiveTimeouts = 0;
        const elapsedMs = Math.round(this.now() - (cur.writtenMs ?? cur.startedMs));
        this.opts.log.debug({ command, final: a.final.line, elapsedMs }, 'at.done');
        cur.settle(finalError(command, a.final, a.lines), { command, lines: a.lines, final: a.final.line });
        return;
      }
      case 'timed-out': {
        this.consecutiveTimeouts++;
        this.stats.timeouts++;
        this.needsResync = true;
        const elapsedMs = Math.round(this.now() - (cur.writtenMs ?? cur.startedMs));
        this.opts.log.warn({ command, phase: a.phase, elapsedMs }, 'at.timeout');
        cur.settle(
          new ZtgwError(
            'AT_TIMEOUT',
            `${command}: no ${a.phase === 'final' ? 'final result' : a.phase === 'prompt' ? 'prompt' : 'answer'} in ${cur.timeoutMs} ms`,
            {
              command,
              phase: a.phase,
              elapsedMs,
              timeoutMs: cur.timeoutMs,
              lines: [...a.lines],
              consecutiveTimeouts: this.consecutiveTimeouts,
            },
          ),
        );
        return;
      }
    }
  }

  private onIdleLine(text: string): void {
    if (isUrcLine(text, this.dialect)) {
      this.emitUrc(text);
      return;
    }
    const final = classifyFinal(text, this.dialect.finals);
    this.stats.strayLines++;
    if (final) {
      // A final with nothing in flight is a late reply: make sure the next command starts clean.
      this.needsResync = true;
      this.opts.log.warn({ line: text }, 'at.stray-final');
      return;
    }
    // Unknown unsolicited text (boot banners such as RDY before the shim is known): hand it out.
    this.emitUrc(text);
  }

  private emitUrc(line: string): void {
    this.stats.urcs++;
    for (const l of this.urcListeners) {
      try {
        l(line);
      } catch (err) {
        this.opts.log.error({ err, line }, 'at.urc-listener-failed');
      }
    }
  }

  private onResyncLine(text: string): void {
    const run = this.resyncRun;
    if (run === null) return;
    if (isUrcLine(text, this.dialect)) {
      this.emitUrc(text);
      return;
    }
    const final = classifyFinal(text, this.dialect.finals);
    if (final) {
      run.sawFinal = true;
      if (isSuccessFinal(final.kind)) run.okFinals++;
      else run.errorFinals++;
    }
    const step = stepResync(run.state, text, this.dialect);
    run.state = step.state;
    if (step.outcome === 'synced') run.isSynced = true;
  }

  /** Runs the S-register probe; true once the nonce came back. */
  private async runResync(): Promise<boolean> {
    this.stats.resyncs++;
    const nonce = nextNonce(this.lastNonce, (this.opts.random ?? Math.random)());
    this.lastNonce = nonce;
    const [setCmd, readCmd] = resyncCommands(nonce);
    const deadlineMs = this.opts.resyncTimeoutMs ?? 3000;
    const quietMs = this.opts.resyncQuietMs ?? 100;
    this.framer.reset();
    const run: ResyncRun = {
      state: startResync(nonce),
      sawFinal: false,
      isSynced: false,
      okFinals: 0,
      errorFinals: 0,
      onEvent: () => undefined,
    };
    this.resyncRun = run;
    try {
      const r = await resyncSequence(
        {
          write: (line) => this.opts.link.write(Buffer.from(`${line}\r`, 'latin1')),
          isClosed: () => this.isClosed,
          log: this.opts.log,
        },
        run,
        { setCmd, readCmd, deadlineMs, quietMs, isS7Unsupported: this.isS7Unsupported },
      );
      if (r.isS7Unsupported && !this.isS7Unsupported) this.opts.log.warn({}, 'at.resync-without-s7');
      this.isS7Unsupported = r.isS7Unsupported;
      if (r.isSynced) {
        this.needsResync = false;
        this.opts.log.info({ discarded: run.state.discarded, nonce }, 'at.resynced');
        return true;
      }
      this.stats.resyncFailures++;
      this.opts.log.warn({ nonce, discarded: run.state.discarded }, 'at.resync-failed');
      return false;
    } catch (err) {
      this.stats.resyncFailures++;
      this.opts.log.warn({ err }, 'at.resync-failed');
      return false;
    } finally {
      this.resyncRun = null;
    }
  }

  private onLinkClosed(err: Error | null): void {
    this.markClosed(err ? `port closed: ${err.message}` : 'port closed');
    for (const l of this.closeListeners) l(err);
  }

  private markClosed(reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closeReason = reason;
    this.current?.settle(this.closedError(this.current.state.command));
    for (const q of this.queue.splice(0)) q.reject(this.closedError(q.command));
    this.resyncRun?.onEvent();
  }

  private closedError(command: string): ZtgwError {
    return new ZtgwError('AT_PORT_CLOSED', `${command}: ${this.closeReason ?? 'port closed'}`, {
      command,
      path: this.opts.link.path,
    });
  }
}
