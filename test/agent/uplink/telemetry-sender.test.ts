/**
 * The telemetry sender against an in-memory journal and a fake uplink whose PUBACKs the test hands
 * out one by one: batching, ordering of acknowledgements, rewind after a dropped session, the cap.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeBundle } from '../../../agent/bundle/bundle.js';
import type { TelemetryConfig } from '../../../agent/config/types.js';
import { encodeReadingRecord } from '../../../agent/daemon/reading-record.js';
import type { Journal, JournalRecord, Lane } from '../../../agent/queue/index.js';
import { createTelemetrySender } from '../../../agent/uplink/telemetry-sender.js';
import type { UplinkStatus } from '../../../agent/uplink/uplink-types.js';
import { silentLogger } from '../../../modem/log.js';

const utf8 = new TextEncoder();

function fakeJournal() {
  const recs: JournalRecord[] = [];
  let acked = 0;
  const listeners = new Set<(lane: Lane) => void>();
  const j = {
    append(sensor: string, body: unknown, atMs = 1000): void {
      const payload = encodeReadingRecord({
        sensor,
        topic: 'readings/env',
        payload: utf8.encode(JSON.stringify(body)),
      });
      recs.push({ lane: 'telemetry', seq: recs.length + 1, atMs, payload });
      for (const l of listeners) l('telemetry');
    },
    journal: {
      async read(_lane: Lane, afterSeq: number, maxRecords: number) {
        return recs.filter((r) => r.seq > afterSeq && r.seq > acked).slice(0, maxRecords);
      },
      ack(_lane: Lane, through: number) {
        if (through < acked) throw new Error(`cursor moved back from ${acked} to ${through}`);
        acked = through;
      },
      ackedThrough: () => acked,
      lastSeq: () => recs.length,
      onDurable(fn: (lane: Lane) => void) {
        listeners.add(fn);
        return () => listeners.delete(fn);
      },
    } as unknown as Journal,
    acked: () => acked,
  };
  return j;
}

interface Sent {
  readonly seq: number;
  readonly sensors: string[];
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

function fakeUplink() {
  const sent: Sent[] = [];
  let state: UplinkStatus['state'] = 'connected';
  const statusListeners = new Set<(s: UplinkStatus) => void>();
  const waiters: (() => void)[] = [];
  const status = (): UplinkStatus => ({
    state,
    broker: null,
    since: 0,
    lastError: null,
    attempts: 1,
    consecutiveFailures: 0,
  });
  return {
    sent,
    setState(s: UplinkStatus['state']) {
      state = s;
      for (const l of statusListeners) l(status());
    },
    /** Resolves once `n` bundles have been published in all. */
    async untilSent(n: number): Promise<void> {
      const deadline = Date.now() + 5000;
      while (sent.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${sent.length} of ${n} bundles published`);
        await new Promise<void>((r) => waiters.push(r));
      }
    },
    uplink: {
      publish(topic: string, payload: string | Uint8Array) {
        assert.is(topic, 'ztgw/gw-1/up/t');
        const b = decodeBundle(typeof payload === 'string' ? utf8.encode(payload) : payload);
        if (!b.ok) throw new Error(b.reason);
        return new Promise<void>((resolve, reject) => {
          sent.push({
            seq: b.value.bundleSeq,
            sensors: b.value.readings.map((r) => r.sensor),
            resolve,
            reject,
          });
          for (const w of waiters.splice(0)) w();
        });
      },
      status,
      onStatus(fn: (s: UplinkStatus) => void) {
        statusListeners.add(fn);
        return () => statusListeners.delete(fn);
      },
    },
  };
}

const CONFIG: TelemetryConfig = {
  bundleMaxReadings: 100,
  bundleMaxBytes: 65_536,
  bundleMaxWaitMs: 60_000,
  maxInFlight: 2,
  isDeflateAllowed: true,
};

function rig(config: Partial<TelemetryConfig> = {}, mayUse = () => ({ ok: true }) as const) {
  const j = fakeJournal();
  const u = fakeUplink();
  const ac = new AbortController();
  const sender = createTelemetrySender({
    deviceId: 'gw-1',
    journal: j.journal,
    uplink: u.uplink,
    config: { ...CONFIG, ...config },
    nowMs: () => 1000,
    log: silentLogger(),
    mayUse,
  });
  sender.start(ac.signal);
  return { j, u, sender, stop: () => sender.stop() };
}

/** Lets the sender's loop run its pending steps. */
const turn = () => new Promise<void>((r) => setTimeout(r, 20));

test('nothing in flight: the first reading leaves at once, alone', async () => {
  const r = rig();
  try {
    r.j.append('s1', { temp: 21 });
    await r.u.untilSent(1);
    assert.equal(
      r.u.sent.map((s) => [s.seq, s.sensors]),
      [[1, ['s1']]],
    );
    assert.is(r.j.acked(), 0, 'no PUBACK yet, no cursor move');
    r.u.sent[0]?.resolve();
    await turn();
    assert.is(r.j.acked(), 1);
    assert.equal(r.sender.status().bundlesAcked, 1);
  } finally {
    await r.stop();
  }
});

test('while a bundle is in flight, readings coalesce and leave together on the PUBACK', async () => {
  const r = rig({ maxInFlight: 1 });
  try {
    r.j.append('s1', 1);
    await r.u.untilSent(1);
    for (let i = 0; i < 5; i++) r.j.append(`s${i + 2}`, i);
    await turn();
    assert.is(r.u.sent.length, 1, 'held while the first is in flight');
    r.u.sent[0]?.resolve();
    await r.u.untilSent(2);
    assert.equal(r.u.sent[1]?.seq, 2);
    assert.equal(r.u.sent[1]?.sensors, ['s2', 's3', 's4', 's5', 's6']);
  } finally {
    await r.stop();
  }
});

test('a later PUBACK never moves the cursor past an earlier unacknowledged bundle', async () => {
  const r = rig({ maxInFlight: 2, bundleMaxReadings: 2 });
  try {
    r.j.append('a', 1);
    await r.u.untilSent(1);
    r.j.append('b', 2);
    r.j.append('c', 3);
    await r.u.untilSent(2);
    assert.equal(
      r.u.sent.map((s) => s.seq),
      [1, 2],
    );
    r.u.sent[1]?.resolve();
    await turn();
    assert.is(r.j.acked(), 0);
    r.u.sent[0]?.resolve();
    await turn();
    assert.is(r.j.acked(), 3);
  } finally {
    await r.stop();
  }
});

test('a dropped session rewinds to the acknowledged cursor and resends', async () => {
  const r = rig({ maxInFlight: 1 });
  try {
    r.j.append('a', 1);
    await r.u.untilSent(1);
    r.u.sent[0]?.resolve();
    r.j.append('b', 2);
    await r.u.untilSent(2);
    r.u.setState('backoff');
    r.u.sent[1]?.reject(new Error('UPLINK_CLOSED'));
    await turn();
    assert.is(r.u.sent.length, 2, 'nothing goes while disconnected');
    r.u.setState('connected');
    await r.u.untilSent(3);
    assert.equal(r.u.sent[2]?.seq, 2);
    assert.equal(r.u.sent[2]?.sensors, ['b']);
    assert.is(r.sender.status().resends, 1);
  } finally {
    await r.stop();
  }
});

test('over the daily cap telemetry waits in the journal', async () => {
  let isAllowed = false;
  const r = rig({}, () => (isAllowed ? { ok: true } : { ok: false, retryInMs: 30 }) as never);
  try {
    r.j.append('a', 1);
    await turn();
    assert.is(r.u.sent.length, 0);
    assert.is(r.sender.status().capBlockedUntilMs, 1030);
    isAllowed = true;
    await r.u.untilSent(1);
    assert.is(r.sender.status().capBlockedUntilMs, null);
  } finally {
    await r.stop();
  }
});

test.run();
