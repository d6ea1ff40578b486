/**
 * `make package`: one executable for the gateway, built offline with Node's own single-executable
 * applications. esbuild bundles the CLI as CommonJS (the serialport addon's loader swapped for
 * native-loader.ts), `node --experimental-sea-config` turns it into a blob with the addon as an
 * asset, and postject injects the blob into a copy of this machine's Node binary.
 * Output: build/sea/ztgw (for this machine's architecture).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { SERIALPORT_ASSET } from './native-loader.js';

const ROOT = resolve(__dirname, '..', '..');
const OUT = join(ROOT, 'build', 'sea');
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
/** Optional modules dependencies load in a try; inside the executable they are absent (absent-optional.ts). */
const OPTIONAL_ABSENT = ['cbor-extract', 'supports-color', 'bufferutil', 'utf-8-validate'];

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const bundle = join(OUT, 'ztgw.cjs');
  await build({
    entryPoints: [join(ROOT, 'agent', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: bundle,
    alias: {
      'node-gyp-build': join(ROOT, 'hil', 'package', 'native-loader.ts'),
      ...Object.fromEntries(
        OPTIONAL_ABSENT.map((m) => [m, join(ROOT, 'hil', 'package', 'absent-optional.ts')]),
      ),
    },
    logLevel: 'warning',
  });
  const addon = join(
    ROOT,
    'node_modules/@serialport/bindings-cpp/prebuilds',
    `linux-${process.arch}`,
    '@serialport+bindings-cpp.glibc.node',
  );
  const seaConfig = join(OUT, 'sea-config.json');
  writeFileSync(
    seaConfig,
    JSON.stringify({
      main: bundle,
      output: join(OUT, 'ztgw.blob'),
      disableExperimentalSEAWarning: true,
      useCodeCache: false,
      assets: { [SERIALPORT_ASSET]: addon },
    }),
  );
  execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: 'inherit' });
  const exe = join(OUT, 'ztgw');
  copyFileSync(process.execPath, exe);
  chmodSync(exe, 0o755);
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'postject'),
    [exe, 'NODE_SEA_BLOB', join(OUT, 'ztgw.blob'), '--sentinel-fuse', FUSE],
    // postject warns about ELF note sections it does not need; shown only if it fails.
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  console.log(`built ${exe}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
