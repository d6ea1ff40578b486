/**
 * `ztgw ops signer`: the operator side of certificate rotation for labs and small fleets. Connects to
 * the broker with an operator certificate (ops-…), answers each device's CSR on
 * `ztgw/<id>/up/csr` with a certificate signed by the operator CA on `ztgw/<id>/down/cert`.
 * The CSR's CN must be the device id of the topic it came on.
 */
import { readFile } from 'node:fs/promises';
import { connect } from 'mqtt';
import { readCsr, signCsr } from '../identity/index.js';
import { parseCsrRequest } from '../identity/rotation-messages.js';
import { intFlag, parseArgs, requiredFlag, usageError } from './args.js';
import type { CliIo } from './modem-commands.js';

export const OPS_SIGNER_USAGE = `usage:
  ztgw ops signer --dir CA_DIR --broker mqtts://HOST:PORT --ca-file F --cert F --key F [--days N] [--duration-ms N]
    answers device CSRs (ztgw/+/up/csr) with certificates signed by the CA in CA_DIR (default 365 days)`;

const SPEC = { values: ['dir', 'broker', 'ca-file', 'cert', 'key', 'days', 'duration-ms'], booleans: [] };

export async function runOpsSignerCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, SPEC);
  const need = (k: string): string => requiredFlag(args, k, OPS_SIGNER_USAGE);
  const caDir = need('dir');
  const broker = need('broker');
  if (!broker.startsWith('mqtts://')) throw usageError('--broker must be an mqtts:// URL');
  const days = intFlag(args, 'days', 365, 1, 3650);
  const durationMs = intFlag(args, 'duration-ms', 0, 0, 365 * 86_400_000);
  const client = connect(broker, {
    protocolVersion: 5,
    reconnectPeriod: 2000,
    ca: await readFile(need('ca-file')),
    cert: await readFile(need('cert')),
    key: await readFile(need('key')),
  });
  client.on('error', (e) => io.err(`ztgw ops signer: ${e.message}`));
  client.on('connect', () => {
    client.subscribe('ztgw/+/up/csr', { qos: 1 });
    io.out(JSON.stringify({ event: 'signer.ready', broker }));
  });
  client.on('message', (topic, payload) => {
    const deviceId = topic.split('/')[1] ?? '';
    const answer = (body: object): void => {
      client.publish(`ztgw/${deviceId}/down/cert`, JSON.stringify({ v: 1, ...body }), { qos: 1 });
    };
    const req = parseCsrRequest(payload);
    if (!req.ok) {
      io.out(JSON.stringify({ event: 'signer.refused', deviceId, reason: req.reason }));
      return;
    }
    const csr = readCsr(req.value.csr);
    if (!csr.ok || csr.value.commonName !== deviceId) {
      const reason = csr.ok
        ? `CSR CN ${csr.value.commonName ?? '(none)'} is not the topic's device ${deviceId}`
        : csr.reason;
      io.out(JSON.stringify({ event: 'signer.refused', deviceId, reason }));
      answer({ requestId: req.value.requestId, error: reason });
      return;
    }
    signCsr(caDir, req.value.csr, { validityDays: days }).then(
      (cert) => {
        answer({ requestId: req.value.requestId, cert });
        io.out(
          JSON.stringify({
            event: 'signer.signed',
            deviceId,
            requestId: req.value.requestId,
            reason: req.value.reason,
          }),
        );
      },
      (err: unknown) => {
        const reason = err instanceof Error ? err.message : String(err);
        answer({ requestId: req.value.requestId, error: reason });
        io.out(JSON.stringify({ event: 'signer.refused', deviceId, reason }));
      },
    );
  });
  await new Promise<void>((resolve) => {
    const done = (): void => resolve();
    io.signal.addEventListener('abort', done, { once: true });
    if (durationMs > 0) setTimeout(done, durationMs);
  });
  await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
  return 0;
}
