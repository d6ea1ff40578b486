import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveTraits } from '../../../firmware-shims/index.js';
import { parseQengServingCell } from '../../../firmware-shims/quectel/parse-qeng.js';
import { quectelShim } from '../../../firmware-shims/quectel/quectel-shim.js';
import type { ModemIdent } from '../../../modem/at/types.js';
import { atError, channelError, cmeError, FakeAtChannel } from '../../fakes/fake-at-channel.js';

const EC25: ModemIdent = { manufacturer: 'Quectel', model: 'EC25', revision: 'EC25EFAR06A06M4G' };
const BG96: ModemIdent = { manufacturer: 'Quectel', model: 'BG96', revision: 'BG96MAR02A07M1G' };
const EP06: ModemIdent = { manufacturer: 'Quectel', model: 'EP06', revision: 'EP06ELAR04A22M4G' };
const RM500Q: ModemIdent = { manufacturer: 'Quectel', model: 'RM500Q-GL', revision: 'RM500QGLABR11A06M4G' };
const QENG = 'AT+QENG="servingcell"';

test('quectel readIccid: AT+QCCID first, 19 digits with F filler', async () => {
  const ch = new FakeAtChannel([{ command: 'AT+QCCID', lines: ['+QCCID: 8949100000000000009F'] }]);
  assert.equal(await quectelShim.readIccid(ch), {
    ok: true,
    value: { iccid: '8949100000000000009', valid: true },
  });
  assert.equal(ch.sent, ['AT+QCCID']);
  ch.assertDone();
});

test('quectel readIccid: AT+QCCID refused, generic AT+CCID answers', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+QCCID', error: atError('AT+QCCID') },
    { command: 'AT+CCID', lines: ['+CCID: 89441100000000000009'] },
  ]);
  assert.equal(await quectelShim.readIccid(ch), {
    ok: true,
    value: { iccid: '89441100000000000009', valid: true },
  });
  ch.assertDone();
});

test('quectel readIccid: every command fails, each is named', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+QCCID', error: cmeError('AT+QCCID', 10, 'SIM not inserted') },
    { command: 'AT+CCID', error: cmeError('AT+CCID', 10, 'SIM not inserted') },
    { command: 'AT+ICCID', error: atError('AT+ICCID') },
    {
      command: 'AT+CRSM=176,12258,0,0,10',
      error: cmeError('AT+CRSM=176,12258,0,0,10', 10, 'SIM not inserted'),
    },
  ]);
  assert.equal(await quectelShim.readIccid(ch), {
    ok: false,
    reason:
      'ICCID not read: AT+QCCID: +CME ERROR: 10 (SIM not inserted); AT+CCID: +CME ERROR: 10 (SIM not inserted); ' +
      'AT+ICCID: ERROR; AT+CRSM=176,12258,0,0,10: +CME ERROR: 10 (SIM not inserted)',
  });
  ch.assertDone();
});

test('quectel readServingCell: AT+QENG="servingcell", EG25-G LTE line', async () => {
  const ch = new FakeAtChannel([
    {
      command: QENG,
      lines: [
        '+QENG: "servingcell","NOCONN","LTE","FDD",214,01,7676A09,188,6300,20,3,3,603,-104,-9,-78,11,23',
      ],
    },
  ]);
  const r = await quectelShim.readServingCell(ch);
  assert.equal(r.ok && [r.value.rat, r.value.band, r.value.rsrpDbm], ['lte', 'B20', -104]);
  ch.assertDone();
});

test('quectel readServingCell: a refused query is { ok: false } naming the command', async () => {
  const ch = new FakeAtChannel([{ command: QENG, error: atError(QENG) }]);
  assert.equal(await quectelShim.readServingCell(ch), { ok: false, reason: 'AT+QENG="servingcell": ERROR' });
});

test('quectel reset: AT+CFUN=1,1, 15 s by default, a timeout after the write is success', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT+CFUN=1,1', error: channelError('AT_TIMEOUT', 'AT+CFUN=1,1') },
  ]);
  await quectelShim.reset(ch);
  assert.equal(ch.options, [{ timeoutMs: 15_000 }]);
  ch.assertDone();
});

test('quectel reset: timeoutMs option', async () => {
  const ch = new FakeAtChannel([{ command: 'AT+CFUN=1,1', lines: [] }]);
  await quectelShim.reset(ch, { timeoutMs: 30_000 });
  assert.equal(ch.options, [{ timeoutMs: 30_000 }]);
});

test('quectel dialect: SEND OK/SEND FAIL finals, boot and SIM URCs', () => {
  assert.equal(quectelShim.finals, [
    { line: 'SEND OK', isSuccess: true },
    { line: 'SEND FAIL', isSuccess: false },
  ]);
  for (const p of ['RDY', 'POWERED DOWN', '+QIND:', '+QUSIM:', '+QIURC:'])
    assert.ok(quectelShim.urcPrefixes.includes(p), p);
});

test('quectel-ec25-ctzu3-localtime: listed for EC25 and EG25, not for BG96; no trait change', () => {
  const ids = (ident: ModemIdent): string[] => resolveTraits(quectelShim, ident).quirks.map((q) => q.id);
  assert.ok(ids(EC25).includes('quectel-ec25-ctzu3-localtime'));
  assert.ok(ids({ ...EC25, model: 'EG25' }).includes('quectel-ec25-ctzu3-localtime'));
  assert.not.ok(ids(BG96).includes('quectel-ec25-ctzu3-localtime'));
  assert.equal(resolveTraits(quectelShim, EC25).traits, quectelShim.traits);
});

test('quectel-bg96-qeng-cat-rat-names: BG96 "CAT-M" reads as cat-m, like BG95 "eMTC"', () => {
  assert.equal(
    resolveTraits(quectelShim, BG96).quirks.map((q) => q.id),
    ['quectel-bg96-qeng-cat-rat-names', 'quectel-bg9x-act8-catm'],
  );
  const bg96 = parseQengServingCell([
    '+QENG: "servingcell","CONNECT","CAT-M","FDD",262,03,2FAA03,187,6200,20,3,3,2AFB,-105,-11,-76,10,-',
  ]);
  const bg95 = parseQengServingCell([
    '+QENG: "servingcell","NOCONN","eMTC","FDD",310,410,B0DD811,152,5110,12,3,3,5003,-88,-11,-62,11,41',
  ]);
  assert.equal([bg96.ok && bg96.value.rat, bg95.ok && bg95.value.rat], ['cat-m', 'cat-m']);
});

test('quectel-qeng-sinr-is-db: EP06-E EP06ELAR04A22M4G SINR 21 is 21 dB, not 21*0.2-20', () => {
  assert.ok(resolveTraits(quectelShim, EP06).quirks.some((q) => q.id === 'quectel-qeng-sinr-is-db'));
  const r = parseQengServingCell([
    '+QENG: "servingcell","NOCONN","LTE","FDD",222,88,4CAA71F,28,1500,3,3,3,77B8,-84,-9,-56,21,35',
  ]);
  assert.equal(r.ok && r.value.sinrDb, 21);
});

test('quectel-rm5xx-c5greg: RM500Q resolves has5gReg true, EC25 and BG96 keep false', () => {
  assert.is(resolveTraits(quectelShim, RM500Q).traits.has5gReg, true);
  assert.is(resolveTraits(quectelShim, EC25).traits.has5gReg, false);
  assert.is(resolveTraits(quectelShim, BG96).traits.has5gReg, false);
});

test('quectel-bg9x-act8-catm: BG96 reads <AcT> 8 as Cat-M1; EC25 keeps the 27.007 meaning', () => {
  assert.is(resolveTraits(quectelShim, BG96).traits.isAct8CatM, true);
  assert.is(resolveTraits(quectelShim, { ...BG96, model: 'BG95-M3' }).traits.isAct8CatM, true);
  assert.is(resolveTraits(quectelShim, EC25).traits.isAct8CatM, false);
});

test.run();
