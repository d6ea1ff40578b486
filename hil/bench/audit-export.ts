/**
 * Benchmark: export a day of audit events (50 000 records by default) as a signed evidence bundle,
 * and verify it. Prints one JSON line with the figures; asserts nothing (performance is measured,
 * not tested).
 *
 *   npx tsx hil/bench/audit-export.ts [RECORDS]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyEvidence } from '../../agent/audit/evidence.js';
import { exportEvidence } from '../../agent/audit/export.js';
import { openAuditLog } from '../../agent/audit/store.js';
import type { AuditEvent } from '../../agent/audit/store-types.js';
import { silentLogger } from '../../modem/log.js';

const DAY_MS = 86_400_000;
const T0 = Date.UTC(2026, 11, 1);

/** A plausible mix: mostly aggregated denials and uplink churn, some tunnels, a few indicators. */
function eventFor(i: number): AuditEvent {
  switch (i % 10) {
    case 0:
      return {
        ev: 'uplink.down',
        actor: 'agent',
        subject: 'uplink:broker-a',
        outcome: 'failed',
        reason: 'network lost',
      };
    case 1:
      return { ev: 'uplink.up', actor: 'agent', subject: 'uplink:broker-a', outcome: 'ok' };
    case 2:
      return {
        ev: 'tunnel.opened',
        actor: 'technician:t-7',
        subject: 'sensor:plc-1:502',
        outcome: 'ok',
        data: { grant: `g-${i}` },
      };
    case 3:
      return {
        ev: 'tunnel.closed',
        actor: 'technician:t-7',
        subject: 'sensor:plc-1:502',
        outcome: 'ok',
        reason: 'expired',
        data: { upBytes: 12_345, downBytes: 67_890 },
      };
    case 4:
      return i % 1000 === 4
        ? {
            ev: 'sensor.auth-failed',
            actor: 'peer:10.0.0.9',
            subject: 'listener:mqtt',
            outcome: 'denied',
            reason: 'unknown identity',
          }
        : { ev: 'admin.action', actor: 'cli:root', subject: 'command', outcome: 'ok', reason: 'ztgw status' };
    default:
      return {
        ev: 'policy.denied',
        actor: `sensor:th-${i % 37}`,
        subject: 'rule:topic-acl',
        outcome: 'denied',
        reason: 'publish to ztgw/x/cmd not allowed',
        data: { count: 1 + (i % 50), firstMs: T0, lastMs: T0 + 59_000, windowMs: 60_000 },
      };
  }
}

async function main(): Promise<void> {
  const n = Number.parseInt(process.argv[2] ?? '50000', 10);
  const dir = await mkdtemp(join(tmpdir(), 'ztgw-bench-audit-'));
  let now = T0;
  try {
    const log = await openAuditLog({
      dir: join(dir, 'audit'),
      keysDir: join(dir, 'keys'),
      log: silentLogger(),
      clock: { nowMs: () => now },
      quotaBytes: 256 * 1024 * 1024,
      groupCommitMaxRecords: 1000,
    });
    const writeStart = performance.now();
    for (let i = 0; i < n; i += 1000) {
      const burst: Promise<unknown>[] = [];
      for (let k = i; k < Math.min(n, i + 1000); k++) {
        now = T0 + Math.floor((k * DAY_MS) / n);
        burst.push(log.append(eventFor(k)));
      }
      await Promise.all(burst);
    }
    const writeMs = performance.now() - writeStart;
    const usage = log.usage();
    const exportStart = performance.now();
    const bundle = await exportEvidence(log, {
      sinceMs: T0,
      untilMs: T0 + DAY_MS,
      nowMs: T0 + DAY_MS,
      device: { deviceId: 'gw-bench', iccid: null, imei: null, certFingerprint: null, certSubject: null },
    });
    const exportMs = performance.now() - exportStart;
    const verifyStart = performance.now();
    const report = verifyEvidence(bundle, log.publicKey);
    const verifyMs = performance.now() - verifyStart;
    await log.close();
    process.stdout.write(
      `${JSON.stringify({
        bench: 'audit-export',
        records: usage.headSeq,
        storeBytes: usage.usedBytes,
        appendMs: Math.round(writeMs),
        exportMs: Math.round(exportMs),
        bundleBytes: bundle.length,
        verifyMs: Math.round(verifyMs),
        isVerified: report.ok,
        events: report.body?.summary.events ?? 0,
        node: process.version,
      })}\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `audit-export bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
