import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuditEvent } from '../../../agent/audit/index.js';
import { diffConfig } from '../../../agent/config/diff.js';
import { loadConfig } from '../../../agent/config/index.js';
import type { AgentConfig } from '../../../agent/config/types.js';
import { createConfigReloader, type ReloadResult } from '../../../agent/daemon/config-reload.js';
import { silentLogger } from '../../../modem/log.js';
import { type Json, minimal, withField } from '../config/sample.js';

const TOKEN = `sha256$${'ab'.repeat(32)}`;
const TOKEN2 = `sha256$${'cd'.repeat(32)}`;
const LOOPBACK = { lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }] };

const base = (): { [k: string]: Json } =>
  withField(minimal(), 'sensors', { s1: { credential: TOKEN, publish: ['readings/#'] } });

async function configOf(raw: { [k: string]: Json }): Promise<AgentConfig> {
  const dir = mkdtempSync(join(tmpdir(), 'ztgw-diff-'));
  try {
    const file = join(dir, 'agent.json');
    writeFileSync(file, JSON.stringify(raw));
    return (await loadConfig({ argv: ['--config', file], environ: {}, interfaces: LOOPBACK })).config;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('diffConfig: nothing, a live change, a restart-only change, both', async () => {
  const a = await configOf(base());
  assert.equal(diffConfig(a, await configOf(base())), { live: [], restart: [] });
  const moreSensors = withField(base(), 'sensors.s2', { credential: TOKEN2, publish: ['x'] });
  const d1 = diffConfig(a, await configOf(moreSensors));
  assert.equal(d1.restart, []);
  assert.ok(d1.live.includes('sensors.credentials.s2'), d1.live.join(','));
  assert.ok(d1.live.includes('sensors.policy.sensors.s2'), d1.live.join(','));
  const d2 = diffConfig(a, await configOf(withField(base(), 'uplink.keepaliveS', 60)));
  assert.equal(d2, { live: [], restart: ['uplink.keepaliveS'] });
  const d3 = diffConfig(
    a,
    await configOf(withField(withField(base(), 'journal.maxBytes', 1 << 24), 'sensors.s1.publish', ['y'])),
  );
  assert.equal(d3.restart, ['journal.maxBytes']);
  assert.equal(d3.live, ['sensors.policy.sensors.s1.publish']);
});

interface Rig {
  readonly file: string;
  readonly events: AuditEvent[];
  readonly applied: AgentConfig[];
  running: AgentConfig;
  reload(actor?: string): Promise<ReloadResult>;
  write(raw: { [k: string]: Json } | string): void;
  done(): void;
}

async function rig(opts: { applyFails?: boolean } = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'ztgw-reload-'));
  const file = join(dir, 'agent.json');
  const write = (raw: { [k: string]: Json } | string): void =>
    writeFileSync(file, typeof raw === 'string' ? raw : JSON.stringify(raw));
  write(base());
  const load = (o: { readFile?: (p: string) => Promise<Uint8Array> } = {}) =>
    loadConfig({ argv: ['--config', file], environ: {}, interfaces: LOOPBACK, ...o });
  const r: Rig = {
    file,
    events: [],
    applied: [],
    running: (await load()).config,
    reload: (actor = 'cli:control-socket') => reloader.reload(actor),
    write,
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
  const reloader = createConfigReloader({
    load,
    running: () => r.running,
    apply: async (next) => {
      if (opts.applyFails === true) throw new Error('listener refused the new table');
      r.applied.push(next);
      r.running = next;
      return [];
    },
    audit: async (e) => {
      r.events.push(e);
    },
    log: silentLogger(),
  });
  return r;
}

test('reload: unchanged file → unchanged, nothing applied, no audit record', async () => {
  const r = await rig();
  try {
    const res = await r.reload();
    assert.is(res.outcome, 'unchanged');
    assert.match(res.digest ?? '', /^sha256:[0-9a-f]{16}$/);
    assert.equal(r.applied, []);
    assert.equal(r.events, []);
  } finally {
    r.done();
  }
});

test('reload: a new sensor is applied and audited as config.accepted with the fields', async () => {
  const r = await rig();
  try {
    r.write(withField(base(), 'sensors.s2', { credential: TOKEN2, publish: ['x/#'] }));
    const res = await r.reload('signal:SIGHUP');
    assert.is(res.outcome, 'accepted');
    assert.is(r.applied.length, 1);
    assert.ok(Object.hasOwn(r.running.sensors.policy.sensors, 's2'));
    const e = r.events[0];
    assert.is(e?.ev, 'config.accepted');
    assert.is(e?.actor, 'signal:SIGHUP');
    assert.is(e?.subject, `config:${res.digest}`);
    assert.ok(JSON.stringify(e?.data).includes('sensors.policy.sensors.s2'));
  } finally {
    r.done();
  }
});

test('reload: invalid content → config.rejected naming the field, running config untouched', async () => {
  const r = await rig();
  try {
    const before = r.running;
    r.write(withField(base(), 'sensors.s1.maxPayloadBytes', -5));
    const res = await r.reload();
    assert.is(res.outcome, 'rejected');
    assert.is(res.code, 'CONFIG_INVALID');
    assert.ok(
      res.problems.some((p) => p.path.startsWith('sensors.s1')),
      JSON.stringify(res.problems),
    );
    assert.is(r.running, before);
    assert.equal(r.applied, []);
    const e = r.events[0];
    assert.is(e?.ev, 'config.rejected');
    assert.is(e?.outcome, 'denied');
    assert.match(e?.reason ?? '', /^CONFIG_INVALID: sensors\.s1/);
  } finally {
    r.done();
  }
});

test('reload: not JSON, and an unreadable file, are rejected with their causes', async () => {
  const r = await rig();
  try {
    r.write('{"deviceId": "gw-0001",');
    const bad = await r.reload();
    assert.is(bad.code, 'CONFIG_INVALID');
    assert.match(bad.problems[0]?.problem ?? '', /not valid JSON/);
    rmSync(r.file);
    const gone = await r.reload();
    assert.is(gone.code, 'CONFIG_IO');
    assert.is(gone.digest, null);
    assert.is(r.events[1]?.subject, 'config:unreadable');
    assert.is(r.events[1]?.outcome, 'failed');
    assert.match(r.events[1]?.reason ?? '', /ENOENT/);
  } finally {
    r.done();
  }
});

test('reload: a restart-only change is refused whole, even beside a live one', async () => {
  const r = await rig();
  try {
    r.write(
      withField(withField(base(), 'uplink.keepaliveS', 90), 'sensors.s2', {
        credential: TOKEN2,
        publish: ['x'],
      }),
    );
    const res = await r.reload();
    assert.is(res.outcome, 'rejected');
    assert.is(res.code, 'CONFIG_NEEDS_RESTART');
    assert.equal(res.restart, ['uplink.keepaliveS']);
    assert.ok(res.live.length > 0);
    assert.equal(r.applied, []);
    assert.match(r.events[0]?.reason ?? '', /uplink\.keepaliveS: changed, but only applied at start/);
  } finally {
    r.done();
  }
});

test('reload: a failing apply is reported as CONFIG_APPLY_FAILED with its cause', async () => {
  const r = await rig({ applyFails: true });
  try {
    r.write(withField(base(), 'sensors.s2', { credential: TOKEN2, publish: ['x'] }));
    const res = await r.reload();
    assert.is(res.code, 'CONFIG_APPLY_FAILED');
    assert.match(r.events[0]?.reason ?? '', /listener refused the new table/);
    assert.is(r.events[0]?.outcome, 'failed');
  } finally {
    r.done();
  }
});

test('reload: concurrent reloads run one after the other', async () => {
  const r = await rig();
  try {
    r.write(withField(base(), 'sensors.s2', { credential: TOKEN2, publish: ['x'] }));
    const [a, b] = await Promise.all([r.reload(), r.reload()]);
    // The second saw the first's result as the running config.
    assert.is(a.outcome, 'accepted');
    assert.is(b.outcome, 'unchanged');
  } finally {
    r.done();
  }
});

test.run();
