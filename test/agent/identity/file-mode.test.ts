import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type FileFacts, modeProblem } from '../../../agent/identity/file-mode.js';

const file = (mode: number, uid = 0): FileFacts => ({
  mode: 0o100000 | mode,
  uid,
  isFile: true,
  isDirectory: false,
  isSymbolicLink: false,
});
const dir = (mode: number): FileFacts => ({
  mode: 0o40000 | mode,
  uid: 0,
  isFile: false,
  isDirectory: true,
  isSymbolicLink: false,
});
const KEY = { kind: 'file', mode: 0o600, uid: 0 } as const;
const DIR = { kind: 'directory', mode: 0o700, uid: 0 } as const;
const P = '/var/lib/ztgw/keys/device.key';

test('key file modes', () => {
  assert.is(modeProblem(P, file(0o600), KEY), null);
  assert.is(modeProblem(P, file(0o400), KEY), null);
  assert.is(modeProblem(P, file(0o644), KEY), '/var/lib/ztgw/keys/device.key has mode 0644, expected 0600');
  assert.is(modeProblem(P, file(0o640), KEY), '/var/lib/ztgw/keys/device.key has mode 0640, expected 0600');
  assert.is(modeProblem(P, file(0o4600), KEY), '/var/lib/ztgw/keys/device.key has mode 4600, expected 0600');
  assert.is(modeProblem(P, file(0o200), KEY), '/var/lib/ztgw/keys/device.key has mode 0200, expected 0600');
  assert.is(
    modeProblem(P, file(0o600, 1000), KEY),
    '/var/lib/ztgw/keys/device.key is owned by uid 1000, expected uid 0 (the running user)',
  );
  assert.is(
    modeProblem(P, { ...file(0o777), isFile: false, isSymbolicLink: true }, KEY),
    '/var/lib/ztgw/keys/device.key is a symbolic link, expected a file of its own',
  );
  assert.is(modeProblem(P, dir(0o700), KEY), '/var/lib/ztgw/keys/device.key is not a regular file');
});

test('directory modes', () => {
  assert.is(modeProblem('/k', dir(0o700), DIR), null);
  assert.is(modeProblem('/k', dir(0o755), DIR), '/k has mode 0755, expected 0700');
  assert.is(modeProblem('/k', dir(0o600), DIR), '/k has mode 0600, expected 0700');
  assert.is(modeProblem('/k', file(0o700), DIR), '/k is not a directory');
});

test.run();
