/**
 * The local listeners against clients we did not write, run as real processes: mosquitto_pub
 * (MQTT 3.1.1 and 5), curl (HTTP) and socat (the Unix socket), plus a sensor process killed with
 * SIGKILL mid-stream. The gate behind the listeners appends every reading to a real file and
 * fsyncs it before it answers, so "acknowledged" here means "on disk": each test reads the file
 * back.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createAuthenticator,
  hashSecret,
  hashToken,
  type IngestResult,
  type Listener,
  type ListenerEvent,
  type SensorGate,
  startListener,
} from '../../agent/proxies/index.js';
import { silentLogger } from '../../modem/log.js';

/** Bound on each client process and each wait, in ms. */
const DEADLINE_MS = 15_000;
const TOOLS = ['/usr/bin/mosquitto_pub', '/usr/bin/curl', '/usr/bin/socat'];

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a client process to its end; SIGKILLs it at the deadline. */
function run(cmd: string, args: readonly string[], stdin = ''): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

/** A gate with real credentials (scrypt and a token) and an fsynced append-only file as journal. */
class FileGate implements SensorGate {
  readonly events: ListenerEvent[] = [];
  private chain: Promise<void> = Promise.resolve();
  private waiters = new Set<() => void>();
  lines = 0;

  private constructor(
    private readonly verify: (id: string, s: string) => Promise<boolean>,
    readonly file: string,
  ) {}

  static async create(file: string): Promise<FileGate> {
    const creds = {
      s1: await hashSecret('pw-one', { N: 1024 }),
      s2: await hashSecret('pw-two', { N: 1024 }),
    };
    const auth = createAuthenticator({ ...creds, t1: hashToken('tok-0123456789abcdef') });
    return new FileGate((id, s) => auth.verify(id, s), file);
  }

  async authenticate(sensorId: string, secret: string) {
    return (await this.verify(sensorId, secret))
      ? ({ ok: true } as const)
      : ({ ok: false, reason: 'bad credentials' } as const);
  }

  publish(sensorId: string, topic: string, payload: Uint8Array): Promise<IngestResult> {
    if (!topic.startsWith('readings/')) {
      return Promise.resolve({
        ok: false,
        kind: 'denied',
        rule: 'topic-not-allowed',
        reason: 'readings/# only',
      });
    }
    const line = `${JSON.stringify({ sensorId, topic, payload: Buffer.from(payload).toString('base64') })}\n`;
    // One append and fsync at a time, in order: what a journal's group commit guarantees.
    const done = this.chain.then(async () => {
      const fh = await open(this.file, 'a');
      try {
        await fh.write(line);
        await fh.sync();
      } finally {
        await fh.close();
      }
      this.lines++;
      this.wake();
    });
    this.chain = done.catch(() => undefined);
    return done.then(
      () => ({ ok: true }) as const,
      (e: unknown) => ({ ok: false, kind: 'unavailable', reason: String(e) }) as const,
    );
  }

  subscribe(): IngestResult {
    return { ok: true };
  }

  event(e: ListenerEvent): void {
    this.events.push(e);
    this.wake();
  }

  async readings(): Promise<Array<{ sensorId: string; topic: string; payload: string }>> {
    const text = existsSync(this.file) ? await readFile(this.file, 'utf8') : '';
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const o = JSON.parse(l) as { sensorId: string; topic: string; payload: string };
        return { ...o, payload: Buffer.from(o.payload, 'base64').toString() };
      });
  }

  until(cond: () => boolean, what: string): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((res, rej) => {
      const check = (): void => {
        if (!cond()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        res();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        rej(new Error(`timed out waiting for ${what}`));
      }, DEADLINE_MS);
      this.waiters.add(check);
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

let dir = '';
let gate: FileGate | null = null;
let listeners: Listener[] = [];
let mqttPort = 0;
let httpPort = 0;
let sockPath = '';

const portOf = (l: Listener): number => Number(l.address().slice(l.address().lastIndexOf(':') + 1));

test.before(async () => {
  const missing = TOOLS.filter((t) => !existsSync(t));
  // make setup installs these: without them the rig is broken, which is a failure, not a skip.
  if (missing.length > 0) throw new Error(`needs ${missing.join(', ')}: run make setup`);
  dir = await mkdtemp(join(tmpdir(), 'ztgw-proxies-'));
  gate = await FileGate.create(join(dir, 'readings.jsonl'));
  sockPath = join(dir, 'sensors.sock');
  const log = silentLogger();
  listeners = [
    await startListener({ kind: 'mqtt', address: '127.0.0.1', port: 0 }, {}, gate, log),
    await startListener({ kind: 'http', address: '127.0.0.1', port: 0 }, { maxBodyBytes: 4096 }, gate, log),
    await startListener({ kind: 'unix', path: sockPath }, {}, gate, log),
  ];
  mqttPort = portOf(listeners[0] as Listener);
  httpPort = portOf(listeners[1] as Listener);
});

test.after(async () => {
  for (const l of listeners) await l.close();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

function need(): FileGate {
  if (gate === null) throw new Error('rig not started');
  return gate;
}

const pub = (v: 'mqttv311' | 'mqttv5', user: string, pass: string, topic: string, msg: string) =>
  run('/usr/bin/mosquitto_pub', [
    '-h',
    '127.0.0.1',
    '-p',
    String(mqttPort),
    '-V',
    v,
    '-q',
    '1',
    '-u',
    user,
    '-P',
    pass,
    '-t',
    topic,
    '-m',
    msg,
    '-i',
    `${user}-${v}`,
  ]);

test('mosquitto_pub 3.1.1 and 5: QoS 1 publishes are on disk when the client exits 0', async () => {
  const g = need();
  const before = (await g.readings()).length;
  for (const v of ['mqttv311', 'mqttv5'] as const) {
    const r = await pub(v, 's1', 'pw-one', 'readings/env', `{"v":"${v}"}`);
    assert.is(r.code, 0, `${v}: ${r.stderr}`);
  }
  const got = (await g.readings()).slice(before);
  assert.equal(got, [
    { sensorId: 's1', topic: 'readings/env', payload: '{"v":"mqttv311"}' },
    { sensorId: 's1', topic: 'readings/env', payload: '{"v":"mqttv5"}' },
  ]);
});

test('mosquitto_pub with a wrong password is refused as not authorised (3.1.1 and 5)', async () => {
  for (const v of ['mqttv311', 'mqttv5'] as const) {
    const r = await pub(v, 's1', 'wrong', 'readings/env', 'x');
    assert.is.not(r.code, 0);
    assert.match(r.stderr.toLowerCase(), /not authori[sz]ed/, v);
  }
  assert.ok(need().events.filter((e) => e.kind === 'auth-failed').length >= 2);
});

test('curl: 202 once on disk, 401 without credentials, 403 for a denied topic, 413 over maxBodyBytes', async () => {
  const g = need();
  const url = (t: string) => `http://127.0.0.1:${httpPort}/t/${t}`;
  const curl = (args: string[], body: string) =>
    run(
      '/usr/bin/curl',
      ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--data-binary', '@-', ...args],
      body,
    );
  const before = (await g.readings()).length;
  assert.is((await curl(['-u', 's2:pw-two', url('readings/http')], '{"t":1}')).stdout, '202');
  assert.equal((await g.readings()).slice(before), [
    { sensorId: 's2', topic: 'readings/http', payload: '{"t":1}' },
  ]);
  assert.is((await curl([url('readings/http')], 'x')).stdout, '401');
  assert.is((await curl(['-u', 't1:tok-0123456789abcdef', url('config/x')], 'x')).stdout, '403');
  assert.is((await curl(['-u', 's2:pw-two', url('readings/http')], 'x'.repeat(1 << 20))).stdout, '413');
  assert.is((await g.readings()).length, before + 1);
});

test('socat on the Unix socket: auth, two readings, answers by id after a half-close', async () => {
  const g = need();
  const before = (await g.readings()).length;
  const input = [
    JSON.stringify({ auth: { sensor: 't1', secret: 'tok-0123456789abcdef' } }),
    JSON.stringify({ id: 1, topic: 'readings/uds', payload: { t: 3 } }),
    JSON.stringify({ id: 2, topic: 'secret/x', payload: 1 }),
    '',
  ].join('\n');
  const r = await run('/usr/bin/socat', ['-t', '10', '-', `UNIX-CONNECT:${sockPath}`], input);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines[0], { ok: true });
  const byId = new Map(lines.slice(1).map((l) => [l['id'], l]));
  assert.equal(byId.get(1), { id: 1, ok: true });
  assert.equal(byId.get(2), { id: 2, ok: false, rule: 'topic-not-allowed', reason: 'readings/# only' });
  assert.equal((await g.readings()).slice(before), [
    { sensorId: 't1', topic: 'readings/uds', payload: '{"t":3}' },
  ]);
});

/** A sensor process (node -e: argv[1] the mqtt module, argv[2] the port): mqtt.js publishing QoS 1 as fast as PUBACKs come, printing each acked index. */
const SENSOR_JS = `
const mqtt = require(process.argv[1]);
const c = mqtt.connect({ host: '127.0.0.1', port: Number(process.argv[2]), username: 's2', password: 'pw-two', reconnectPeriod: 0 });
let i = 0;
const next = () => c.publish('readings/kill', String(i), { qos: 1 }, (err) => { if (!err) { process.stdout.write(i + '\\n'); i++; next(); } });
c.on('connect', next);
`;

test('a sensor killed with SIGKILL mid-stream: its connection is reaped, another sensor carries on', async () => {
  const g = need();
  const child = spawn(
    process.execPath,
    ['-e', SENSOR_JS, resolve(__dirname, '../../node_modules/mqtt'), String(mqttPort)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let acked = 0;
  child.stdout.on('data', (b: Buffer) => {
    acked += b
      .toString()
      .split('\n')
      .filter((l) => l !== '').length;
  });
  const exited = new Promise((r) => child.once('exit', r));
  const good = mqtt.connect({
    host: '127.0.0.1',
    port: mqttPort,
    username: 's1',
    password: 'pw-one',
    reconnectPeriod: 0,
  });
  const goodUp = new Promise<void>((r, j) => {
    const timer = setTimeout(() => j(new Error('good sensor did not connect')), DEADLINE_MS);
    good.once('connect', () => {
      clearTimeout(timer);
      r();
    });
  });
  try {
    await g.until(() => acked >= 20, 'the sensor process publishing');
    child.kill('SIGKILL');
    await exited;
    await g.until(
      () => g.events.some((e) => e.kind === 'disconnect' && e.sensorId === 's2'),
      'the killed sensor reaped',
    );
    await goodUp;
    for (let k = 0; k < 20; k++) {
      const err = await new Promise<Error | null>((r) =>
        good.publish('readings/after', String(k), { qos: 1 }, (e) => r(e ?? null)),
      );
      assert.is(err, null);
    }
    const readings = await g.readings();
    const killed = readings.filter((x) => x.topic === 'readings/kill').map((x) => Number(x.payload));
    // Everything the dead process saw acknowledged is on disk, in order (at most one more, unacked).
    assert.ok(killed.length >= acked, `${killed.length} on disk, ${acked} acked`);
    assert.equal(
      killed.slice(0, acked),
      Array.from({ length: acked }, (_, i) => i),
    );
    assert.is(readings.filter((x) => x.topic === 'readings/after').length, 20);
    const mq = listeners[0]?.stats();
    assert.is(mq?.inFlight, 0);
  } finally {
    child.kill('SIGKILL');
    good.end(true);
  }
});

test.run();
