/**
 * The "cloud" broker of the benchmark: the rig's mosquitto configuration (one mTLS listener, CN as
 * username, ACL by CN, from hil/broker's builders) with what the measurement needs on top:
 *
 * - ACL lines for the peer: its bridge (the device identity) may write `gw/<id>/#` and its
 *   connection notification, and the
 *   checker (ops-cloud) may read it, next to the usual `ztgw/+/up/#`;
 * - no per-client queue or in-flight limits, so a checker that falls behind for a moment is
 *   never the one that loses a reading (the gateways keep their own limits as deployed);
 * - any bind address, and optionally a network namespace to run in.
 *
 * Ready when a TLS handshake with the checker's certificate completes.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect as tlsConnect } from 'node:tls';
import { MOSQUITTO_PATH } from '../../broker/mosquitto.js';
import { aclFile, mosquittoConfig, OPS_CLOUD_ACL } from '../../broker/mosquitto-config.js';
import type { LabPki } from '../../pki/make-lab-pki.js';
import { spawnBenchChild } from './child.js';

export interface CloudBrokerOptions {
  readonly dir: string;
  readonly pki: LabPki;
  /** Device ids whose peer bridge may publish under `gw/<id>/`. */
  readonly deviceIds: readonly string[];
  readonly bindAddress: string;
  readonly port: number;
  /** Where the readiness probe connects (the bind address, or a route to it). */
  readonly probeHost: string;
  /** Network namespace to run the broker in. Default: the current one. */
  readonly netns?: string;
  /** Bound on start until the TLS probe succeeds, in ms. Default 10000. */
  readonly startTimeoutMs?: number;
  /** Between readiness probes, in ms. Default 50. */
  readonly probeIntervalMs?: number;
  /** Bound on one readiness handshake, in ms. Default 1000. */
  readonly probeTimeoutMs?: number;
  /** Bound on a graceful stop before SIGKILL, in ms. Default 5000. */
  readonly stopTimeoutMs?: number;
}

export interface CloudBroker {
  readonly port: number;
  readonly pid: number;
  logText(): Promise<string>;
  stop(): Promise<void>;
}

/** The checker's topics: the ztgw telemetry and the peer's bridged topics. */
export function cloudOperators(deviceIds: readonly string[]) {
  return [
    { ...OPS_CLOUD_ACL, read: [...OPS_CLOUD_ACL.read, 'gw/+/#'] },
    // The bridge also publishes its connection state (and sets it as its will): mosquitto's default
    // `notifications true`. A denied one makes the cloud answer with a PUBACK the bridge drops the link on.
    ...deviceIds.map((id) => ({
      user: id,
      read: [],
      write: [`gw/${id}/#`, `$SYS/broker/connection/${id}/state`],
    })),
  ];
}

export async function startCloudBroker(o: CloudBrokerOptions): Promise<CloudBroker> {
  await mkdir(o.dir, { recursive: true });
  const paths = {
    config: join(o.dir, 'mosquitto.conf'),
    acl: join(o.dir, 'acl'),
    log: join(o.dir, 'mosquitto.log'),
    out: join(o.dir, 'mosquitto.out'),
  };
  await writeFile(paths.acl, aclFile(cloudOperators(o.deviceIds)));
  const base = mosquittoConfig({
    port: o.port,
    bindAddress: o.bindAddress,
    caFile: o.pki.caFile,
    certFile: o.pki.broker.certFile,
    keyFile: o.pki.broker.keyFile,
    aclFile: paths.acl,
    logFile: paths.log,
    tlsVersion: null,
    isRoot: process.getuid?.() === 0,
    persistenceDir: null,
  });
  // 0 = no limit (mosquitto.conf(5)): measurement equipment must not drop what a gateway delivered.
  await writeFile(paths.config, `${base}max_inflight_messages 0\nmax_queued_messages 0\n`);

  const child = spawnBenchChild({
    name: 'cloud mosquitto',
    argv: [MOSQUITTO_PATH, '-c', paths.config],
    ...(o.netns === undefined ? {} : { netns: o.netns }),
    outPath: paths.out,
    stopTimeoutMs: o.stopTimeoutMs ?? 5000,
  });
  const tails = async (): Promise<string> => {
    const tail = async (p: string) =>
      (await readFile(p, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n');
    return `--- ${paths.log}\n${await tail(paths.log)}\n--- ${paths.out}\n${await tail(paths.out)}`;
  };

  const [ca, cert, key] = await Promise.all([
    readFile(o.pki.caFile),
    readFile(o.pki.opsCloud.certFile),
    readFile(o.pki.opsCloud.keyFile),
  ]);
  const probe = (): Promise<boolean> =>
    new Promise((resolve) => {
      const sock = tlsConnect({ host: o.probeHost, port: o.port, servername: 'localhost', ca, cert, key });
      const done = (isUp: boolean): void => {
        sock.removeAllListeners();
        sock.on('error', () => undefined);
        sock.destroy();
        resolve(isUp);
      };
      sock.once('secureConnect', () => done(true));
      sock.once('error', () => done(false));
      sock.setTimeout(o.probeTimeoutMs ?? 1000, () => done(false));
    });
  const timeoutMs = o.startTimeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitNote() !== null) throw new Error(`cloud mosquitto exited during start:\n${await tails()}`);
    if (await probe()) break;
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(
        `cloud mosquitto did not accept TLS on ${o.probeHost}:${o.port} within ${timeoutMs} ms:\n${await tails()}`,
      );
    }
    await sleep(o.probeIntervalMs ?? 50);
  }
  return {
    port: o.port,
    pid: child.proc.pid ?? 0,
    logText: () => readFile(paths.log, 'utf8').catch(() => ''),
    stop: child.stop,
  };
}
