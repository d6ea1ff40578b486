/**
 * `ztgw run` end to end: the simulated modem, a real mosquitto with mTLS and ACLs, the agent as a
 * real process. It connects, publishes status and state, refuses to connect with a swapped SIM and
 * alerts once the original SIM is back, leaves its last will when killed, and handles a clock that
 * starts in 1970.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonValue } from '../../modem/errors.js';
import type { MosquittoBroker } from '../broker/index.js';
import type { LabPki } from '../pki/index.js';
import { type AgentRun, at, LAB_IDENTITY, labRig, startAgent, watchCloud } from './cloud-kit.js';
import { hilEnv, withSim, withTempDir } from './kit.js';

const env = hilEnv();
const ID = LAB_IDENTITY;
const FOREIGN_ICCID = '8944100000123456784';
/** The network's time as the simulated modem reports it: now (the lab certificates are fresh). */
const nowOnTheNetwork = () => ({
  networkTime: { iso: new Date().toISOString().slice(0, 19), tzQuarterHours: 0 },
});

interface Rig {
  readonly dir: string;
  readonly pki: LabPki;
  readonly broker: MosquittoBroker;
}

async function withRig(fn: (rig: Rig) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const { pki, broker } = await labRig(dir);
    try {
      await fn({ dir, pki, broker });
    } finally {
      await broker.stop();
    }
  });
}

function device(rig: Rig) {
  const d = rig.pki.devices['gw-1'];
  if (d === undefined) throw new Error('no gw-1 in the lab PKI');
  return d;
}

async function stopped(agent: AgentRun | null): Promise<void> {
  await agent?.stop();
}

test('connects with mTLS, publishes online and the state; ops sees both; status says connected', async () => {
  if (env.realModemPath !== null) return;
  await withRig(async (rig) => {
    await withSim('quectel-ec25', nowOnTheNetwork(), async (sim) => {
      const cloud = await watchCloud(rig.broker, rig.pki, 'ztgw/gw-1/up/#');
      let agent: AgentRun | null = null;
      try {
        agent = await startAgent({
          ...rig,
          device: device(rig),
          modemPath: sim.agentPath,
          dir: `${rig.dir}/a`,
        });
        const online = await cloud.waitFor(
          (m) => m.topic === 'ztgw/gw-1/up/status' && m.payload === 'online',
          'online',
        );
        assert.ok(online);
        const stateMsg = await cloud.waitFor(
          (m) => m.topic === 'ztgw/gw-1/up/state' && m.payload.includes('"binding":"ok"'),
          'state with binding ok',
        );
        const doc = JSON.parse(stateMsg.payload) as JsonValue;
        assert.is(at(doc, 'v'), 1);
        assert.is(at(doc, 'deviceId'), 'gw-1');
        assert.is(at(doc, 'modem', 'imei'), ID.imei);
        assert.is(at(doc, 'modem', 'iccid'), ID.iccid);
        assert.is(at(doc, 'identity', 'binding'), 'ok');
        assert.is(at(doc, 'clock', 'isTrusted'), true);
        assert.type(at(doc, 'certificate', 'notAfter'), 'string');
        assert.is(at(doc, 'exposure', 'isExposed'), false);
        const st = await agent.waitForStatus((s) => at(s, 'uplink', 'state') === 'connected', 'connected');
        assert.is(at(st, 'uplink', 'broker'), rig.broker.url);
        // Killed without a goodbye: the broker publishes the last will.
        await agent.stop('SIGKILL');
        agent = null;
        await cloud.waitFor(
          (m) => m.topic === 'ztgw/gw-1/up/status' && m.payload === 'offline' && !m.isRetained,
          'last will offline',
        );
      } finally {
        await stopped(agent);
        await cloud.close();
      }
    });
  });
});

test('SIM swapped: no connection, state sim-mismatch; original SIM back: connects and the alert arrives', async () => {
  if (env.realModemPath !== null) return;
  await withRig(async (rig) => {
    await withSim(
      'quectel-ec25',
      { ...nowOnTheNetwork(), identity: { iccid: FOREIGN_ICCID } },
      async (sim) => {
        const cloud = await watchCloud(rig.broker, rig.pki, 'ztgw/gw-1/up/#');
        let agent: AgentRun | null = null;
        try {
          agent = await startAgent({
            ...rig,
            device: device(rig),
            modemPath: sim.agentPath,
            dir: `${rig.dir}/a`,
          });
          // The binding is in the status before the connect attempt is vetoed: the alert is made
          // durable first (one journal commit), so wait for both.
          const st = await agent.waitForStatus(
            (s) =>
              at(s, 'identity', 'binding') === 'sim-mismatch' &&
              at(s, 'uplink', 'lastError', 'reason') === 'sim-mismatch',
            'sim-mismatch, and the uplink refused for it',
          );
          assert.is(at(st, 'uplink', 'state') === 'connected', false);
          assert.match(String(at(st, 'identity', 'detail')), /SIM/);
          // Nothing from gw-1 reached the broker while the SIM was foreign.
          assert.not.ok(cloud.inbox.some((m) => m.topic === 'ztgw/gw-1/up/status' && m.payload === 'online'));
          sim.setState({ identity: { iccid: ID.iccid } });
          const alert = await cloud.waitFor(
            (m) => m.topic === 'ztgw/gw-1/up/alert',
            'sim.swapped alert',
            30_000,
          );
          const body = JSON.parse(alert.payload) as JsonValue;
          assert.is(at(body, 'type'), 'sim.swapped');
          assert.is(at(body, 'seen', 'iccid'), FOREIGN_ICCID);
          assert.is(at(body, 'bound', 'iccid'), ID.iccid);
          await agent.waitForStatus(
            (s) => at(s, 'uplink', 'state') === 'connected' && at(s, 'identity', 'binding') === 'ok',
            'reconnected with the right SIM',
          );
          assert.match(agent.logs(), /"msg":"sim.swapped"/, agent.logs().slice(0, 4000));
        } finally {
          await stopped(agent);
          await cloud.close();
        }
      },
    );
  });
});

test('clock starts in 1970 and may not be stepped: no connection, and the status says why', async () => {
  if (env.realModemPath !== null) return;
  await withRig(async (rig) => {
    await withSim('quectel-ec25', nowOnTheNetwork(), async (sim) => {
      let agent: AgentRun | null = null;
      try {
        agent = await startAgent({
          ...rig,
          device: device(rig),
          modemPath: sim.agentPath,
          dir: `${rig.dir}/a`,
          extraArgs: ['--clock-start', '1970-01-01T00:00:05Z'],
        });
        const st = await agent.waitForStatus(
          (s) =>
            at(s, 'clock', 'isTrusted') === false &&
            at(s, 'uplink', 'lastError', 'reason') === 'clock-untrusted',
          'clock-untrusted',
        );
        assert.match(
          String(at(st, 'clock', 'reason')),
          /1970-01-01T00:00:0\d.\d+Z\) is before the certificate's notBefore/,
        );
        assert.match(
          String(at(st, 'clock', 'reason')),
          /the network says 20\d\d-\d\d-\d\dT[\d:.]+Z but clock.mayStepClock is false/,
        );
      } finally {
        await stopped(agent);
      }
    });
  });
});

test('clock starts in 1970 and may be stepped: it takes the network time from the modem and connects', async () => {
  if (env.realModemPath !== null) return;
  await withRig(async (rig) => {
    await withSim('quectel-ec25', nowOnTheNetwork(), async (sim) => {
      let agent: AgentRun | null = null;
      try {
        agent = await startAgent({
          ...rig,
          device: device(rig),
          modemPath: sim.agentPath,
          dir: `${rig.dir}/a`,
          config: { clock: { mayStepClock: true } },
          extraArgs: ['--clock-start', '1970-01-01T00:00:05Z'],
        });
        const st = await agent.waitForStatus((s) => at(s, 'uplink', 'state') === 'connected', 'connected');
        assert.is(at(st, 'clock', 'isTrusted'), true);
        assert.match(String(at(st, 'clock', 'reason')), /set to the network time 20\d\d-\d\d-\d\dT/);
        assert.ok(sim.received.some((r) => r.command === 'AT+CCLK?'));
      } finally {
        await stopped(agent);
      }
    });
  });
});

test.run();
