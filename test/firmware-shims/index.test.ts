import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ALL_SHIMS,
  resolveTraits,
  type Shim,
  selectShim,
  shimById,
  UNIDENTIFIED_DIALECT,
} from '../../firmware-shims/index.js';
import type { ShimId } from '../../firmware-shims/shim.js';
import type { ModemIdent } from '../../modem/at/types.js';

const NO_IDENT: ModemIdent = { manufacturer: null, model: null, revision: null };

/** [row name, +CGMI/+CGMM/+CGMR as parsed, ATI lines, expected family]. Outputs as captured in public logs. */
const DETECT_ROWS: ReadonlyArray<readonly [string, ModemIdent, readonly string[], ShimId]> = [
  [
    'Quectel EC25 EC25EFAR06A06M4G',
    { manufacturer: 'Quectel', model: 'EC25', revision: 'EC25EFAR06A06M4G' },
    ['Quectel', 'EC25', 'Revision: EC25EFAR06A01M4G'],
    'quectel',
  ],
  [
    'Quectel EG25-G EG25GGBR07A08M2G (ATI prints "EG25")',
    { manufacturer: 'Quectel', model: 'EG25', revision: 'EG25GGBR07A08M2G' },
    ['Quectel', 'EG25', 'Revision: EG25GGBR07A08M2G'],
    'quectel',
  ],
  [
    'Quectel BG96 BG96MAR02A07M1G',
    { manufacturer: 'Quectel', model: 'BG96', revision: 'BG96MAR02A07M1G' },
    ['Quectel', 'BG96', 'Revision: BG96MAR02A07M1G'],
    'quectel',
  ],
  ['Quectel BG95-M3, ATI only', NO_IDENT, ['Quectel', 'BG95-M3', 'Revision: BG95M3LAR02A03'], 'quectel'],
  ['Quectel BG95-M3, model only', { manufacturer: null, model: 'BG95-M3', revision: null }, [], 'quectel'],
  [
    'Quectel BC660K-GL, "Quectel_Ltd" manufacturer',
    { manufacturer: 'Quectel_Ltd', model: 'Quectel_BC660K-GL', revision: 'BC660KGLAAR01A05' },
    ['Quectel_Ltd', 'Quectel_BC660K-GL', 'Revision: BC660KGLAAR01A05'],
    'quectel',
  ],
  [
    'Quectel EG25-G as ModemManager reports it over QMI (revision only)',
    {
      manufacturer: 'QUALCOMM INCORPORATED',
      model: 'QUECTEL Mobile Broadband Module',
      revision: 'EG25GGBR07A08M2G',
    },
    [],
    'quectel',
  ],
  [
    'SIMCom SIM7600G-H LE20B04SIM7600G22',
    { manufacturer: 'SIMCOM INCORPORATED', model: 'SIMCOM_SIM7600G-H', revision: 'LE20B04SIM7600G22' },
    [
      'Manufacturer: SIMCOM INCORPORATED',
      'Model: SIMCOM_SIM7600G-H',
      'Revision: LE20B04SIM7600G22',
      'IMEI: 868822040061788',
      '+GCAP: +CGSM',
    ],
    'simcom',
  ],
  [
    'SIMCom SIM7600G SIM7600M21-A_V2.0, ATI only',
    NO_IDENT,
    [
      'Manufacturer: SIMCOM INCORPORATED',
      'Model: SIMCOM_SIM7600G',
      'Revision: SIM7600M21-A_V2.0',
      '+GCAP: +CGSM',
    ],
    'simcom',
  ],
  [
    'SIMCom SIM7080G 1351B05SIM7080G',
    { manufacturer: 'SIMCOM INCORPORATED', model: 'SIMCOM_SIM7080G', revision: '1351B05SIM7080G' },
    [],
    'simcom',
  ],
  [
    'SIMCom SIM7000E, "SIMCOM_Ltd"',
    { manufacturer: 'SIMCOM_Ltd', model: 'SIMCOM_SIM7000E', revision: '1351B01SIM7000E' },
    ['SIMCOM_Ltd', 'SIMCOM_SIM7000E', 'Revision: 1351B01SIM7000E'],
    'simcom',
  ],
  [
    'SIMCom SIM800, model only: ATI "SIM800 R14.18"',
    { manufacturer: null, model: 'SIM800 R14.18', revision: null },
    ['SIM800 R14.18'],
    'simcom',
  ],
  [
    'u-blox SARA-R410M-02B L0.0.00.00.05.06',
    { manufacturer: 'u-blox', model: 'SARA-R410M-02B', revision: 'L0.0.00.00.05.06 [Feb 03 2018 13:00:41]' },
    [
      'Manufacturer: u-blox',
      'Model: SARA-R410M-02B',
      'Revision: L0.0.00.00.05.06 [Feb 03 2018 13:00:41]',
      'SVN: 02',
      'IMEI: 352753097892796',
    ],
    'ublox',
  ],
  [
    'u-blox SARA-R410M-02B L0.0.00.00.05.08, ATI only',
    NO_IDENT,
    [
      'Manufacturer: u-blox',
      'Model: SARA-R410M-02B',
      'Revision: L0.0.00.00.05.08 [Apr 17 2019 19:34:02]',
      'SVN: 03',
    ],
    'ublox',
  ],
  [
    'u-blox SARA-R510M8S, model only',
    { manufacturer: null, model: 'SARA-R510M8S', revision: null },
    [],
    'ublox',
  ],
  [
    'Sierra Wireless EM7455 SWI9X30C_02.24.05.06',
    {
      manufacturer: 'Sierra Wireless, Incorporated',
      model: 'EM7455',
      revision: 'SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 06:23:09',
    },
    [
      'Manufacturer: Sierra Wireless, Incorporated',
      'Model: EM7455',
      'Revision: SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 06:23:09',
      'IMEI SV: 9',
      '+GCAP: +CGSM',
    ],
    'sierra',
  ],
  [
    'Sierra Wireless EM7455B, ATI only',
    NO_IDENT,
    [
      'Manufacturer: Sierra Wireless, Incorporated',
      'Model: EM7455B',
      'Revision: SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 06:23:09',
    ],
    'sierra',
  ],
  [
    'Sierra Wireless EM7455 SWI9X30C_02.32.11.00, ATI without a Manufacturer line',
    NO_IDENT,
    [
      'Model: EM7455',
      'Revision: SWI9X30C_02.32.11.00 r8042 CARMD-EV-FRMWR2 2019/05/15 21:52:20',
      'IMEI SV: 19',
      '+GCAP: +CGSM',
    ],
    'sierra',
  ],
  [
    'Sierra Wireless EM7455 SWI9X30C_02.20.03.00, revision only',
    { manufacturer: null, model: null, revision: 'SWI9X30C_02.20.03.00' },
    [],
    'sierra',
  ],
  [
    'Telit LE910C1-EU 25.21.660',
    { manufacturer: 'Telit', model: 'LE910C1-EU', revision: '25.21.660' },
    [],
    'telit',
  ],
  ['Telit ME910C1-WW', { manufacturer: 'Telit', model: 'ME910C1-WW', revision: null }, [], 'telit'],
  [
    'Telit ME910C1-WW, USB vendor string',
    { manufacturer: 'Telit Communications SpA', model: 'ME910C1-WW', revision: null },
    [],
    'telit',
  ],
  ['Telit LM940, model only', { manufacturer: null, model: 'LM940', revision: '24.01.516' }, [], 'telit'],
  ['nothing known', NO_IDENT, [], 'generic'],
  [
    'unknown vendor (Cinterion EHS6)',
    { manufacturer: 'Cinterion', model: 'EHS6', revision: 'REVISION 03.001' },
    [],
    'generic',
  ],
];

for (const [name, ident, ati, expected] of DETECT_ROWS) {
  test(`selectShim: ${name} → ${expected}`, () => {
    const shim = selectShim(ident, ati);
    assert.is(shim.id, expected);
    const score = shim.detect(ident, ati);
    if (expected === 'generic') assert.is(score, 1);
    else assert.ok(score >= 10, `score ${score}`);
    // No other vendor claims it at all.
    for (const other of ALL_SHIMS) {
      if (other.id !== expected && other.id !== 'generic') assert.is(other.detect(ident, ati), 0, other.id);
    }
  });
}

test('detect: a full +CGMI/+CGMM/+CGMR match outranks a lone revision match', () => {
  const quectel = shimById('quectel');
  const full = quectel.detect({ manufacturer: 'Quectel', model: 'EC25', revision: 'EC25EFAR06A06M4G' }, []);
  const revisionOnly = quectel.detect({ manufacturer: null, model: null, revision: 'EC25EFAR06A06M4G' }, []);
  assert.equal([full, revisionOnly], [32, 10]);
});

test('ALL_SHIMS: one per family, generic first', () => {
  assert.equal(
    ALL_SHIMS.map((s) => s.id),
    ['generic', 'quectel', 'simcom', 'ublox', 'sierra', 'telit'],
  );
});

test('shimById: every id, and a TypeError for an unknown one', () => {
  for (const shim of ALL_SHIMS) assert.is(shimById(shim.id), shim);
  assert.throws(() => Reflect.apply(shimById, undefined, ['huawei']), TypeError);
});

test('quirks: ids unique, vendor-prefixed, owned by their shim, sourced, regexps without state', () => {
  const seen = new Set<string>();
  for (const shim of ALL_SHIMS) {
    for (const q of shim.quirks) {
      assert.not.ok(seen.has(q.id), q.id);
      seen.add(q.id);
      assert.is(q.shim, shim.id, q.id);
      assert.ok(q.id.startsWith(`${shim.id}-`), q.id);
      assert.ok(q.source.length > 20 && q.summary.length > 10, q.id);
      assert.not.ok(q.models.global || q.models.sticky, q.id);
      assert.not.ok(q.revisions?.global || q.revisions?.sticky, q.id);
    }
  }
  assert.is(seen.size, 18);
});

test('resolveTraits: no matching quirk leaves the family traits', () => {
  const telit = shimById('telit');
  assert.equal(
    resolveTraits(telit, { manufacturer: 'Telit', model: 'LE910C4-NF', revision: null }).traits,
    telit.traits,
  );
});

test('resolveTraits: quirks patch in the order the shim lists them, later wins; revisions must match too', () => {
  const base = shimById('generic');
  const shim: Shim = {
    ...base,
    quirks: [
      {
        id: 'generic-x1-a',
        shim: 'generic',
        models: /^X1/,
        source: 'test',
        summary: 'first',
        traits: { cfunSettleMs: 1_000, hasCesq: false },
      },
      {
        id: 'generic-x1-b',
        shim: 'generic',
        models: /^X1/,
        revisions: /^2\./,
        source: 'test',
        summary: 'second',
        traits: { cfunSettleMs: 7_000 },
      },
      {
        id: 'generic-y-c',
        shim: 'generic',
        models: /^Y/,
        source: 'test',
        summary: 'other model',
        traits: { resetRecoverMs: 1 },
      },
    ],
  };
  const v2 = resolveTraits(shim, { manufacturer: null, model: 'X1000', revision: '2.0' });
  assert.equal(
    v2.quirks.map((q) => q.id),
    ['generic-x1-a', 'generic-x1-b'],
  );
  assert.equal(v2.traits, { ...base.traits, cfunSettleMs: 7_000, hasCesq: false });
  const v1 = resolveTraits(shim, { manufacturer: null, model: 'X1000', revision: '1.9' });
  assert.equal(
    v1.quirks.map((q) => q.id),
    ['generic-x1-a'],
  );
  assert.equal(v1.traits, { ...base.traits, cfunSettleMs: 1_000, hasCesq: false });
  // A revisions regexp never matches an unknown revision.
  assert.equal(resolveTraits(shim, { manufacturer: null, model: 'X1000', revision: null }).quirks.length, 1);
});

test("before identification every family's URC prefixes are known (a +QIND: during +CGMR is a URC)", () => {
  assert.ok(UNIDENTIFIED_DIALECT.urcPrefixes.includes('+QIND:'));
  for (const shim of ALL_SHIMS)
    for (const p of shim.urcPrefixes) assert.ok(UNIDENTIFIED_DIALECT.urcPrefixes.includes(p), p);
  assert.equal(UNIDENTIFIED_DIALECT.finals, []);
});

test.run();
