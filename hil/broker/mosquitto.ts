/**
 * A real mosquitto for the HIL rig: generated config (one mTLS listener on 127.0.0.1, CN as
 * username, ACL by CN, no persistence, log to a file), started as a child process, ready when a
 * TLS handshake with a client certificate completes on its port.
 *
 *   startMosquitto() ─▶ free port ─▶ write conf/acl(/openssl.cnf) ─▶ spawn ─▶ probe TLS until ready
 *   restart()        ─▶ SIGTERM (or SIGKILL) ─▶ wait exit ─▶ spawn on the same port ─▶ probe
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'node:tls';
import type { LabPki } from '../pki/make-lab-pki.js';
import { freePort } from './free-port.js';
import {
  aclFile,
  mosquittoConfig,
  OPS_CLOUD_ACL,
  type OperatorAcl,
  opensslPinConfig,
  type TlsVersion,
  tlsClientVersionOptions,
} from './mosquitto-config.js';

export const MOSQUITTO_PATH = '/usr/sbin/mosquitto';

export interface MosquittoOptions {
  /** Working directory for the config, ACL, log; created when missing. */
  readonly dir: string;
  readonly pki: LabPki;
  /** Pin the listener to exactly this TLS version; default mosquitto's (TLS 1.2 and 1.3). */
  readonly tlsVersion?: TlsVersion;
  /** Which broker certificate to present: the lab CA's (default) or the unrelated CA's. */
  readonly serverCert?: 'lab' | 'other-ca';
  /** Operator identities and their topics; default [OPS_CLOUD_ACL]. */
  readonly operators?: readonly OperatorAcl[];
  /** Port to listen on; default a free one (found by binding port 0). */
  readonly port?: number;
  /** Bound on start (or restart) until the port completes a TLS handshake, in ms; default 10000. */
  readonly startTimeoutMs?: number;
  /** Between readiness probes, in ms; default 50. */
  readonly probeIntervalMs?: number;
  /** Bound on one readiness handshake, in ms; default 1000. */
  readonly probeTimeoutMs?: number;
  /** Bound on a graceful stop before SIGKILL, in ms; default 5000. */
  readonly stopTimeoutMs?: number;
  /** The broker binary; default /usr/sbin/mosquitto. */
  readonly mosquittoPath?: string;
  /**
   * Keep sessions and their queued QoS 1 messages across a restart (mosquitto `persistence true`,
   * saved at the graceful stop), so that a persistent subscriber misses nothing. Default false.
   */
  readonly isPersistent?: boolean;
}

export interface MosquittoBroker {
  /** `mqtts://localhost:<port>` (the broker cert's CN and SAN name localhost). */
  readonly url: string;
  readonly port: number;
  readonly logPath: string;
  readonly configPath: string;
  /** The CA that signed the certificate the broker presents (what a client would need to trust it). */
  readonly servedCaFile: string;
  readonly tlsVersion: TlsVersion | null;
  /** The running process id, or null while stopped. */
  readonly pid: number | null;
  /** Stops the broker (SIGTERM, then SIGKILL after stopTimeoutMs) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
  /**
   * Stops (gracefully, or with `signal: 'SIGKILL'` as a crash) and starts again on the same port,
   * after `downMs` (default 0) of outage.
   */
  restart(opts?: { readonly signal?: 'SIGTERM' | 'SIGKILL'; readonly downMs?: number }): Promise<void>;
  /** The broker's log so far. */
  logText(): Promise<string>;
}

/** Starts a real mosquitto as described in the module comment; rejects with its log when it does not come up. */
export async function startMosquitto(opts: MosquittoOptions): Promise<MosquittoBroker> {
  const bin = opts.mosquittoPath ?? MOSQUITTO_PATH;
  if (!existsSync(bin)) throw new Error(`mosquitto not found at ${bin} (apt-get install mosquitto)`);
  await mkdir(opts.dir, { recursive: true });
  const pki = opts.pki;
  const served = opts.serverCert === 'other-ca' ? pki.otherBroker : pki.broker;
  const servedCaFile = opts.serverCert === 'other-ca' ? pki.otherCaFile : pki.caFile;
  const tlsVersion = opts.tlsVersion ?? null;
  const paths = {
    config: join(opts.dir, 'mosquitto.conf'),
    acl: join(opts.dir, 'acl'),
    log: join(opts.dir, 'mosquitto.log'),
    out: join(opts.dir, 'mosquitto.out'),
    openssl: join(opts.dir, 'openssl.cnf'),
  };
  const startTimeoutMs = opts.startTimeoutMs ?? 10_000;
  const probeIntervalMs = opts.probeIntervalMs ?? 50;
  const probeTimeoutMs = opts.probeTimeoutMs ?? 1000;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 5_000;
  // The probe is the cloud subscriber: a client the broker accepts, checking the served chain.
  const [servedCa, cert, key] = await Promise.all([
    readFile(servedCaFile),
    readFile(pki.opsCloud.certFile),
    readFile(pki.opsCloud.keyFile),
  ]);

  await writeFile(paths.acl, aclFile(opts.operators ?? [OPS_CLOUD_ACL]));
  if (tlsVersion !== null) await writeFile(paths.openssl, opensslPinConfig(tlsVersion));

  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };

  const spawnBroker = async (port: number): Promise<void> => {
    await writeFile(
      paths.config,
      mosquittoConfig({
        port,
        bindAddress: '127.0.0.1',
        caFile: pki.caFile,
        certFile: served.certFile,
        keyFile: served.keyFile,
        aclFile: paths.acl,
        logFile: paths.log,
        tlsVersion,
        isRoot: process.getuid?.() === 0,
        persistenceDir: opts.isPersistent === true ? `${opts.dir}/` : null,
      }),
    );
    const out = openSync(paths.out, 'a');
    try {
      const env = { ...process.env, ...(tlsVersion === null ? {} : { OPENSSL_CONF: paths.openssl }) };
      const proc = spawn(bin, ['-c', paths.config], { stdio: ['ignore', out, out], env });
      child = proc;
      exited = new Promise((resolve) => proc.once('exit', () => resolve()));
      process.once('exit', killOnExit);
    } finally {
      closeSync(out);
    }
  };

  /** One handshake attempt: true when a TLS session with a client certificate was set up. */
  const probe = (port: number): Promise<boolean> =>
    new Promise((resolve) => {
      const sock = connect({
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        ca: servedCa,
        cert,
        key,
        ...tlsClientVersionOptions(tlsVersion),
      });
      const done = (isUp: boolean): void => {
        sock.removeAllListeners();
        sock.on('error', () => undefined);
        sock.destroy();
        resolve(isUp);
      };
      sock.once('secureConnect', () => done(true));
      sock.once('error', () => done(false));
      sock.setTimeout(probeTimeoutMs, () => done(false));
    });

  const waitReady = async (port: number): Promise<void> => {
    const deadline = Date.now() + startTimeoutMs;
    let isGone = false;
    void exited.then(() => {
      isGone = true;
    });
    while (Date.now() < deadline) {
      if (isGone) throw new Error(`mosquitto exited during start:\n${await tails(paths)}`);
      if (await probe(port)) return;
      await sleep(probeIntervalMs);
    }
    throw new Error(
      `mosquitto did not accept TLS on port ${port} within ${startTimeoutMs} ms:\n${await tails(paths)}`,
    );
  };

  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    const proc = child;
    if (proc === null) return;
    process.off('exit', killOnExit);
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill(signal);
      // The grace timer is cancelled as soon as the process exits, so it never holds the loop.
      const grace = new AbortController();
      const isDone = await Promise.race([
        exited.then(() => true),
        sleep(stopTimeoutMs, false, { signal: grace.signal }).catch(() => false),
      ]);
      grace.abort();
      if (!isDone) {
        proc.kill('SIGKILL');
        await exited;
      }
    }
    child = null;
  };

  let port = opts.port ?? (await freePort());
  // A free port can be taken between closing it and mosquitto binding it; then try another one.
  for (let attempt = 1; ; attempt++) {
    await spawnBroker(port);
    try {
      await waitReady(port);
      break;
    } catch (err) {
      await stop('SIGKILL');
      const isPortTaken = (await tails(paths)).includes('Address already in use');
      if (opts.port !== undefined || !isPortTaken || attempt >= 3) throw err;
      port = await freePort();
    }
  }

  return {
    url: `mqtts://localhost:${port}`,
    port,
    logPath: paths.log,
    configPath: paths.config,
    servedCaFile,
    tlsVersion,
    get pid() {
      return child?.pid ?? null;
    },
    stop: () => stop(),
    restart: async (o = {}) => {
      await stop(o.signal ?? 'SIGTERM');
      if ((o.downMs ?? 0) > 0) await sleep(o.downMs ?? 0);
      await spawnBroker(port);
      await waitReady(port);
    },
    logText: () => readFile(paths.log, 'utf8').catch(() => ''),
  };
}

async function tails(paths: { log: string; out: string }): Promise<string> {
  const tail = async (p: string): Promise<string> =>
    (await readFile(p, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n');
  return `--- ${paths.log}\n${await tail(paths.log)}\n--- ${paths.out}\n${await tail(paths.out)}`;
}
