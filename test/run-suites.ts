/**
 * Runs the uvu suites (`unit`: test/, `hil`: hil/scenarios/) one after another, shows their output,
 * and ends with one line `N passed, N failed` over every test that ran. A suite that crashes before
 * reporting counts as one failure; a skipped test is reported as skipped, never as passed.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

const SUITES: Record<string, readonly string[]> = {
  unit: ['test'],
  hil: ['hil/scenarios'],
};

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

function runSuite(dir: string): Promise<Tally> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['uvu', '-r', 'tsx', dir, '\\.test\\.ts$'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      process.stdout.write(b);
      out += b.toString('utf8');
    });
    child.on('close', (code) => {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
      const text = out.replace(/\u001b\[[0-9;]*m/g, '');
      const num = (label: string): number | null => {
        const m = new RegExp(`${label}:\\s+(\\d+)`).exec(text);
        return m?.[1] === undefined ? null : Number(m[1]);
      };
      const total = num('Total');
      const passed = num('Passed');
      const skipped = num('Skipped') ?? 0;
      if (total === null || passed === null) {
        process.stdout.write(
          `\n${dir}: the suite ended (exit ${code}) without a report: counted as 1 failure\n`,
        );
        resolve({ passed: 0, failed: 1, skipped: 0 });
        return;
      }
      const failed = Math.max(total - passed - skipped, code === 0 ? 0 : 1);
      resolve({ passed, failed, skipped });
    });
  });
}

async function main(names: readonly string[]): Promise<number> {
  const sum: Tally = { passed: 0, failed: 0, skipped: 0 };
  for (const name of names) {
    const dirs = SUITES[name];
    if (dirs === undefined) {
      process.stderr.write(`unknown suite ${name}; known: ${Object.keys(SUITES).join(', ')}\n`);
      return 2;
    }
    for (const dir of dirs) {
      process.stdout.write(`\n=== ${name}: ${dir}\n`);
      const t = await runSuite(dir);
      sum.passed += t.passed;
      sum.failed += t.failed;
      sum.skipped += t.skipped;
    }
  }
  const line = `${sum.passed} passed, ${sum.failed} failed${sum.skipped ? `, ${sum.skipped} skipped` : ''}`;
  mkdirSync('build', { recursive: true });
  writeFileSync('build/test-summary.txt', `${line}\n`);
  process.stdout.write(`\n${line}\n`);
  return sum.failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`run-suites: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
