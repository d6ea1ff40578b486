import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyOverrides, loadConfig, parseConfigFlags } from '../../../agent/config/load.js';
import { convertOverride, envName, flagName, OVERRIDES } from '../../../agent/config/overrides.js';
import { hasCode, isZtgwError } from '../../../modem/errors.js';
import { minimal, withField } from './sample.js';

let dir = '';
test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ztgw-config-'));
});
test.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, content: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, content);
  return p;
}

const rejection = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

test('names: the environment variable and flag derive from the field path', () => {
  assert.is(envName('uplink.keepaliveS'), 'ZTGW_UPLINK_KEEPALIVE_S');
  assert.is(flagName('uplink.keepaliveS'), 'uplink-keepalive-s');
  assert.is(envName('uplink.caFile'), 'ZTGW_UPLINK_CA_FILE');
  assert.is(envName('uplink.useSystemCa'), 'ZTGW_UPLINK_USE_SYSTEM_CA');
  assert.is(envName('deviceId'), 'ZTGW_DEVICE_ID');
  assert.is(flagName('clock.maxNetworkTimeAgeMs'), 'clock-max-network-time-age-ms');
  const envs = OVERRIDES.map((o) => envName(o.path));
  assert.is(new Set(envs).size, envs.length, 'no two fields share a variable');
});

test('the table in overrides.ts documents exactly the overrides there are', async () => {
  const src = await readFile(join(__dirname, '..', '..', '..', 'agent', 'config', 'overrides.ts'), 'utf8');
  const rows = src
    .split('\n')
    .filter((l) => /^ \* \| [a-z]/.test(l) && !l.includes('| field'))
    .map((l) =>
      l
        .split('|')
        .slice(1, 5)
        .map((c) => c.trim()),
    );
  assert.equal(
    rows,
    OVERRIDES.map((o) => [o.path, o.kind, envName(o.path), `--${flagName(o.path)}`]),
  );
});

test('override text converts to the JSON a field expects, bad text stays a string', () => {
  assert.is(convertOverride('int', ' 30 '), 30);
  assert.is(convertOverride('int', '30s'), '30s');
  assert.is(convertOverride('bool', 'TRUE'), true);
  assert.is(convertOverride('bool', '0'), false);
  assert.is(convertOverride('bool', 'maybe'), 'maybe');
  assert.equal(convertOverride('list', 'wwan*, ppp*'), ['wwan*', 'ppp*']);
  assert.equal(convertOverride('brokers', 'mqtts://a:8883,mqtts://b'), [
    { url: 'mqtts://a:8883' },
    { url: 'mqtts://b' },
  ]);
});

test('precedence: defaults < file < environment < flags', async () => {
  const file = withField(withField(minimal(), 'uplink.keepaliveS', 60), 'uplink.backoffBaseMs', 2000);
  const path = await fileWith('precedence.json', JSON.stringify(withField(file, 'log.level', 'warn')));
  const loaded = await loadConfig({
    argv: ['--config', path, '--uplink-keepalive-s', '30', '--foreground'],
    environ: { ZTGW_UPLINK_KEEPALIVE_S: '90', ZTGW_UPLINK_BACKOFF_BASE_MS: '3000', ZTGW_LOG_LEVEL: '' },
    interfaces: {},
  });
  const u = loaded.config.uplink;
  assert.is(u.keepaliveS, 30, 'the flag beats the environment');
  assert.is(u.backoffBaseMs, 3000, 'the environment beats the file');
  assert.is(u.connectTimeoutMs, 30_000, 'the default fills what nobody set');
  assert.is(loaded.config.log.level, 'warn', 'an empty variable counts as unset');
  assert.is(loaded.configPath, path);
  assert.equal(loaded.rest, ['--foreground']);
  assert.equal(loaded.sources, {
    'uplink.keepaliveS': '--uplink-keepalive-s',
    'uplink.backoffBaseMs': 'ZTGW_UPLINK_BACKOFF_BASE_MS',
  });
});

test('ZTGW_CONFIG names the file when --config does not; lists and booleans from the environment', async () => {
  const path = await fileWith('env-path.json', JSON.stringify(minimal()));
  const loaded = await loadConfig({
    environ: {
      ZTGW_CONFIG: path,
      ZTGW_UPLINK_BROKERS: 'mqtts://a.example:8883,mqtts://b.example:8883',
      ZTGW_EXPOSURE_WAN_INTERFACES: 'wwan*,usb*',
    },
    argv: ['--uplink-use-system-ca'],
    interfaces: {},
  });
  assert.equal(loaded.config.uplink.brokers, [
    { url: 'mqtts://a.example:8883' },
    { url: 'mqtts://b.example:8883' },
  ]);
  assert.equal(loaded.config.exposure.wanInterfaces, ['wwan*', 'usb*']);
  assert.is(loaded.config.uplink.useSystemCa, true, 'a bare boolean flag is true');
});

test('a problem in an overridden field names the variable or flag that set it', async () => {
  const path = await fileWith('attrib.json', JSON.stringify(minimal()));
  const err = await rejection(
    loadConfig({
      argv: ['--config', path, '--uplink-brokers=mqtt://plain:1883'],
      environ: { ZTGW_UPLINK_KEEPALIVE_S: 'often' },
      interfaces: {},
    }),
  );
  assert.ok(hasCode(err, 'CONFIG_INVALID'), String(err));
  if (!isZtgwError(err)) return;
  assert.equal(err.details['problems'], [
    {
      path: 'uplink.brokers[0].url',
      problem: 'expected mqtts:// (plaintext and WebSocket URLs are refused) (from --uplink-brokers)',
    },
    {
      path: 'uplink.keepaliveS',
      problem: 'expected a whole number, got a string ("often") (from ZTGW_UPLINK_KEEPALIVE_S)',
    },
  ]);
  assert.is(err.details['path'], path);
  assert.match(err.message, /2 problems/);
});

test('CONFIG_IO names the path and the errno', async () => {
  const missing = join(dir, 'nope', 'agent.json');
  const err = await rejection(loadConfig({ argv: ['--config', missing], environ: {} }));
  assert.ok(hasCode(err, 'CONFIG_IO'), String(err));
  if (!isZtgwError(err)) return;
  assert.is(err.message, `cannot read config file ${missing}: ENOENT`);
  assert.equal(err.details, { path: missing, errno: 'ENOENT' });
});

test('the default path is /etc/ztgw/agent.json', async () => {
  const seen: string[] = [];
  const err = await rejection(
    loadConfig({
      environ: {},
      readFile: async (p) => {
        seen.push(p);
        throw Object.assign(new Error('denied'), { code: 'EACCES' });
      },
    }),
  );
  assert.equal(seen, ['/etc/ztgw/agent.json']);
  assert.ok(hasCode(err, 'CONFIG_IO'));
  if (isZtgwError(err)) assert.is(err.details['errno'], 'EACCES');
});

test('not JSON, not an object, too large: CONFIG_INVALID on (file)', async () => {
  for (const [name, content, problem] of [
    ['broken.json', '{"deviceId": ', /^not valid JSON: /],
    ['array.json', '[]', /^expected a JSON object$/],
    ['big.json', ' '.repeat(1_048_577), /^1048577 bytes, larger than the 1048576 allowed$/],
  ] as const) {
    const p = await fileWith(name, content);
    const err = await rejection(loadConfig({ argv: ['--config', p], environ: {}, interfaces: {} }));
    assert.ok(hasCode(err, 'CONFIG_INVALID'), `${name}: ${String(err)}`);
    if (!isZtgwError(err)) continue;
    const problems = err.details['problems'];
    assert.ok(Array.isArray(problems) && problems.length === 1, name);
    const first = Array.isArray(problems) ? problems[0] : null;
    assert.ok(typeof first === 'object' && first !== null && !Array.isArray(first));
    if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
      assert.is(first['path'], '(file)');
      assert.match(String(first['problem']), problem);
    }
  }
});

test('listener bind check uses the interfaces given to the loader', async () => {
  const raw = withField(minimal(), 'listeners', [{ kind: 'mqtt', address: '10.1.2.3', port: 1883 }]);
  const p = await fileWith('wan-listener.json', JSON.stringify(raw));
  const err = await rejection(
    loadConfig({
      argv: ['--config', p],
      environ: {},
      interfaces: { ppp0: [{ address: '10.1.2.3', internal: false }] },
    }),
  );
  assert.ok(hasCode(err, 'CONFIG_INVALID'));
  if (isZtgwError(err)) {
    assert.equal(err.details['problems'], [
      { path: 'listeners[0].address', problem: '10.1.2.3 is an address of WAN interface ppp0' },
    ]);
  }
});

test('flag parsing: forms, --, missing values, non-config arguments kept in order', () => {
  const f = parseConfigFlags([
    'run',
    '--log-level=debug',
    '--x',
    '1',
    '--modem-port',
    '/dev/ttyACM0',
    '--',
    '--log-level',
    'a',
  ]);
  assert.equal(
    [...f.values],
    [
      ['log.level', 'debug'],
      ['modem.port', '/dev/ttyACM0'],
    ],
  );
  assert.equal(f.rest, ['run', '--x', '1', '--', '--log-level', 'a']);
  const bool = parseConfigFlags([
    '--clock-may-step-clock',
    'false',
    '--uplink-use-system-ca',
    '--log-level',
    'info',
  ]);
  assert.equal(
    [...bool.values],
    [
      ['clock.mayStepClock', 'false'],
      ['uplink.useSystemCa', 'true'],
      ['log.level', 'info'],
    ],
  );
  assert.throws(
    () => parseConfigFlags(['--modem-port']),
    (e: unknown) => hasCode(e, 'CONFIG_INVALID'),
  );
  assert.throws(
    () => parseConfigFlags(['--config', '--log-level', 'x']),
    (e: unknown) => hasCode(e, 'CONFIG_INVALID'),
  );
});

test('overrides never replace a section that is not an object: validation reports it', () => {
  const { raw } = applyOverrides({ uplink: 5 }, { ZTGW_UPLINK_KEEPALIVE_S: '30' }, new Map());
  assert.equal(raw, { uplink: 5 });
  const created = applyOverrides({}, {}, new Map([['clock.mayStepClock', 'true']]));
  assert.equal(created.raw, { clock: { mayStepClock: true } });
});

test.run();
