/**
 * What the uplink HIL scenarios (hil/scenarios/uplink-*.test.ts) share: the uplink config for a lab
 * device, event-driven waits on the uplink's records, the count of this process's sockets to a
 * port (from /proc), mosquitto's log of one client's sessions, and `mosquitto_sub` as the cloud
 * subscriber in its own process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { UplinkConfig } from '../../../agent/config/types.js';
import { validateConfig } from '../../../agent/config/validate.js';
import { parseProcNet, socketInodes } from '../../../agent/uplink/proc-net.js';
import type { AttemptRecord, UplinkClient } from '../../../agent/uplink/uplink-types.js';

export const MOSQUITTO_SUB = '/usr/bin/mosquitto_sub';
export const hasMosquittoSub = existsSync(MOSQUITTO_SUB);

/** A lab device's uplink config, through the real validator (so the HIL runs what a gateway would load). */
export function uplinkConfig(
  device: { readonly deviceId: string; readonly certFile: string; readonly keyFile: string },
  caFile: string,
  urls: readonly string[],
  over: Record<string, string | number | boolean> = {},
): UplinkConfig {
  const r = validateConfig(
    {
      deviceId: device.deviceId,
      uplink: {
        brokers: urls.map((url) => ({ url })),
        caFile,
        certFile: device.certFile,
        keyFile: device.keyFile,
        connectTimeoutMs: 5000,
        backoffBaseMs: 20,
        backoffMaxMs: 640,
        publishTimeoutMs: 5000,
        ...over,
      },
      modem: { port: '/dev/null' },
      operatorKeys: [Buffer.alloc(32, 7).toString('base64')],
    },
    { interfaces: {} },
  );
  if (!r.ok) throw new Error(`test config invalid: ${JSON.stringify(r.problems)}`);
  return r.config.uplink;
}

/** Resolves with the records once `done(records)` holds (checked on every record); rejects after `deadlineMs`. */
export function waitRecords(
  up: UplinkClient,
  what: string,
  done: (records: readonly AttemptRecord[]) => boolean,
  deadlineMs: number,
  records: () => readonly AttemptRecord[] = () => up.attempts(),
): Promise<readonly AttemptRecord[]> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const rs = records();
      if (!done(rs)) return;
      cleanup();
      resolve(rs);
    };
    const off = up.onAttempt(check);
    const timer = setTimeout(() => {
      cleanup();
      const seen = records().map((r) => `${r.outcome}:${r.reason}`);
      reject(new Error(`no ${what} within ${deadlineMs} ms; records: ${seen.slice(-12).join(', ')}`));
    }, deadlineMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      off();
    };
    check();
  });
}

/** This process's TCP sockets whose peer port is `port`, read from /proc (fd inodes × /proc/net/tcp{,6}). */
export function ownSocketsTo(port: number): number {
  const fdDir = '/proc/self/fd';
  const targets: string[] = [];
  for (const fd of readdirSync(fdDir)) {
    try {
      targets.push(readlinkSync(join(fdDir, fd)));
    } catch {
      // The fd was closed between readdir and readlink: it is not held any more.
    }
  }
  const own = socketInodes(targets);
  let n = 0;
  for (const proto of ['tcp', 'tcp6'] as const) {
    const text = readFileSync(`/proc/net/${proto}`, 'utf8');
    for (const s of parseProcNet(text, proto).sockets) if (own.has(s.inode) && s.remotePort === port) n++;
  }
  return n;
}

/**
 * Walks mosquitto's log (which it appends to across restarts) and returns the most sessions of
 * `clientId` it ever had at once, and every line where it took over a session that was still open.
 */
export function sessionsInLog(
  log: string,
  clientId: string,
): { maxAtOnce: number; takeovers: string[]; connects: number } {
  let open = 0;
  let maxAtOnce = 0;
  let connects = 0;
  const takeovers: string[] = [];
  const id = clientId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const line of log.split('\n')) {
    if (/mosquitto version \S+ (starting|terminating)/.test(line)) open = 0;
    else if (new RegExp(`New client connected from \\S+ as ${id} `).test(line)) {
      open++;
      connects++;
      maxAtOnce = Math.max(maxAtOnce, open);
    } else if (new RegExp(`Client ${id} already connected`).test(line)) takeovers.push(line);
    else if (
      new RegExp(
        `(Client ${id} (disconnected|closed its connection|has exceeded timeout))|(Socket error on client ${id},)`,
      ).test(line)
    ) {
      open = Math.max(0, open - 1);
    }
  }
  return { maxAtOnce, takeovers, connects };
}

export interface SubMessage {
  readonly isRetained: boolean;
  readonly topic: string;
  readonly payload: string;
}

/** `mosquitto_sub` with the ops-cloud identity, in its own process; each message as one line. */
export class CloudSubscriber {
  readonly messages: SubMessage[] = [];
  private readonly child: ChildProcess;
  private buffered = '';
  private stderr = '';
  private readonly watchers = new Set<() => void>();

  constructor(opts: { port: number; caFile: string; certFile: string; keyFile: string; topic: string }) {
    this.child = spawn(
      MOSQUITTO_SUB,
      [
        ['-h', 'localhost'],
        ['-p', String(opts.port)],
        ['--cafile', opts.caFile],
        ['--cert', opts.certFile],
        ['--key', opts.keyFile],
        ['-q', '1'],
        ['-t', opts.topic],
        ['-F', '%r %t %p'],
      ].flat(),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child.stdout?.on('data', (b: Buffer) => {
      this.buffered += b.toString('utf8');
      let nl = this.buffered.indexOf('\n');
      while (nl !== -1) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        const [flag, topic, ...rest] = line.split(' ');
        this.messages.push({ isRetained: flag === '1', topic: topic ?? '', payload: rest.join(' ') });
        nl = this.buffered.indexOf('\n');
      }
      for (const w of [...this.watchers]) w();
    });
    this.child.stderr?.on('data', (b: Buffer) => {
      this.stderr += b.toString('utf8');
    });
  }

  /**
   * Resolves with the first message from index `fromIndex` on matching `match` (already received or
   * to come); rejects after `deadlineMs`.
   */
  waitFor(
    what: string,
    match: (m: SubMessage) => boolean,
    deadlineMs: number,
    fromIndex = 0,
  ): Promise<SubMessage> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = this.messages.slice(fromIndex).find(match);
        if (hit === undefined) return;
        clearTimeout(timer);
        this.watchers.delete(check);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        this.watchers.delete(check);
        reject(
          new Error(
            `subscriber saw no ${what} within ${deadlineMs} ms; got ${JSON.stringify(this.messages)}; stderr ${this.stderr}`,
          ),
        );
      }, deadlineMs);
      this.watchers.add(check);
      check();
    });
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }
}
