/**
 * The `ztgw` executable: dispatches to the CLI commands. The only place that calls process.exit.
 */
import { isZtgwError } from '../modem/errors.js';
import { AUDIT_USAGE, runAuditCommand } from './cli/audit-commands.js';
import { DECODE_USAGE, runDecodeCommand } from './cli/decode-command.js';
import { ENROLL_USAGE, OPS_CA_USAGE, runEnrollCommand, runOpsCaCommand } from './cli/identity-commands.js';
import { MODEM_USAGE, runModemCommand } from './cli/modem-commands.js';
import { OPS_AUDIT_COLLECT_USAGE, runOpsAuditCollectCommand } from './cli/ops-audit-collect.js';
import { OPS_SIGNER_USAGE, runOpsSignerCommand } from './cli/ops-signer.js';
import {
  RUN_USAGE,
  runCertCommand,
  runConfigCommand,
  runRunCommand,
  runStatusCommand,
} from './cli/run-commands.js';
import { runSensorCommand, SENSOR_USAGE } from './cli/sensor-commands.js';

const USAGE = `ztgw — zero-trust connectivity agent for cellular IoT gateways

${RUN_USAGE}
${MODEM_USAGE}
${ENROLL_USAGE}
${OPS_CA_USAGE}
${OPS_SIGNER_USAGE}
${OPS_AUDIT_COLLECT_USAGE}
${DECODE_USAGE}
${AUDIT_USAGE}
${SENSOR_USAGE}`;

async function main(argv: readonly string[]): Promise<number> {
  const ac = new AbortController();
  const stop = (): void => ac.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const io = {
    out: (l: string) => process.stdout.write(`${l}\n`),
    err: (l: string) => process.stderr.write(`${l}\n`),
    signal: ac.signal,
  };
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'run':
        return await runRunCommand(rest, io);
      case 'status':
        return await runStatusCommand(rest, io);
      case 'cert':
        return await runCertCommand(rest, io);
      case 'config':
        return await runConfigCommand(rest, io);
      case 'audit':
        return await runAuditCommand(rest, io);
      case 'modem':
        return await runModemCommand(rest, io);
      case 'enroll':
        return await runEnrollCommand(rest, io);
      case 'sensor':
        return await runSensorCommand(rest, io);
      case 'ops':
        if (rest[0] === 'ca') return await runOpsCaCommand(rest.slice(1), io);
        if (rest[0] === 'signer') return await runOpsSignerCommand(rest.slice(1), io);
        if (rest[0] === 'decode') return await runDecodeCommand(rest.slice(1), io);
        if (rest[0] === 'audit-collect') return await runOpsAuditCollectCommand(rest.slice(1), io);
        io.err(`ztgw: unknown ops command ${JSON.stringify(rest[0] ?? '')}\n${OPS_CA_USAGE}`);
        return 2;
      case undefined:
      case 'help':
      case '--help':
        io.out(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        io.err(`ztgw: unknown command ${JSON.stringify(cmd)}\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (isZtgwError(err) && err.code === 'CLI_USAGE') {
      io.err(`ztgw: ${err.message}`);
      return 2;
    }
    const code = isZtgwError(err) ? ` [${err.code}]` : '';
    io.err(`ztgw: ${err instanceof Error ? err.message : String(err)}${code}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ztgw: internal error: ${String(err)}\n`);
    process.exit(70);
  },
);
