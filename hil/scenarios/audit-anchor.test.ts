/**
 * The operator's anchor against rewriting: `ztgw ops audit-collect` keeps a verified copy of the
 * agent's audit chain from the real broker and writes the newest signed checkpoint as its anchor.
 * The agent's log verifies against that anchor; after the log is wiped and the agent starts a fresh
 * chain (which verifies on its own, signed by the same device key), the anchor catches it, and so
 * does the collector.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type AgentRun, at, auditTail, LAB_IDENTITY, labRig, startAgent } from './cloud-kit.js';
import { hilEnv, runCli, withSim, withTempDir, ZTGW } from './kit.js';

const env = hilEnv();
const ID = LAB_IDENTITY;

interface Collector {
  readonly child: ChildProcess;
  output(): string;
  /** Waits until `re` appears in what the collector printed. */
  waitFor(re: RegExp, what: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<number | null>;
}

function startCollector(args: readonly string[]): Collector {
  const child = spawn(ZTGW, ['ops', 'audit-collect', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString('utf8');
  });
  child.stderr?.on('data', (b: Buffer) => {
    out += b.toString('utf8');
  });
  return {
    child,
    output: () => out,
    waitFor: async (re, what, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!re.test(out)) {
        if (child.exitCode !== null) throw new Error(`collector exited ${child.exitCode}: ${out}`);
        if (Date.now() > deadline) throw new Error(`collector: no ${what} in ${timeoutMs} ms: ${out}`);
        await sleep(50);
      }
    },
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      return exited;
    },
  };
}

test('collector anchors the chain; a wiped and restarted log verifies alone but not against the anchor', async () => {
  if (env.realModemPath !== null) return;
  await withTempDir(async (dir) => {
    const { pki, broker, device } = await labRig(dir);
    const audit = `${dir}/a/state/audit`;
    const anchorFile = `${dir}/ops/anchor`;
    const running: { agent: AgentRun | null; collector: Collector | null } = { agent: null, collector: null };
    const agentUp = async (): Promise<AgentRun> => {
      const a = await startAgent({ dir: `${dir}/a`, pki, broker, device, modemPath: simPath });
      running.agent = a;
      await a.waitForStatus((s) => at(s, 'uplink', 'state') === 'connected', 'connected');
      return a;
    };
    const agentDown = async (): Promise<void> => {
      await running.agent?.stop();
      running.agent = null;
    };
    let simPath = '';
    try {
      const now = { networkTime: { iso: new Date().toISOString().slice(0, 19), tzQuarterHours: 0 } };
      await withSim('quectel-ec25', now, async (sim) => {
        simPath = sim.agentPath;
        // The operator's copy of the device audit public key, taken once (at enrolment, in a fleet).
        await agentUp();
        const pub = await runCli(['audit', 'pubkey', '--keys', device.keysDir]);
        assert.is(pub.code, 0, pub.stderr);
        await writeFile(`${dir}/audit.pub`, pub.stdout);
        // The binding confirmed at start is on record, with the identity it was confirmed against.
        const tail = await auditTail(`${dir}/a`);
        const bound = JSON.stringify(tail.find((l) => l.ev === 'identity.bound') ?? null);
        assert.ok(
          bound.includes(ID.iccid) && bound.includes(ID.imei),
          `identity.bound with ICCID and IMEI: ${JSON.stringify(tail)}`,
        );
        // The collector comes up with the agent running; what the agent shipped before it was
        // subscribed is not resent, so the copy starts mid-chain (allowed: it is held from there).
        const collector = startCollector([
          '--device',
          'gw-1',
          '--pubkey',
          `${dir}/audit.pub`,
          '--out',
          `${dir}/ops`,
          '--broker',
          broker.url,
          '--ca-file',
          pki.caFile,
          '--cert',
          pki.opsCloud.certFile,
          '--key',
          pki.opsCloud.keyFile,
          '--reconnect-ms',
          '50',
        ]);
        running.collector = collector;
        await collector.waitFor(/audit-collect\.ready/, 'ready line');
        // A stop seals the head with a signed checkpoint; the next start ships it.
        await agentDown();
        await agentUp();
        await collector.waitFor(/"anchor":"\d+:[0-9a-f]{64}"/, 'an anchor');
        assert.ok(existsSync(anchorFile), 'anchor file written');
        await agentDown();

        const honest = await runCli([
          'audit',
          'verify',
          '--dir',
          audit,
          '--keys',
          device.keysDir,
          '--anchor-file',
          anchorFile,
        ]);
        assert.is(honest.code, 0, `${honest.stdout}${honest.stderr}`);
        assert.match(honest.stdout, /anchor matched/);

        // The attack: the log is moved away and the agent starts over with a fresh chain, signed
        // with the same device audit key.
        await rename(audit, `${audit}.wiped`);
        await agentUp();
        await collector.waitFor(/restarted or rewritten|history was rewritten/, 'the rewrite reported');
        await agentDown();
      });

      const alone = await runCli(['audit', 'verify', '--dir', audit, '--keys', device.keysDir]);
      assert.is(alone.code, 0, `a fresh chain verifies on its own: ${alone.stdout}${alone.stderr}`);
      const anchored = await runCli([
        'audit',
        'verify',
        '--dir',
        audit,
        '--keys',
        device.keysDir,
        '--anchor-file',
        anchorFile,
      ]);
      assert.is(anchored.code, 1, `${anchored.stdout}${anchored.stderr}`);
      assert.match(
        `${anchored.stdout}${anchored.stderr}`,
        /operator/,
        `${anchored.stdout}${anchored.stderr}`,
      );
      const problem = JSON.parse(await readFile(`${dir}/ops/problem.json`, 'utf8')) as { seq: number };
      assert.is(problem.seq, 1, 'the collector names the first record of the rewritten chain');
      const code = await running.collector?.stop();
      running.collector = null;
      assert.is(code, 1, 'the collector exits 1 once the chain broke');
    } finally {
      await running.agent?.stop();
      await running.collector?.stop();
      await broker.stop();
    }
  });
});

test.run();
