import { type ChildProcess, spawn } from 'node:child_process';
import { lstat, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SerialPort } from 'serialport';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exchange, readUntil, within } from './sim-kit.js';

const DEADLINE_MS = 10_000;

function openPort(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  return new Promise((resolve, reject) => port.open((err) => (err ? reject(err) : resolve(port))));
}

const closePort = (p: SerialPort | null): Promise<void> =>
  new Promise((resolve) => (p?.isOpen === true ? p.close(() => resolve()) : resolve()));

test('standalone: ready line, AT over the PTY, stdin control lines, clean exit on SIGTERM', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ztgw-main-'));
  let child: ChildProcess | null = null;
  let agent: SerialPort | null = null;
  try {
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'hil/sim-modem/main.ts',
        '--profile',
        'telit-le910',
        '--dir',
        dir,
        '--link',
        'ttyACM0',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const proc = child;
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    const lines: string[] = [];
    const waiters: (() => void)[] = [];
    if (proc.stdout !== null) {
      createInterface({ input: proc.stdout }).on('line', (l) => {
        lines.push(l);
        for (const w of waiters.splice(0)) w();
      });
    }
    const nextLine = (n: number): Promise<string> =>
      within(
        new Promise<string>((resolve) => {
          const check = (): void => {
            const l = lines[n];
            if (l !== undefined) resolve(l);
            else waiters.push(check);
          };
          check();
        }),
        DEADLINE_MS,
        `stdout line ${n}`,
      );
    const ready: unknown = JSON.parse(await nextLine(0));
    assert.equal(ready, { agentPath: join(dir, 'ttyACM0'), profile: 'telit-le910' });
    agent = await openPort(join(dir, 'ttyACM0'));
    assert.is(await exchange(agent, 'AT#CCID'), 'AT#CCID\r\r\n#CCID: 89460100001234567896\r\n\r\nOK\r\n');
    const ring = readUntil(agent, (t) => t.endsWith('RING\r\n'), DEADLINE_MS);
    proc.stdin?.write('{"urc":"RING"}\n');
    assert.is(await ring, '\r\nRING\r\n');
    assert.equal(JSON.parse(await nextLine(1)), { event: 'applied', kind: 'urc' });
    proc.stdin?.write('{"fault":"melt"}\n');
    assert.equal(JSON.parse(await nextLine(2)), {
      event: 'control-error',
      reason: 'fault: unknown name "melt"',
    });
    proc.stdin?.write('{"state":{"echo":false}}\n{"fault":"crcrlf"}\n');
    assert.equal(JSON.parse(await nextLine(3)), { event: 'applied', kind: 'state' });
    assert.equal(JSON.parse(await nextLine(4)), { event: 'applied', kind: 'fault' });
    assert.is(await exchange(agent, 'AT'), '\r\nOK\r\r\n');
    await closePort(agent);
    proc.kill('SIGTERM');
    assert.is(await within(exited, DEADLINE_MS, 'exit after SIGTERM'), 0);
    let linkLeft = true;
    await lstat(join(dir, 'ttyACM0')).catch(() => {
      linkLeft = false;
    });
    assert.is(linkLeft, false);
  } finally {
    await closePort(agent);
    if (child !== null && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
