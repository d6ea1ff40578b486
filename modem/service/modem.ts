/**
 * The Modem service: opens the port, probes and identifies the modem, picks its shim, and keeps it
 * answering through the recovery ladder. Reads live in read-info.ts; this file owns the lifecycle.
 */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveTraits, selectShim, shimById, UNIDENTIFIED_DIALECT } from '../../firmware-shims/index.js';
import type { Quirk, Shim, ShimTraits } from '../../firmware-shims/shim.js';
import type { AtChannel, AtResponse, SendOptions } from '../at/channel.js';
import { parseAti, parseCgmi, parseCgmm, parseCgmr } from '../at/parsers/index.js';
import type { ModemIdent } from '../at/types.js';
import { AtEngine } from '../engine/at-engine.js';
import { openSerialLink, type SerialLink } from '../engine/serial-link.js';
import type { TimeoutRule } from '../engine/timeouts.js';
import {
  DEFAULT_SYS_PATHS,
  findTtyByUsb,
  type SysPaths,
  type UsbIdentity,
  usbIdentityOf,
} from '../engine/usb-find.js';
import { hasCode, isZtgwError, ZtgwError } from '../errors.js';
import type { Logger } from '../log.js';
import {
  DEFAULT_RECOVERY,
  FRESH_RECOVERY,
  planRecovery,
  type RecoveryConfig,
  type RecoveryRung,
  type RecoveryState,
  recordRecovery,
} from './recovery.js';

export interface ModemConfig {
  readonly path: string;
  readonly baudRate: number;
  /** `AT` probes before the modem is declared silent. Default 3. */
  readonly probeAttempts: number;
  /** Per probe, in ms. Default 1000. */
  readonly probeTimeoutMs: number;
  /** SIM PIN, tried once when the SIM asks for it (never twice: three wrong PINs lock the SIM). */
  readonly simPin: string | null;
  /** argv of a command that power-cycles the modem (GPIO hook); null when there is none. */
  readonly powerCycleCommand: readonly string[] | null;
  /** Bound on the power-cycle command, in ms. Default 30000. */
  readonly powerCycleTimeoutMs: number;
  readonly recovery: RecoveryConfig;
  /** Longest wait for the reset budget before recovery gives up instead, in ms. Default 0 (do not wait). */
  readonly maxBudgetWaitMs: number;
  readonly timeoutRules?: readonly TimeoutRule[];
  /** How often the port is looked for while it is gone after a reset, in ms. Default 200. */
  readonly portPollMs: number;
}

export const DEFAULT_MODEM_CONFIG: Omit<ModemConfig, 'path'> = {
  baudRate: 115_200,
  probeAttempts: 3,
  probeTimeoutMs: 1000,
  simPin: null,
  powerCycleCommand: null,
  powerCycleTimeoutMs: 30_000,
  recovery: DEFAULT_RECOVERY,
  maxBudgetWaitMs: 0,
  portPollMs: 200,
};

export interface ModemDeps {
  readonly log: Logger;
  readonly openLink?: (path: string, opts: { baudRate: number }) => Promise<SerialLink>;
  /** Wall clock in ms since the epoch, for the reset budget. */
  readonly nowMs?: () => number;
  readonly sysPaths?: SysPaths;
}

/** How long a recovery may wait for the port to come back after a reset, beyond the shim's own figure. */
const PORT_RETURN_MARGIN_MS = 5000;

export class Modem implements AtChannel {
  private engine: AtEngine | null = null;
  private path: string;
  private usb: UsbIdentity | null = null;
  private recovery: RecoveryState = FRESH_RECOVERY;
  private isIdentified = false;
  private signal: AbortSignal = new AbortController().signal;
  private readonly log: Logger;
  private readonly nowMs: () => number;
  private readonly urcListeners = new Set<(line: string) => void>();
  shim: Shim = shimById('generic');
  traits: ShimTraits = shimById('generic').traits;
  quirks: readonly Quirk[] = [];
  ident: ModemIdent = { manufacturer: null, model: null, revision: null };

  constructor(
    readonly config: ModemConfig,
    private readonly deps: ModemDeps,
  ) {
    if (config.probeAttempts < 1) throw new TypeError('probeAttempts must be >= 1');
    this.path = config.path;
    this.log = deps.log.child({ component: 'modem' });
    this.nowMs = deps.nowMs ?? Date.now;
  }

  /** The port in use now (it changes when the modem re-enumerates under another name). */
  get portPath(): string {
    return this.path;
  }

  get engineStats(): AtEngine['stats'] | null {
    return this.engine?.stats ?? null;
  }

  /**
   * Opens the port, probes, identifies and configures the modem. Rejects with SERIAL_* when the port
   * cannot be opened, MODEM_NO_ANSWER when it stays silent through every probe.
   */
  async start(signal: AbortSignal): Promise<void> {
    this.signal = signal;
    await this.open(this.path);
    if (!(await this.probe())) {
      const err = new ZtgwError(
        'MODEM_NO_ANSWER',
        `no answer from ${this.path} after ${this.config.probeAttempts} probes (AT, ${this.config.probeTimeoutMs} ms each)`,
        { path: this.path, probes: this.config.probeAttempts, probeTimeoutMs: this.config.probeTimeoutMs },
      );
      await this.closeEngine();
      throw err;
    }
    await this.withRecovery('configure', () => this.configure());
  }

  async stop(): Promise<void> {
    await this.closeEngine();
  }

  onUrc(listener: (line: string) => void): () => void {
    this.urcListeners.add(listener);
    return () => this.urcListeners.delete(listener);
  }

  /** Sends a command as it is, without recovery (the raw `ztgw modem at`). */
  send(command: string, opts?: SendOptions): Promise<AtResponse> {
    if (this.engine === null)
      return Promise.reject(new ZtgwError('AT_PORT_CLOSED', `${command}: modem not open`, { command }));
    return this.engine.send(command, { signal: this.signal, ...opts });
  }

  /**
   * Runs a read; when the modem stops answering (timeout, resync failure, port gone) climbs the
   * recovery ladder and tries once more. Other errors pass through.
   */
  async withRecovery<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (!isStuck(err)) throw err;
      await this.recover(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      return run();
    }
  }

  /** Climbs the ladder until a rung brings the modem back; throws MODEM_GAVE_UP at the top. */
  async recover(reason: string): Promise<RecoveryRung> {
    this.log.warn({ reason }, 'modem.recovering');
    for (;;) {
      const isPortGone = this.engine === null || !this.engine.isOpen;
      const plan = planRecovery(this.recovery, this.nowMs(), this.config.recovery, isPortGone);
      if (plan.kind === 'give-up') {
        this.log.error({ reason: plan.reason }, 'modem.gave-up');
        throw new ZtgwError('MODEM_GAVE_UP', `${plan.reason} (first cause: ${reason})`, { path: this.path });
      }
      if (plan.kind === 'wait-reset-budget' && plan.delayMs > this.config.maxBudgetWaitMs) {
        throw new ZtgwError(
          'MODEM_RESET_BUDGET',
          `${plan.rung} needed but ${this.config.recovery.maxResetsPerHour} resets already ran in the last hour; next allowed in ${Math.ceil(plan.delayMs / 1000)} s`,
          { rung: plan.rung, delayMs: plan.delayMs },
        );
      }
      if (plan.delayMs > 0) await sleep(plan.delayMs, undefined, { signal: this.signal });
      this.log.info({ rung: plan.rung }, 'modem.recovery-rung');
      const isOk = await this.runRung(plan.rung).catch((err: unknown) => {
        this.log.warn({ err, rung: plan.rung }, 'modem.recovery-rung-failed');
        return false;
      });
      this.recovery = recordRecovery(this.recovery, plan.rung, isOk, this.nowMs());
      if (isOk) {
        this.log.info({ rung: plan.rung }, 'modem.recovered');
        return plan.rung;
      }
    }
  }

  private async runRung(rung: RecoveryRung): Promise<boolean> {
    switch (rung) {
      case 'reprobe': {
        const engine = this.engine;
        if (engine?.isOpen !== true || !(await this.probe()) || !(await engine.resync())) return false;
        // A modem that stopped answering may have rebooted: echo back on, CMEE and URC modes reset.
        await this.configure();
        return true;
      }
      case 'cfun-cycle': {
        await this.send('AT+CFUN=0', { skipResync: true });
        await this.send('AT+CFUN=1', { skipResync: true });
        if (this.traits.cfunSettleMs > 0)
          await sleep(this.traits.cfunSettleMs, undefined, { signal: this.signal });
        return this.reconfigureIfAlive();
      }
      case 'vendor-reset': {
        const unsynced: AtChannel = { send: (c, o) => this.send(c, { ...o, skipResync: true }) };
        await this.shim.reset(unsynced).catch((err: unknown) => {
          // A modem that does not answer the reset may still have taken it: reopen and see.
          if (!isStuck(err)) throw err;
        });
        await this.closeEngine();
        return this.reopen(this.traits.resetRecoverMs + PORT_RETURN_MARGIN_MS);
      }
      case 'reopen-port':
        await this.closeEngine();
        return this.reopen(PORT_RETURN_MARGIN_MS);
      case 'power-cycle': {
        const argv = this.config.powerCycleCommand;
        if (argv === null || argv.length === 0) return false;
        await this.closeEngine();
        await runArgv(argv, this.config.powerCycleTimeoutMs);
        return this.reopen(this.traits.resetRecoverMs + PORT_RETURN_MARGIN_MS);
      }
    }
  }

  /** Waits (bounded) for the port to exist again, under its name or found by USB identity, and opens it. */
  private async reopen(withinMs: number): Promise<boolean> {
    const deadline = this.nowMs() + withinMs;
    for (;;) {
      const path = await this.locatePort();
      if (path !== null) {
        try {
          await this.open(path);
          return await this.reconfigureIfAlive();
        } catch (err) {
          if (!hasCode(err, 'SERIAL_NOT_FOUND') && !hasCode(err, 'SERIAL_IO')) throw err;
        }
      }
      if (this.nowMs() >= deadline) return false;
      await sleep(this.config.portPollMs, undefined, { signal: this.signal });
    }
  }

  private async locatePort(): Promise<string | null> {
    const exists = await access(this.path).then(
      () => true,
      () => false,
    );
    if (exists) return this.path;
    if (this.usb === null) return null;
    const found = await findTtyByUsb(this.usb, this.deps.sysPaths ?? DEFAULT_SYS_PATHS);
    if (found !== null && found !== this.path) {
      this.log.warn({ from: this.path, to: found }, 'modem.port-moved');
      this.path = found;
    }
    return found;
  }

  private async reconfigureIfAlive(): Promise<boolean> {
    if (!(await this.probe())) return false;
    await this.configure();
    return true;
  }

  private async open(path: string): Promise<void> {
    const openLink = this.deps.openLink ?? ((p, o) => openSerialLink(p, o));
    const link = await openLink(path, { baudRate: this.config.baudRate });
    this.path = path;
    const usb = await usbIdentityOf(path, this.deps.sysPaths ?? DEFAULT_SYS_PATHS);
    if (usb !== null) this.usb = usb;
    const engine = new AtEngine({
      link,
      log: this.log.child({ component: 'at' }),
      ...(this.config.timeoutRules ? { timeoutRules: this.config.timeoutRules } : {}),
    });
    engine.setDialect(this.isIdentified ? this.shim : UNIDENTIFIED_DIALECT);
    engine.onUrc((line) => {
      for (const l of this.urcListeners) l(line);
    });
    engine.onClose((err) => this.log.warn({ err, path }, 'modem.port-closed'));
    this.engine = engine;
  }

  private async closeEngine(): Promise<void> {
    const e = this.engine;
    this.engine = null;
    if (e) await e.close();
  }

  private async probe(): Promise<boolean> {
    const engine = this.engine;
    if (engine === null) return false;
    for (let i = 0; i < this.config.probeAttempts; i++) {
      if (!engine.isOpen) return false;
      if (await engine.probe(this.config.probeTimeoutMs).catch(() => false)) return true;
    }
    return false;
  }

  /** Echo off, numeric +CME errors, location in registration reads; then identify and pick the shim. */
  private async configure(): Promise<void> {
    if (!this.traits.isEchoStuckOn) await this.send('ATE0').catch((err: unknown) => this.note('ATE0', err));
    await this.send('AT+CMEE=1').catch((err: unknown) => this.note('AT+CMEE=1', err));
    await this.identify();
    for (const cmd of ['AT+CREG=2', 'AT+CGREG=2', 'AT+CEREG=2']) {
      await this.send(cmd).catch((err: unknown) => this.note(cmd, err));
    }
  }

  private async identify(): Promise<void> {
    const lines = async (cmd: string): Promise<readonly string[]> =>
      this.send(cmd).then(
        (r) => r.lines,
        (err: unknown) => {
          this.note(cmd, err);
          return [];
        },
      );
    const cgmi = parseCgmi(await lines('AT+CGMI'));
    const cgmm = parseCgmm(await lines('AT+CGMM'));
    const cgmr = parseCgmr(await lines('AT+CGMR'));
    const atiLines = await lines('ATI');
    const ati = parseAti(atiLines);
    this.ident = {
      manufacturer: cgmi.ok ? cgmi.value : ati.manufacturer,
      model: cgmm.ok ? cgmm.value : ati.model,
      revision: cgmr.ok ? cgmr.value : ati.revision,
    };
    this.shim = selectShim(this.ident, atiLines);
    const { traits, quirks } = resolveTraits(this.shim, this.ident);
    this.traits = traits;
    this.quirks = quirks;
    this.isIdentified = true;
    this.engine?.setDialect(this.shim);
    this.log.info(
      {
        manufacturer: this.ident.manufacturer,
        model: this.ident.model,
        revision: this.ident.revision,
        shim: this.shim.id,
        quirks: quirks.map((q) => q.id),
      },
      'modem.identified',
    );
  }

  private note(command: string, err: unknown): void {
    if (isStuck(err)) throw err;
    this.log.debug({ command, err }, 'modem.command-refused');
  }
}

/** The modem stopped answering, as opposed to answering with an error. */
export function isStuck(err: unknown): boolean {
  return (
    isZtgwError(err) &&
    (err.code === 'AT_TIMEOUT' || err.code === 'AT_RESYNC_FAILED' || err.code === 'AT_PORT_CLOSED')
  );
}

function runArgv(argv: readonly string[], timeoutMs: number): Promise<void> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.resolve();
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs }, (err) =>
      err
        ? reject(
            new ZtgwError('MODEM_GAVE_UP', `power-cycle command failed: ${err.message}`, { argv: [...argv] }),
          )
        : resolve(),
    );
  });
}
