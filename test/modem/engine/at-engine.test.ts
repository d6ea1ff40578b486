import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AtEngine } from '../../../modem/engine/at-engine.js';
import { hasCode, isZtgwError } from '../../../modem/errors.js';
import { silentLogger } from '../../../modem/log.js';
import { FakeSerial } from '../../fakes/fake-serial.js';

const ok = (...lines: string[]) => `${lines.map((l) => `\r\n${l}\r\n`).join('')}\r\nOK\r\n`;

function engineWith(fake: FakeSerial, extra: Partial<ConstructorParameters<typeof AtEngine>[0]> = {}) {
  return new AtEngine({ link: fake, log: silentLogger(), resyncQuietMs: 5, resyncTimeoutMs: 500, ...extra });
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

test('one command: lines and final', async () => {
  const fake = new FakeSerial().expect({ command: 'AT+CSQ', reply: ok('+CSQ: 17,99') });
  const e = engineWith(fake);
  const r = await e.send('AT+CSQ');
  assert.equal(r.lines, ['+CSQ: 17,99']);
  assert.is(r.final, 'OK');
  assert.equal(fake.writes, ['AT+CSQ\r']);
  fake.assertDone();
});

test('+CME ERROR becomes AT_CME with the number and its name', async () => {
  const fake = new FakeSerial().expect({ command: 'AT+CPIN?', reply: '\r\n+CME ERROR: 10\r\n' });
  const err = await rejection(engineWith(fake).send('AT+CPIN?'));
  assert.ok(hasCode(err, 'AT_CME'));
  if (isZtgwError(err)) {
    assert.is(err.details['cme'], 10);
    assert.match(String(err.details['cmeName']), /SIM not inserted/i);
  }
});

test('one command in flight: the second is written only after the first completes', async () => {
  const fake = new FakeSerial().expect(
    { command: 'AT+CGMI', reply: ok('Quectel'), isHeld: true },
    { command: 'AT+CGMM', reply: ok('EC25') },
  );
  const e = engineWith(fake);
  const a = e.send('AT+CGMI');
  const b = e.send('AT+CGMM');
  await sleep(10);
  assert.equal(fake.writes, ['AT+CGMI\r']);
  fake.release();
  assert.equal((await a).lines, ['Quectel']);
  assert.equal((await b).lines, ['EC25']);
  fake.assertDone();
});

test('timeout names the command, the phase and the elapsed time', async () => {
  const fake = new FakeSerial().expect({ command: 'AT+COPS?' });
  const err = await rejection(engineWith(fake).send('AT+COPS?', { timeoutMs: 30 }));
  assert.ok(hasCode(err, 'AT_TIMEOUT'));
  if (isZtgwError(err)) {
    assert.is(err.details['phase'], 'echo');
    assert.is(err.details['command'], 'AT+COPS?');
    assert.ok(Number(err.details['elapsedMs']) >= 29);
  }
});

test('the timeout clock starts when the write has drained, not when queued', async () => {
  const fake = new FakeSerial().expect({ command: 'AT+CSQ', reply: ok('+CSQ: 9,99'), isHeld: true });
  fake.isDrainHeld = true;
  const e = engineWith(fake);
  let settled = false;
  const p = e.send('AT+CSQ', { timeoutMs: 40 }).finally(() => {
    settled = true;
  });
  await sleep(120); // three timeouts' worth while the UART is still sending
  assert.not.ok(settled, 'timed out before the write drained');
  fake.drain();
  fake.release();
  assert.equal((await p).lines, ['+CSQ: 9,99']);
});

test("a late reply is never taken as the next command's answer (resync with the S7 nonce)", async () => {
  let nonce = '';
  const fake = new FakeSerial().expect(
    { command: 'AT+CSQ', reply: '\r\n+CSQ: 5,99\r\n', isHeld: true }, // final comes late
    {
      command: /^ATS7=\d+$/,
      reply: (c) => {
        nonce = c.slice(5);
        return '\r\nOK\r\n';
      },
    },
    { command: 'ATS7?', reply: () => `\r\n${nonce.padStart(3, '0')}\r\n\r\nOK\r\n` },
    { command: 'AT+CGMM', reply: ok('EC25') },
  );
  const e = engineWith(fake);
  const first = await rejection(e.send('AT+CSQ', { timeoutMs: 20 }));
  assert.ok(hasCode(first, 'AT_TIMEOUT'));
  if (isZtgwError(first)) assert.is(first.details['phase'], 'echo');
  const second = e.send('AT+CGMM');
  // The late reply of AT+CSQ arrives now, while the engine resyncs.
  fake.release();
  fake.emit('\r\nOK\r\n');
  const r = await second;
  assert.equal(r.lines, ['EC25']);
  assert.is(e.stats.resyncs, 1);
  assert.is(e.consecutiveTimeouts, 0);
  fake.assertDone();
});

test('a late OK that lands after a command was written is not its answer: resync first', async () => {
  // Without the resync the stray OK would complete AT+CIMI with no lines.
  let nonce = '';
  const fake = new FakeSerial().expect(
    { command: 'AT+CFUN=1', reply: '' },
    {
      command: /^ATS7=\d+$/,
      reply: (c) => {
        nonce = c.slice(5);
        return '\r\nOK\r\n\r\nOK\r\n';
      },
    },
    { command: 'ATS7?', reply: () => `\r\n${nonce}\r\n\r\nOK\r\n` },
    { command: 'AT+CIMI', reply: ok('262011234567890') },
  );
  const e = engineWith(fake);
  await rejection(e.send('AT+CFUN=1', { timeoutMs: 20 }));
  const r = await e.send('AT+CIMI');
  assert.equal(r.lines, ['262011234567890']);
});

test('resync that gets no nonce fails the command with AT_RESYNC_FAILED and counts it', async () => {
  const fake = new FakeSerial().expect({ command: 'AT' }, { command: /^ATS7=\d+$/ }, { command: 'ATS7?' });
  const e = engineWith(fake, { resyncTimeoutMs: 30 });
  await rejection(e.send('AT', { timeoutMs: 20 }));
  const err = await rejection(e.send('AT+CSQ'));
  assert.ok(hasCode(err, 'AT_RESYNC_FAILED'));
  assert.is(e.consecutiveTimeouts, 2);
  assert.is(e.stats.resyncFailures, 1);
});

test('probe: a timed-out probe does not resync, the next ordinary command does', async () => {
  let nonce = '';
  const fake = new FakeSerial().expect(
    { command: 'AT' },
    { command: 'AT', reply: '\r\nOK\r\n' },
    {
      command: /^ATS7=\d+$/,
      reply: (c) => {
        nonce = c.slice(5);
        return '\r\nOK\r\n';
      },
    },
    { command: 'ATS7?', reply: () => `\r\n${nonce}\r\n\r\nOK\r\n` },
    { command: 'AT+CGMI', reply: ok('Quectel') },
  );
  const e = engineWith(fake);
  assert.is(await e.probe(20), false);
  assert.is(await e.probe(200), true);
  assert.equal((await e.send('AT+CGMI')).lines, ['Quectel']);
  fake.assertDone();
});

test('URCs while idle reach listeners; a stray final while idle forces a resync', async () => {
  let nonce = '';
  const fake = new FakeSerial().expect(
    {
      command: /^ATS7=\d+$/,
      reply: (c) => {
        nonce = c.slice(5);
        return '\r\nOK\r\n';
      },
    },
    { command: 'ATS7?', reply: () => `\r\n${nonce}\r\n\r\nOK\r\n` },
    { command: 'AT', reply: '\r\nOK\r\n' },
  );
  const e = engineWith(fake);
  const got: string[] = [];
  e.onUrc((l) => got.push(l));
  fake.emit('\r\n+CEREG: 1,"1A2B","01A2B3C4",7\r\n\r\nRING\r\n');
  fake.emit('\r\nOK\r\n');
  assert.equal(got, ['+CEREG: 1,"1A2B","01A2B3C4",7', 'RING']);
  assert.is(e.stats.strayLines, 1);
  await e.send('AT');
  assert.is(e.stats.resyncs, 1);
  fake.assertDone();
});

test('URC storm during a command: every URC handed out, the answer intact', async () => {
  const storm = Array.from({ length: 200 }, (_, i) => `\r\n+CEREG: ${i % 2 === 0 ? 1 : 5}\r\n`).join('');
  const fake = new FakeSerial().expect({
    command: 'AT+CSQ',
    reply: `${storm}\r\n+CSQ: 21,99\r\n${storm}\r\nOK\r\n`,
  });
  const e = engineWith(fake);
  let n = 0;
  e.onUrc(() => n++);
  const r = await e.send('AT+CSQ');
  assert.equal(r.lines, ['+CSQ: 21,99']);
  assert.is(n, 400);
});

test('echo on: the echo is not an answer line', async () => {
  const fake = new FakeSerial().expect({ command: 'AT+CGMM', reply: ok('SIM7600E-H') });
  fake.isEchoOn = true;
  assert.equal((await engineWith(fake).send('AT+CGMM')).lines, ['SIM7600E-H']);
});

test('the port vanishing rejects the command in flight and the queue with AT_PORT_CLOSED', async () => {
  const fake = new FakeSerial().expect({ command: 'AT+COPS=?' });
  const e = engineWith(fake);
  let closed = false;
  e.onClose(() => {
    closed = true;
  });
  const a = rejection(e.send('AT+COPS=?'));
  const b = rejection(e.send('AT+CSQ'));
  await sleep(5);
  fake.vanish();
  assert.ok(hasCode(await a, 'AT_PORT_CLOSED'));
  assert.ok(hasCode(await b, 'AT_PORT_CLOSED'));
  assert.ok(closed);
  assert.ok(hasCode(await rejection(e.send('AT')), 'AT_PORT_CLOSED'));
});

test('abort signal rejects with AT_ABORTED and the next command resyncs', async () => {
  const fake = new FakeSerial().expect({ command: 'AT+COPS=?' });
  const e = engineWith(fake, { resyncTimeoutMs: 30 });
  const ac = new AbortController();
  const p = rejection(e.send('AT+COPS=?', { signal: ac.signal }));
  await sleep(5);
  ac.abort();
  assert.ok(hasCode(await p, 'AT_ABORTED'));
});

test('not an AT command line: AT_BAD_COMMAND, nothing written', async () => {
  const fake = new FakeSerial();
  const e = engineWith(fake);
  assert.ok(hasCode(await rejection(e.send('rm -rf /')), 'AT_BAD_COMMAND'));
  assert.ok(hasCode(await rejection(e.send('AT\rATZ')), 'AT_BAD_COMMAND'));
  assert.equal(fake.writes, []);
});

test('firmware without S7: the refused readback falls back to a quiet line and AT, remembered', async () => {
  const fake = new FakeSerial().expect(
    { command: 'AT+CSQ' },
    { command: /^ATS7=\d+$/, reply: '\r\nERROR\r\n' },
    { command: 'ATS7?', reply: '\r\nERROR\r\n' },
    { command: 'AT', reply: '\r\nOK\r\n' },
    { command: 'AT+CGMI', reply: ok('Quectel') },
    { command: 'AT+CGMM', reply: '' }, // times out
    { command: 'AT', reply: '\r\nOK\r\n' }, // no S7 attempt the second time
    { command: 'AT+CGMR', reply: ok('EC25EFAR06A06M4G') },
  );
  const e = engineWith(fake);
  await rejection(e.send('AT+CSQ', { timeoutMs: 20 }));
  assert.equal((await e.send('AT+CGMI')).lines, ['Quectel']);
  await rejection(e.send('AT+CGMM', { timeoutMs: 20 }));
  assert.equal((await e.send('AT+CGMR')).lines, ['EC25EFAR06A06M4G']);
  assert.is(e.stats.resyncs, 2);
  assert.is(e.stats.resyncFailures, 0);
  fake.assertDone();
});

test('a late ERROR before the readback does not fall back: the nonce still syncs', async () => {
  let nonce = '';
  const fake = new FakeSerial().expect(
    { command: 'AT+COPS=0' },
    {
      command: /^ATS7=\d+$/,
      reply: (c) => {
        nonce = c.slice(5);
        return '\r\nOK\r\n';
      },
    },
    // The timed-out command's ERROR arrives first, then the readback.
    { command: 'ATS7?', reply: () => `\r\nERROR\r\n\r\n${nonce}\r\n\r\nOK\r\n` },
    { command: 'AT+CGMI', reply: ok('Quectel') },
  );
  const e = engineWith(fake);
  await rejection(e.send('AT+COPS=0', { timeoutMs: 20 }));
  assert.equal((await e.send('AT+CGMI')).lines, ['Quectel']);
  fake.assertDone();
});

test('firmware that ignores ATS7 altogether: no answer to the readback, AT still answers: fallback', async () => {
  const fake = new FakeSerial().expect(
    { command: 'AT+CSQ' },
    { command: /^ATS7=\d+$/ },
    { command: 'ATS7?' },
    { command: 'AT', reply: '\r\nOK\r\n' },
    { command: 'AT+CGMI', reply: ok('Quectel') },
  );
  const e = engineWith(fake, { resyncTimeoutMs: 50 });
  await rejection(e.send('AT+CSQ', { timeoutMs: 20 }));
  assert.equal((await e.send('AT+CGMI')).lines, ['Quectel']);
  fake.assertDone();
});

test.run();
