import { chmod, lstat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runEnrollCommand, runOpsCaCommand } from '../../../agent/cli/identity-commands.js';
import { readCertInfo } from '../../../agent/identity/cert-info.js';
import { readCsr } from '../../../agent/identity/csr.js';
import { openssl, recordingIo, withTempDir } from './kit.js';

const ICCID = '8949010000123456780';
const IMEI = '861677031234563';

test('enroll with --iccid/--imei: key made once, CSR written; ops ca init/sign; openssl verifies', () =>
  withTempDir(async (tmp) => {
    const keys = join(tmp, 'keys');
    const csrPath = join(tmp, 'gw-a.csr');
    const a = recordingIo();
    const enroll = [
      '--device-id',
      'gw-a',
      '--keys-dir',
      keys,
      '--iccid',
      ICCID,
      '--imei',
      IMEI,
      '--out',
      csrPath,
    ];
    assert.is(await runEnrollCommand(enroll, a.io), 0, a.err.join('\n'));
    assert.equal(a.out, [
      `made a new device key in ${keys}; CSR for gw-a (ICCID …6780, IMEI …4563) written to ${csrPath}`,
    ]);
    const key1 = await readFile(join(keys, 'device.key'), 'utf8');
    assert.is((await lstat(join(keys, 'device.key'))).mode & 0o777, 0o600);
    const b = recordingIo();
    assert.is(await runEnrollCommand(enroll.slice(0, -2), b.io), 0);
    assert.is(await readFile(join(keys, 'device.key'), 'utf8'), key1);
    assert.equal(b.err, [`kept the existing device key in ${keys}; CSR for gw-a (ICCID …6780, IMEI …4563)`]);
    const printed = b.out.join('\n');
    assert.ok(printed.startsWith('-----BEGIN CERTIFICATE REQUEST-----'));
    const csr = readCsr(printed);
    if (!csr.ok) throw new Error(csr.reason);
    assert.equal(csr.value.san.uris, [`urn:ztgw:iccid:${ICCID}`, `urn:ztgw:imei:${IMEI}`]);
    assert.not.ok(printed.includes('PRIVATE KEY'));

    const ca = join(tmp, 'ca');
    const c = recordingIo();
    assert.is(
      await runOpsCaCommand(['init', '--dir', ca, '--name', 'acme fleet CA', '--days', '100'], c.io),
      0,
      c.err.join('\n'),
    );
    assert.match(c.out[0] ?? '', /^created CA "acme fleet CA" for 100 days: /);
    const certPath = join(tmp, 'gw-a.crt');
    const d = recordingIo();
    assert.is(
      await runOpsCaCommand(['sign', '--dir', ca, '--csr', csrPath, '--days', '30', '--out', certPath], d.io),
      0,
      d.err.join('\n'),
    );
    assert.match(d.out[0] ?? '', /^signed gw-a \(ICCID …6780, IMEI …4563\) until \d{4}-/);
    const v = openssl(['verify', '-purpose', 'sslclient', '-CAfile', join(ca, 'ca.crt'), certPath]);
    assert.is(v.status, 0, v.stderr);

    const s = recordingIo();
    const srv = [
      'server',
      '--dir',
      ca,
      '--cn',
      'localhost',
      '--ip',
      '127.0.0.1,::1',
      '--days',
      '30',
      '--out-key',
      join(tmp, 's.key'),
      '--out-cert',
      join(tmp, 's.crt'),
    ];
    assert.is(await runOpsCaCommand(srv, s.io), 0, s.err.join('\n'));
    assert.is((await lstat(join(tmp, 's.key'))).mode & 0o777, 0o600);
    const info = readCertInfo(await readFile(join(tmp, 's.crt'), 'utf8'));
    if (!info.ok) throw new Error(info.reason);
    assert.equal([info.value.sanDnsNames, info.value.sanIpAddresses], [['localhost'], ['127.0.0.1', '::1']]);
    const again = recordingIo();
    assert.is(await runOpsCaCommand(srv, again.io), 1);
    assert.equal(again.err, [`ztgw: ${join(tmp, 's.key')} exists; it is not overwritten [CA_INVALID]`]);
  }));

test('usage errors exit 2 with the problem named', async () => {
  const cases: Array<[readonly string[], string]> = [
    [['--keys-dir', '/k', '--iccid', ICCID, '--imei', IMEI], 'ztgw: --device-id ID is required'],
    [
      ['--device-id', 'gw/a', '--keys-dir', '/k', '--iccid', ICCID, '--imei', IMEI],
      'ztgw: --device-id: device id "gw/a" must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    ],
    [['--device-id', 'gw-a', '--iccid', ICCID, '--imei', IMEI], 'ztgw: --keys-dir DIR is required'],
    [
      ['--device-id', 'gw-a', '--keys-dir', '/k'],
      'ztgw: --port PATH, or both --iccid DIGITS and --imei DIGITS, are required',
    ],
    [
      ['--device-id', 'gw-a', '--keys-dir', '/k', '--iccid', ICCID],
      'ztgw: --port PATH, or both --iccid DIGITS and --imei DIGITS, are required',
    ],
    [
      ['--device-id', 'gw-a', '--keys-dir', '/k', '--port', '/dev/x', '--iccid', ICCID],
      'ztgw: use either --port (read from the modem) or --iccid and --imei, not both',
    ],
    [
      ['--device-id', 'gw-a', '--keys-dir', '/k', '--iccid', '12', '--imei', IMEI],
      'ztgw: ICCID "12" must be 18-22 digits',
    ],
    [['--device-id', 'gw-a', '--bogus'], 'ztgw: unknown option --bogus'],
  ];
  const got: Array<[number, string]> = [];
  for (const [argv] of cases) {
    const r = recordingIo();
    got.push([await runEnrollCommand(argv, r.io), (r.err[0] ?? '').split('\n')[0] ?? '']);
  }
  assert.equal(
    got,
    cases.map(([, msg]) => [2, msg]),
  );
  const ca: Array<[readonly string[], string]> = [
    [['init'], 'ztgw: --dir DIR is required'],
    [['sign', '--dir', '/ca'], 'ztgw: --csr FILE is required'],
    [
      ['sign', '--dir', '/ca', '--csr', 'x', '--days', '0'],
      'ztgw: --days must be between 1 and 36500, got 0',
    ],
    [['server', '--dir', '/ca', '--cn', 'x'], 'ztgw: --out-key FILE is required'],
    [['revoke'], 'ztgw: unknown ops ca command "revoke"'],
  ];
  const gotCa: Array<[number, string]> = [];
  for (const [argv] of ca) {
    const r = recordingIo();
    gotCa.push([await runOpsCaCommand(argv, r.io), (r.err[0] ?? '').split('\n')[0] ?? '']);
  }
  assert.equal(
    gotCa,
    ca.map(([, msg]) => [2, msg]),
  );
});

test('runtime errors exit 1 with the cause: bad CSR, missing CA, wrong key mode', () =>
  withTempDir(async (tmp) => {
    const ca = join(tmp, 'ca');
    const csr = join(tmp, 'bad.csr');
    await writeFile(csr, 'not a csr');
    const r1 = recordingIo();
    assert.is(await runOpsCaCommand(['sign', '--dir', ca, '--csr', csr], r1.io), 1);
    assert.equal(r1.err, [`ztgw: CA directory ${ca} does not exist (run ztgw ops ca init) [CA_INVALID]`]);
    assert.is(await runOpsCaCommand(['init', '--dir', ca], recordingIo().io), 0);
    const r2 = recordingIo();
    assert.is(await runOpsCaCommand(['sign', '--dir', ca, '--csr', csr], r2.io), 1);
    assert.equal(r2.err, [
      'ztgw: bad CSR: not a PEM certificate request: no "-----BEGIN CERTIFICATE REQUEST-----" line [CA_INVALID]',
    ]);
    const r3 = recordingIo();
    assert.is(await runOpsCaCommand(['sign', '--dir', ca, '--csr', join(tmp, 'none.csr')], r3.io), 1);
    assert.match(r3.err[0] ?? '', `ztgw: cannot read ${join(tmp, 'none.csr')}: ENOENT`);
    const keys = join(tmp, 'keys');
    assert.is(
      await runEnrollCommand(
        ['--device-id', 'gw-a', '--keys-dir', keys, '--iccid', ICCID, '--imei', IMEI],
        recordingIo().io,
      ),
      0,
    );
    await chmod(join(keys, 'device.key'), 0o644);
    const r4 = recordingIo();
    assert.is(
      await runEnrollCommand(
        ['--device-id', 'gw-a', '--keys-dir', keys, '--iccid', ICCID, '--imei', IMEI],
        r4.io,
      ),
      1,
    );
    assert.equal(r4.err, [
      `ztgw: ${join(keys, 'device.key')} has mode 0644, expected 0600 [IDENTITY_FILE_MODE]`,
    ]);
  }));

test.run();
