/**
 * Writes the launcher `make build` leaves in build/ztgw: a shell script that starts the compiled
 * agent with the gateway memory settings of agent/daemon/runtime-tuning.ts, the one place they are
 * written down. An operator's own MALLOC_ARENA_MAX wins.
 *
 *   node build/js/hil/package/write-launcher.js build/ztgw
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { LAUNCH_ENV, LAUNCH_NODE_FLAGS } from '../../agent/daemon/runtime-tuning.js';

const SAFE = /^[A-Za-z0-9_=.:,/-]+$/;

/** The launcher's text. */
export function launcherScript(): string {
  const lines = [
    '#!/bin/sh',
    '# make build: the agent with its memory settings (agent/daemon/runtime-tuning.ts).',
  ];
  for (const [k, v] of Object.entries(LAUNCH_ENV)) {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(k) || !SAFE.test(v)) throw new TypeError(`unsafe launcher env ${k}=${v}`);
    lines.push(`export ${k}="\${${k}:-${v}}"`);
  }
  for (const f of LAUNCH_NODE_FLAGS) if (!SAFE.test(f)) throw new TypeError(`unsafe launcher flag ${f}`);
  lines.push(
    `exec node ${LAUNCH_NODE_FLAGS.join(' ')} "$(dirname "$(readlink -f "$0")")/js/agent/main.js" "$@"`,
  );
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  const out = process.argv[2];
  if (out === undefined) {
    console.error('usage: write-launcher.js OUT');
    process.exit(2);
  }
  writeFileSync(out, launcherScript());
  chmodSync(out, 0o755);
}
