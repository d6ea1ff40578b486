import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveTraits } from '../../../firmware-shims/index.js';
import { parseRfstsServingCell } from '../../../firmware-shims/telit/parse-rfsts.js';
import { telitShim } from '../../../firmware-shims/telit/telit-shim.js';
import type { ModemIdent } from '../../../modem/at/types.js';
import { atError, channelError, FakeAtChannel } from '../../fakes/fake-at-channel.js';

const ids = (ident: ModemIdent): string[] => resolveTraits(telitShim, ident).quirks.map((q) => q.id);

test('telit readIccid: AT#CCID answers #CCID:', async () => {
  const ch = new FakeAtChannel([{ command: 'AT#CCID', lines: ['#CCID: 89340711000000000012'] }]);
  assert.equal(await telitShim.readIccid(ch), {
    ok: true,
    value: { iccid: '89340711000000000012', valid: true },
  });
  assert.equal(ch.sent, ['AT#CCID']);
  ch.assertDone();
});

test('telit readIccid: AT#CCID refused, AT+CCID answers', async () => {
  const ch = new FakeAtChannel([
    { command: 'AT#CCID', error: atError('AT#CCID') },
    { command: 'AT+CCID', lines: ['+CCID: 89340711000000000012'] },
  ]);
  const r = await telitShim.readIccid(ch);
  assert.equal(r.ok && r.value.iccid, '89340711000000000012');
  ch.assertDone();
});

test('telit readServingCell: AT#RFSTS', async () => {
  const ch = new FakeAtChannel([
    {
      command: 'AT#RFSTS',
      lines: [
        '#RFSTS: "310 260",66786,-101,-68,-13,2D18,255,,640,1,0,3089F02,"000000000000000","T-Mobile",3,66',
      ],
    },
  ]);
  const r = await telitShim.readServingCell(ch);
  assert.equal(r.ok && [r.value.mcc, r.value.mnc, r.value.band, r.value.tac], ['310', '260', 'B66', 11544]);
  ch.assertDone();
});

test('telit reset: AT#REBOOT with the 8 s ModemManager timeout; a timeout is success', async () => {
  const ch = new FakeAtChannel([{ command: 'AT#REBOOT', error: channelError('AT_TIMEOUT', 'AT#REBOOT') }]);
  await telitShim.reset(ch);
  assert.equal(ch.options, [{ timeoutMs: 8_000 }]);
  ch.assertDone();
});

test('telit-le910c1-bnd-hex-4g: LE910C1 on a 25.x firmware only', () => {
  assert.ok(
    ids({ manufacturer: 'Telit', model: 'LE910C1-EU', revision: '25.21.660' }).includes(
      'telit-le910c1-bnd-hex-4g',
    ),
  );
  assert.not.ok(
    ids({ manufacturer: 'Telit', model: 'LE910C1-EU', revision: null }).includes('telit-le910c1-bnd-hex-4g'),
  );
  assert.not.ok(
    ids({ manufacturer: 'Telit', model: 'ME910C1-WW', revision: '25.21.660' }).includes(
      'telit-le910c1-bnd-hex-4g',
    ),
  );
});

test('telit-lm940-ext-lte-bands: from LM940 firmware 24.01.516 on', () => {
  const lm940 = (revision: string): ModemIdent => ({ manufacturer: 'Telit', model: 'LM940', revision });
  assert.ok(ids(lm940('24.01.516')).includes('telit-lm940-ext-lte-bands'));
  assert.ok(ids(lm940('24.01.601')).includes('telit-lm940-ext-lte-bands'));
  assert.not.ok(ids(lm940('24.01.515')).includes('telit-lm940-ext-lte-bands'));
  assert.not.ok(ids(lm940('24.01.014')).includes('telit-lm940-ext-lte-bands'));
});

test('telit-rfsts-sinr-fifth-db: #RFSTS SINR 108 reads as 1.6 dB on ME910/LE910', () => {
  assert.ok(
    ids({ manufacturer: 'Telit', model: 'ME910C1-WW', revision: null }).includes('telit-rfsts-sinr-fifth-db'),
  );
  const r = parseRfstsServingCell([
    '#RFSTS: "286 01",1795,-101,-67,-15,2242,,128,3,1,0B5D121,"286016339612498","Turkcell",3,3,108',
  ]);
  assert.equal(r.ok && r.value.sinrDb, 1.6);
});

test('telit dialect: #QSS: and #PSNT: URCs, no extra finals', () => {
  for (const p of ['#QSS:', '#PSNT:']) assert.ok(telitShim.urcPrefixes.includes(p), p);
  assert.equal(telitShim.finals, []);
});

test('telit-me910-act8-catm: ME910C1 reads <AcT> 8 as Cat-M1; LE910 does not', () => {
  const me910 = { manufacturer: 'Telit', model: 'ME910C1-E2', revision: 'M0B.660006' };
  assert.is(resolveTraits(telitShim, me910).traits.isAct8CatM, true);
  assert.is(resolveTraits(telitShim, { ...me910, model: 'LE910C1-EU' }).traits.isAct8CatM, false);
});

test.run();
