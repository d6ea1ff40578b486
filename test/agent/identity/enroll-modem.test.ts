/**
 * `ztgw enroll --port`: ICCID and IMEI read from a simulated modem on a real pseudo-terminal,
 * through the same Modem service a real modem goes through.
 */
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runEnrollCommand } from '../../../agent/cli/identity-commands.js';
import { readCsr } from '../../../agent/identity/csr.js';
import { SimModem } from '../../../hil/sim-modem/sim-modem.js';
import type { StatePatch } from '../../../hil/sim-modem/state.js';
import { recordingIo } from './kit.js';

async function withSim(
  state: StatePatch,
  body: (sim: SimModem, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ztgw-enroll-'));
  const sim = new SimModem({ profile: 'quectel-ec25', dir, state });
  try {
    await sim.start();
    await body(sim, dir);
  } finally {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

test('the CSR carries the ICCID and IMEI the modem reports', () =>
  withSim({}, async (sim, dir) => {
    const r = recordingIo();
    const code = await runEnrollCommand(
      ['--device-id', 'gw-sim', '--keys-dir', join(dir, 'keys'), '--port', sim.agentPath],
      r.io,
    );
    assert.is(code, 0, r.err.join('\n'));
    const csr = readCsr(r.out.join('\n'));
    if (!csr.ok) throw new Error(csr.reason);
    assert.is(csr.value.commonName, 'gw-sim');
    assert.equal(csr.value.san.uris, [
      `urn:ztgw:iccid:${sim.state.identity.iccid}`,
      `urn:ztgw:imei:${sim.state.identity.imei}`,
    ]);
    assert.equal(csr.value.san.uris, ['urn:ztgw:iccid:8949010000123456780', 'urn:ztgw:imei:861677031234563']);
  }));

test('no SIM: exit 1 naming the missing ICCID, and no key is made', () =>
  withSim({ sim: 'absent' }, async (sim, dir) => {
    const r = recordingIo();
    const keys = join(dir, 'keys');
    const code = await runEnrollCommand(
      ['--device-id', 'gw-sim', '--keys-dir', keys, '--port', sim.agentPath],
      r.io,
    );
    assert.is(code, 1);
    assert.match(r.err.join('\n'), `ztgw: the modem on ${sim.agentPath} gave no ICCID (SIM absent)`);
    assert.match(r.err.join('\n'), /\[IDENTITY_CSR\]$/);
    assert.is(
      await access(keys).then(
        () => true,
        () => false,
      ),
      false,
    );
  }));

test('a wrong IMEI check digit is refused rather than bound', () =>
  withSim({ identity: { imei: '861677031234564' } }, async (sim, dir) => {
    const r = recordingIo();
    const code = await runEnrollCommand(
      ['--device-id', 'gw-sim', '--keys-dir', join(dir, 'keys'), '--port', sim.agentPath],
      r.io,
    );
    assert.is(code, 1);
    assert.equal(r.err, [
      `ztgw: the modem on ${sim.agentPath} reported IMEI …4564 with a wrong check digit; check it by hand and pass --iccid/--imei [IDENTITY_CSR]`,
    ]);
  }));

test.run();
