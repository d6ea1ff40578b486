/**
 * `make package`: the single executable, copied away from the source tree, talks to the simulated
 * modem over the real serial path (its serialport addon unpacked from the executable) and answers
 * exactly as the built CLI does.
 */
import { execFile } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hilEnv, modemInfoJson, withSim, withTempDir } from './kit.js';

const run = promisify(execFile);
const env = hilEnv();
const ROOT = resolve(__dirname, '..', '..');

test('the single executable runs modem info away from the source tree, same answer as the CLI', async () => {
  if (env.realModemPath !== null) return;
  await run('npx', ['tsx', join(ROOT, 'hil', 'package', 'make-sea.ts')], { cwd: ROOT, timeout: 180_000 });
  await withTempDir(async (dir) => {
    const exe = join(dir, 'ztgw');
    copyFileSync(join(ROOT, 'build', 'sea', 'ztgw'), exe);
    await run('chmod', ['0755', exe]);
    await withSim('quectel-ec25', {}, async (sim) => {
      const packaged = await run(exe, ['modem', 'info', '--port', sim.agentPath, '--json'], {
        cwd: dir,
        timeout: 60_000,
      });
      assert.is(packaged.stderr, '', 'the executable printed warnings');
      const { port: _a, ...fromExe } = JSON.parse(packaged.stdout) as Record<string, unknown>;
      const { port: _b, ...fromCli } = await modemInfoJson(sim.agentPath);
      assert.equal(fromExe, fromCli);
      assert.is(fromExe['imei'], '861677031234563');
    });
  });
});

test.run();
