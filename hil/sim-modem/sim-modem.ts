/**
 * The simulated modem's shell: owns the PTY pair, the simulator's serial port and the timers, and
 * feeds each received line to the pure responder.
 *
 *   agent ═ pty ═ socat ═ pty ─▶ SerialPort ─▶ ReadlineParser('\r') ─▶ step() ─▶ planResponse() ─▶ write
 *                                                                  ▲ faults, SIM-busy window, clock
 *
 * Events: `command` (ReceivedCommand), `rebooted`, `port-vanished`, `port-returned`
 * ({ agentPath }), `sim-error` (Error; never thrown at the emitter).
 */
import { EventEmitter } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import {
  type ActiveFaults,
  type FaultName,
  type FaultParams,
  planResponse,
  seededRandom,
  withFault,
  withoutFault,
} from './faults.js';
import { frameLines } from './format.js';
import { profileById } from './profiles/index.js';
import type { Profile } from './profiles/types.js';
import { registrationUrcs } from './registration.js';
import { step } from './respond.js';
import { SimPort } from './sim-port.js';
import { applyPatch, type ModemState, powerUpState, type StatePatch } from './state.js';

export interface ReceivedCommand {
  readonly command: string;
  /** `clock()` when the line arrived, in ms. */
  readonly atMs: number;
}

export interface SimModemOptions {
  /** A profile or its registry key (`quectel-ec25`). */
  readonly profile: Profile | string;
  /** Directory for the PTY links; must exist. */
  readonly dir: string;
  /** File name the agent opens; default `modem`. */
  readonly agentLinkName?: string;
  /** Applied over the profile's initial state. */
  readonly state?: StatePatch;
  /** Clock in ms; default `Date.now`. */
  readonly clock?: () => number;
  /** Bound for the PTY links to appear, in ms; default 5000. */
  readonly pairTimeoutMs?: number;
}

export class SimModem extends EventEmitter {
  readonly profile: Profile;
  /** Every non-empty line received, in order. */
  readonly received: ReceivedCommand[] = [];
  private stateValue: ModemState;
  private faults: ActiveFaults = {};
  private port: SimPort | null = null;
  private linkName: string;
  private chain: Promise<void> = Promise.resolve();
  private vanishing: Promise<void> = Promise.resolve();
  private readonly stopper = new AbortController();
  private isRebooting = false;
  private simBusyUntilMs = 0;
  private stormTimer: NodeJS.Timeout | null = null;
  private stormIndex = 0;
  private garbageRandom: () => number = seededRandom(1);
  private readonly clock: () => number;

  constructor(private readonly opts: SimModemOptions) {
    super();
    this.profile = typeof opts.profile === 'string' ? profileById(opts.profile) : opts.profile;
    this.stateValue = applyPatch(this.profile.initialState, opts.state ?? {});
    this.linkName = opts.agentLinkName ?? 'modem';
    this.clock = opts.clock ?? Date.now;
  }

  /** The path the agent opens; changes after a `port-vanish`. */
  get agentPath(): string {
    if (this.port === null) throw new Error('SimModem not started (or its port has vanished)');
    return this.port.agentPath;
  }

  get state(): ModemState {
    return this.stateValue;
  }

  get activeFaults(): ActiveFaults {
    return this.faults;
  }

  /** Starts the PTY pair and opens the simulator's end. */
  async start(): Promise<void> {
    await this.openPair();
  }

  /** Stops timers, closes the port and kills socat. Safe to call twice; a stopped SimModem does not start again. */
  async stop(): Promise<void> {
    this.stopper.abort();
    this.stopStorm();
    await this.vanishing;
    await this.chain;
    await this.closePair();
  }

  /** Scripts the state; registration changes send URCs where the URC mode asks for them. */
  setState(patch: StatePatch): void {
    const stamped =
      patch.networkTime !== undefined && patch.networkTime !== null && patch.networkTime.setAtMs === undefined
        ? { ...patch, networkTime: { ...patch.networkTime, setAtMs: this.clock() } }
        : patch;
    const before = this.stateValue;
    this.stateValue = applyPatch(before, stamped);
    for (const urc of registrationUrcs(before, this.stateValue, this.profile)) this.emitUrc(urc);
  }

  /** Switches a fault on (or re-parameterises it). Throws TypeError for bad parameters. */
  setFault<N extends FaultName>(name: N, params?: FaultParams[N]): void {
    this.applyFault(name, params ?? {});
  }

  /** `setFault` for parameters that arrive untyped (a JSON control line); checked the same way. */
  applyFault(name: FaultName, params: unknown): void {
    const next = withFault(this.faults, name, params);
    if (!next.ok) throw new TypeError(`fault ${name}: ${next.reason}`);
    this.faults = next.value;
    const garbage = this.faults.garbage;
    if (name === 'garbage' && garbage !== undefined) this.garbageRandom = seededRandom(garbage.seed);
    if (name === 'urc-storm') this.startStorm();
    const vanish = this.faults['port-vanish'];
    if (name === 'port-vanish' && vanish !== undefined) {
      this.vanishing = this.vanish(vanish.downMs, vanish.nextLinkName).catch((e: unknown) => this.fail(e));
    }
  }

  clearFault(name: FaultName): void {
    this.faults = withoutFault(this.faults, name);
    if (name === 'urc-storm') this.stopStorm();
  }

  /** Sends one unsolicited line now (unless silent or rebooting). */
  emitUrc(line: string): void {
    if (this.isRebooting) return;
    this.write(frameLines([line], this.eol()));
  }

  /**
   * Resolves with the first received command at or after `fromIndex` that matches; rejects after
   * `timeoutMs`. Pass `sim.received.length` as `fromIndex` to wait only for new ones.
   */
  waitForCommand(
    match: string | RegExp | ((command: string) => boolean),
    opts: { readonly timeoutMs: number; readonly fromIndex?: number },
  ): Promise<ReceivedCommand> {
    const test = (c: string): boolean =>
      typeof match === 'string'
        ? c.toUpperCase() === match.toUpperCase()
        : match instanceof RegExp
          ? match.test(c)
          : match(c);
    const seen = this.received.slice(opts.fromIndex ?? 0).find((r) => test(r.command));
    if (seen !== undefined) return Promise.resolve(seen);
    return this.waitFor('command', opts.timeoutMs, `command ${String(match)}`, (r: ReceivedCommand) =>
      test(r.command),
    );
  }

  /** Resolves with the next `name` event's argument; rejects after `timeoutMs`. */
  waitForEvent(name: string, timeoutMs: number): Promise<unknown> {
    return this.waitFor(name, timeoutMs, `event ${name}`, () => true);
  }

  private waitFor<T>(name: string, timeoutMs: number, what: string, accept: (v: T) => boolean): Promise<T> {
    return new Promise((resolve, reject) => {
      const onEvent = (v: T): void => {
        if (!accept(v)) return;
        clearTimeout(timer);
        this.off(name, onEvent);
        resolve(v);
      };
      const timer = setTimeout(() => {
        this.off(name, onEvent);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.on(name, onEvent);
    });
  }

  private eol(): string {
    return this.faults.crcrlf === true ? '\r\r\n' : '\r\n';
  }

  private fail(e: unknown): void {
    if (this.stopper.signal.aborted) return;
    this.emit('sim-error', e instanceof Error ? e : new Error(String(e)));
  }

  private write(data: string | Buffer): void {
    if (this.faults.silence !== true) this.port?.write(data);
  }

  private sleep(ms: number): Promise<void> {
    return delay(ms, undefined, { signal: this.stopper.signal });
  }

  private onLine(raw: string): void {
    const command = raw.trim();
    if (command === '') return;
    const entry: ReceivedCommand = { command, atMs: this.clock() };
    this.received.push(entry);
    this.emit('command', entry);
    // A rebooting modem loses what it is sent.
    if (this.isRebooting) return;
    // A command that arrives while the modem is silent is never answered, even if silence ends first.
    const isSilent = this.faults.silence === true;
    this.chain = this.chain.then(() => this.handle(command, isSilent)).catch((e: unknown) => this.fail(e));
  }

  private async handle(command: string, isSilent: boolean): Promise<void> {
    if (this.isRebooting || this.stopper.signal.aborted) return;
    const nowMs = this.clock();
    const isEcho = this.stateValue.echo || this.faults['echo-stuck'] === true;
    const result = step(this.stateValue, this.profile, command, {
      nowMs,
      isSimBusy: nowMs < this.simBusyUntilMs,
    });
    const plan = planResponse(
      result.reply,
      isEcho ? `${command}\r` : null,
      result.urcs,
      this.faults,
      this.garbageRandom,
    );
    this.faults = plan.faults;
    // A command cut by a reboot never takes effect.
    if (plan.rebootSilentMs === null) this.stateValue = result.state;
    for (const chunk of plan.chunks) {
      if (chunk.afterMs > 0) await this.sleep(chunk.afterMs);
      if (!isSilent) this.write(chunk.data);
    }
    if (plan.rebootSilentMs !== null) return this.reboot(plan.rebootSilentMs);
    if (result.reply.effect === 'reboot') return this.reboot(this.profile.rebootMs);
    if (result.reply.effect === 'radio-on') this.armSimBusy();
  }

  private armSimBusy(): void {
    const busy = this.faults['sim-busy-after-cfun'];
    if (busy !== undefined) this.simBusyUntilMs = this.clock() + busy.durationMs;
  }

  private async reboot(silentMs: number): Promise<void> {
    this.isRebooting = true;
    try {
      await this.sleep(silentMs);
      this.stateValue = powerUpState(this.stateValue, this.profile.initialState);
    } finally {
      this.isRebooting = false;
    }
    this.armSimBusy();
    const urcs = this.profile.bootUrcs(this.stateValue);
    if (urcs.length > 0) this.write(frameLines(urcs, this.eol()));
    this.emit('rebooted');
  }

  private startStorm(): void {
    this.stopStorm();
    const storm = this.faults['urc-storm'];
    if (storm === undefined) return;
    const lines = storm.lines ?? this.profile.stormUrcs;
    this.stormTimer = setInterval(
      () => {
        const line = lines[this.stormIndex++ % lines.length];
        if (line !== undefined) this.emitUrc(line);
      },
      Math.max(1, Math.round(1000 / storm.perSecond)),
    );
  }

  private stopStorm(): void {
    if (this.stormTimer !== null) clearInterval(this.stormTimer);
    this.stormTimer = null;
  }

  private async vanish(downMs: number, nextLinkName: string): Promise<void> {
    await this.closePair();
    this.emit('port-vanished');
    await this.sleep(downMs);
    this.linkName = nextLinkName;
    await this.openPair();
    this.faults = withoutFault(this.faults, 'port-vanish');
    this.emit('port-returned', { agentPath: this.agentPath });
  }

  private async openPair(): Promise<void> {
    this.port = await SimPort.open({
      dir: this.opts.dir,
      agentLinkName: this.linkName,
      readyTimeoutMs: this.opts.pairTimeoutMs ?? 5000,
      onLine: (line) => this.onLine(line),
      onError: (e) => this.fail(e),
    });
  }

  private async closePair(): Promise<void> {
    const port = this.port;
    this.port = null;
    await port?.close();
  }
}
