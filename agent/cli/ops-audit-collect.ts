/**
 * `ztgw ops audit-collect`: the operator side of the audit trail. Subscribes to one device's
 * `ztgw/<id>/up/audit` with a persistent session, verifies every batch against the chain already
 * held (see agent/audit/collector.ts), appends what extends it to the operator's copy, fsyncs, and
 * only then acknowledges the message to the broker. Each newly verified checkpoint becomes the
 * anchor file, the input of `ztgw audit verify --anchor-file`.
 *
 * One JSON line per batch on stdout; a broken chain is printed on stderr, written to
 * `<out>/problem.json`, and makes the command exit 1 when it ends (the session keeps running so
 * that what follows is still seen, but nothing more is added to the copy).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { createAuditCollector, formatAnchor } from '../audit/collector.js';
import { openCollectorStore } from '../audit/collector-store.js';
import { auditTopic } from '../audit/index.js';
import { writeFileDurable } from '../store/durable-file.js';
import { intFlag, parseArgs, requiredFlag, usageError } from './args.js';
import { readPublicKey } from './audit-commands.js';
import type { CliIo } from './modem-commands.js';

export const OPS_AUDIT_COLLECT_USAGE = `usage:
  ztgw ops audit-collect --device ID --pubkey FILE --out DIR --broker mqtts://HOST:PORT
                         --ca-file F --cert F --key F [--duration-ms N] [--reconnect-ms N]
    keeps the operator's verified copy of a device's audit chain in DIR (records.bin) and the newest
    verified checkpoint in DIR/anchor, for \`ztgw audit verify --anchor-file DIR/anchor\`;
    runs until interrupted or for --duration-ms; reconnects every --reconnect-ms (default 1000);
    records the broker never delivered are reported as gaps; exits 1 if the chain broke`;

const SPEC = {
  values: ['device', 'pubkey', 'out', 'broker', 'ca-file', 'cert', 'key', 'duration-ms', 'reconnect-ms'],
  booleans: [],
};

export async function runOpsAuditCollectCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, SPEC);
  const need = (k: string): string => requiredFlag(args, k, OPS_AUDIT_COLLECT_USAGE);
  const deviceId = need('device');
  const outDir = need('out');
  const broker = need('broker');
  if (!broker.startsWith('mqtts://')) throw usageError('--broker must be an mqtts:// URL');
  const durationMs = intFlag(args, 'duration-ms', 0, 0, 365 * 86_400_000);
  const reconnectMs = intFlag(args, 'reconnect-ms', 1000, 10, 3_600_000);
  const collector = createAuditCollector({ publicKey: await readPublicKey(need('pubkey')), deviceId });
  const store = await openCollectorStore(outDir);
  if (store.cutBytes > 0) io.err(`ztgw ops audit-collect: cut a torn last frame of ${store.cutBytes} bytes`);
  for (const r of store.records) {
    const p = collector.resume(r);
    if (p !== null) {
      await store.close();
      io.err(`ztgw ops audit-collect: the copy in ${outDir} does not verify: ${p.message}`);
      return 1;
    }
  }
  let lastAnchor = collector.stats().anchor;
  let isBroken = false;
  let isFailed = false;
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  // Messages are handled one at a time, in order: each is durable before the next is looked at.
  let chain: Promise<void> = Promise.resolve();
  const client = connect(broker, {
    protocolVersion: 5,
    clientId: `ztgw-audit-collect-${deviceId}`.slice(0, 64),
    clean: false,
    properties: { sessionExpiryInterval: 7 * 86_400 },
    reconnectPeriod: reconnectMs,
    ca: await readFile(need('ca-file')),
    cert: await readFile(need('cert')),
    key: await readFile(need('key')),
    customHandleAcks: (_topic, message, _packet, done) => {
      chain = chain.then(async () => {
        if (isFailed) return;
        const r = collector.push(message);
        await store.append(r.held);
        if (r.anchor !== null && r.anchor !== lastAnchor) {
          await store.writeAnchor(r.anchor);
          lastAnchor = r.anchor;
        }
        const st = collector.stats();
        io.out(
          JSON.stringify({
            event: 'audit.batch',
            device: deviceId,
            held: r.held.length,
            duplicates: r.duplicates,
            gaps: r.gaps,
            lastSeq: st.lastSeq,
            anchor: st.anchor === null ? null : formatAnchor(st.anchor),
          }),
        );
        for (const g of r.gaps) {
          io.err(
            `ztgw ops audit-collect: ${deviceId}: records ${g.fromSeq}..${g.toSeq} were never delivered here`,
          );
        }
        if (r.problem !== null && st.problem !== null && !isBroken) {
          isBroken = true;
          io.err(`ztgw ops audit-collect: ${deviceId}: ${st.problem.message}`);
          await writeFileDurable(join(outDir, 'problem.json'), `${JSON.stringify(st.problem)}\n`);
        } else if (r.problem !== null && st.problem === null) {
          io.err(`ztgw ops audit-collect: ${deviceId}: message ignored: ${r.problem.message}`);
        }
        done(0);
      });
      chain = chain.catch((err: unknown) => {
        // Not acknowledged, and the collector's state has already moved past it: stop (exit 1).
        // The next start rebuilds the state from records.bin and the broker sends the batch again.
        io.err(`ztgw ops audit-collect: cannot keep a batch: ${String(err)}`);
        isFailed = true;
        stop();
      });
    },
  });
  client.on('error', (e) => io.err(`ztgw ops audit-collect: ${e.message}`));
  client.on('connect', () => {
    client.subscribe(auditTopic(deviceId), { qos: 1 });
    const held = collector.stats().records;
    io.out(JSON.stringify({ event: 'audit-collect.ready', device: deviceId, broker, held }));
  });
  const timer = durationMs > 0 ? setTimeout(stop, durationMs) : null;
  io.signal.addEventListener('abort', stop, { once: true });
  await stopped;
  if (timer !== null) clearTimeout(timer);
  await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
  await chain;
  await store.close();
  return isBroken || isFailed ? 1 : 0;
}
