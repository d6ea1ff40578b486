/**
 * The operator's side of the lab: an MQTT client with the ops-cloud certificate that watches what
 * gateways publish, and a running `ztgw run` with a config written for the rig.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import nacl from 'tweetnacl';
import { requestControl } from '../../agent/control/control-server.js';
import type { JsonValue } from '../../modem/errors.js';
import { type MosquittoBroker, startMosquitto } from '../broker/index.js';
import { type LabDevice, type LabPki, makeLabPki } from '../pki/index.js';
import { PROFILES } from '../sim-modem/profiles/index.js';
import { runCli, ZTGW } from './kit.js';

export interface Received {
  readonly topic: string;
  readonly payload: string;
  /** The payload as received (CBOR messages are not text). */
  readonly bytes: Buffer;
  readonly isRetained: boolean;
}

export interface CloudWatcher {
  readonly inbox: Received[];
  waitFor(match: (m: Received) => boolean, what: string, timeoutMs?: number): Promise<Received>;
  close(): Promise<void>;
}

/** Connects as ops-cloud and subscribes to `filter`; resolves once the SUBACK is in. */
export async function watchCloud(
  broker: MosquittoBroker,
  pki: LabPki,
  filter: string,
): Promise<CloudWatcher> {
  const client: MqttClient = connect(broker.url, {
    protocolVersion: 5,
    // Back within ~50 ms of a broker restart, well before a gateway (whose pre-connect checks read the
    // modem) is: what it ships right after reconnecting is not missed.
    reconnectPeriod: 50,
    connectTimeout: 5000,
    ca: await readFile(pki.caFile),
    cert: await readFile(pki.opsCloud.certFile),
    key: await readFile(pki.opsCloud.keyFile),
  });
  const inbox: Received[] = [];
  const waiters = new Set<() => void>();
  client.on('message', (topic, payload, packet) => {
    inbox.push({ topic, payload: payload.toString('utf8'), bytes: payload, isRetained: packet.retain });
    for (const w of [...waiters]) w();
  });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('ops-cloud could not connect')), 10_000);
    client.once('connect', () => {
      client.subscribe(filter, { qos: 1 }, (err) => {
        clearTimeout(t);
        if (err) reject(err);
        else resolve();
      });
    });
  });
  return {
    inbox,
    waitFor: (match, what, timeoutMs = 20_000) =>
      new Promise<Received>((resolve, reject) => {
        const check = (): void => {
          const hit = inbox.find(match);
          if (hit === undefined) return;
          clearTimeout(t);
          waiters.delete(check);
          resolve(hit);
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(inbox.map((m) => m.topic))}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () => new Promise<void>((resolve) => client.end(true, {}, () => resolve())),
  };
}

export interface AgentRun {
  readonly child: ChildProcess;
  readonly socket: string;
  readonly configPath: string;
  logs(): string;
  /** `ztgw status --json`, parsed. */
  status(): Promise<Record<string, JsonValue>>;
  /** Polls `ztgw status` until `ok(status)` holds; rejects with the last status after `timeoutMs`. */
  waitForStatus(
    ok: (s: Record<string, JsonValue>) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<Record<string, JsonValue>>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface AgentSetup {
  readonly dir: string;
  readonly device: LabDevice;
  readonly pki: LabPki;
  readonly broker: MosquittoBroker;
  readonly modemPath: string;
  /** Patch merged into the config object. */
  readonly config?: Record<string, unknown>;
  readonly extraArgs?: readonly string[];
}

export async function startAgent(s: AgentSetup): Promise<AgentRun> {
  const socket = join(s.dir, 'run', 'control.sock');
  const cfg = {
    deviceId: s.device.deviceId,
    uplink: {
      brokers: [{ url: s.broker.url }],
      caFile: s.pki.caFile,
      certFile: s.device.certFile,
      keyFile: s.device.keyFile,
      backoffBaseMs: 200,
      backoffMaxMs: 1000,
    },
    modem: { port: s.modemPath },
    identity: { keysDir: s.device.keysDir },
    paths: { stateDir: join(s.dir, 'state'), controlSocket: socket },
    log: { level: 'info' },
    // The operator's config-signing key: remote config is not exercised here, but the field is required.
    operatorKeys: [Buffer.from(nacl.sign.keyPair().publicKey).toString('base64')],
    ...(s.config ?? {}),
  };
  await mkdir(s.dir, { recursive: true });
  const configPath = join(s.dir, 'agent.json');
  await writeFile(configPath, JSON.stringify(cfg, null, 2));
  const child = spawn(
    ZTGW,
    ['run', '--config', configPath, '--state-refresh-ms', '500', ...(s.extraArgs ?? [])],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString('utf8');
  });
  child.stderr?.on('data', (b: Buffer) => {
    out += b.toString('utf8');
  });
  const status = async (): Promise<Record<string, JsonValue>> => {
    const r = await runCli(['status', '--socket', socket, '--json'], 10_000);
    if (r.code !== 0) throw new Error(`status exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, JsonValue>;
  };
  const controlStatus = async (): Promise<Record<string, JsonValue>> =>
    (await requestControl(socket, 'status')) as Record<string, JsonValue>;
  return {
    child,
    socket,
    configPath,
    logs: () => out,
    status,
    waitForStatus: async (ok, what, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      let last: unknown = null;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`agent exited ${child.exitCode}: ${out}`);
        // In-process over the control socket: polling by spawning `ztgw status` five times a second
        // cost a Node start each time; status() above still goes through the real CLI.
        const st = await controlStatus().catch((e: unknown) => {
          last = String(e);
          return null;
        });
        if (st !== null) {
          last = st;
          if (ok(st)) return st;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(
        `agent never reached ${what}; last status ${JSON.stringify(last)}\nlogs:\n${out.slice(-3000)}`,
      );
    },
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise((r) => child.once('close', r));
      child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(t);
    },
  };
}

/** A field of a JSON object, or undefined. */
export function at(v: JsonValue | undefined, ...path: string[]): JsonValue | undefined {
  let cur = v;
  for (const k of path) {
    if (cur === null || cur === undefined || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** One line of `ztgw audit tail --json`. */
export interface AuditTailLine {
  readonly ev: string;
  readonly actor: string;
  readonly subject: string;
  readonly outcome: string;
  readonly reason?: string;
}

/** The agent's audit log, read with the real `ztgw audit tail --json` (agentDir = startAgent's dir). */
export async function auditTail(agentDir: string): Promise<AuditTailLine[]> {
  const r = await runCli(['audit', 'tail', '--dir', `${agentDir}/state/audit`, '-n', '1000', '--json']);
  if (r.code !== 0) throw new Error(`audit tail exited ${r.code}: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as AuditTailLine);
}

/** The SIM and modem identity of the simulator's quectel-ec25 profile, which gw-1 is bound to. */
export const LAB_IDENTITY = PROFILES['quectel-ec25']?.initialState.identity ?? { iccid: '', imei: '' };

/**
 * The rig most agent scenarios start from: a lab PKI whose gw-1 certificate is bound to
 * LAB_IDENTITY, and a broker (the caller stops it).
 */
export async function labRig(
  dir: string,
  opts: { readonly isPersistent?: boolean } = {},
): Promise<{ pki: LabPki; broker: MosquittoBroker; device: LabDevice }> {
  const pki = await makeLabPki(`${dir}/pki`, { deviceIds: ['gw-1'], bindings: { 'gw-1': LAB_IDENTITY } });
  const broker = await startMosquitto({ dir: `${dir}/broker`, pki, ...opts });
  const device = pki.devices['gw-1'];
  if (device === undefined) throw new Error('no gw-1');
  return { pki, broker, device };
}
