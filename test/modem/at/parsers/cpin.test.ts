import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCpin, simStateFromCme } from '../../../../modem/at/parsers/cpin.js';
import type { SimState } from '../../../../modem/at/types.js';

const GOOD: ReadonlyArray<readonly [string, readonly string[], SimState, string]> = [
  ['ready', ['+CPIN: READY'], 'ready', 'READY'],
  ['PIN needed', ['+CPIN: SIM PIN'], 'pin-required', 'SIM PIN'],
  ['PUK needed', ['+CPIN: SIM PUK'], 'puk-required', 'SIM PUK'],
  ['PIN2 pending, SIM usable', ['+CPIN: SIM PIN2'], 'ready', 'SIM PIN2'],
  ['PUK2 pending, SIM usable', ['+CPIN: SIM PUK2'], 'ready', 'SIM PUK2'],
  ['phone-to-SIM lock', ['+CPIN: PH-SIM PIN'], 'pin-required', 'PH-SIM PIN'],
  ['phone-to-first-SIM lock', ['+CPIN: PH-FSIM PIN'], 'pin-required', 'PH-FSIM PIN'],
  ['phone-to-first-SIM PUK', ['+CPIN: PH-FSIM PUK'], 'puk-required', 'PH-FSIM PUK'],
  ['network lock', ['+CPIN: PH-NET PIN'], 'pin-required', 'PH-NET PIN'],
  ['network lock PUK', ['+CPIN: PH-NET PUK'], 'puk-required', 'PH-NET PUK'],
  ['network subset lock', ['+CPIN: PH-NETSUB PIN'], 'pin-required', 'PH-NETSUB PIN'],
  ['service provider lock PUK', ['+CPIN: PH-SP PUK'], 'puk-required', 'PH-SP PUK'],
  ['corporate lock', ['+CPIN: PH-CORP PIN'], 'pin-required', 'PH-CORP PIN'],
  ['ST-Ericsson SIM lock (Android RIL)', ['+CPIN: PH-SIMLOCK PIN'], 'pin-required', 'PH-SIMLOCK PIN'],
  ['underscore spelling', ['+CPIN: PH_SIM PIN'], 'pin-required', 'PH_SIM PIN'],
  ['SIMCom SIM300/SIM800 no card', ['+CPIN: NOT INSERTED'], 'absent', 'NOT INSERTED'],
  ['SIMCom SIM800C card not ready', ['+CPIN: NOT READY'], 'error', 'NOT READY'],
  ['SIM removed', ['+CPIN: SIM REMOVED'], 'absent', 'SIM REMOVED'],
  ['PUK blocked (Android RIL)', ['+CPIN: BLOCKED'], 'error', 'BLOCKED'],
  ['other wording for a card not ready', ['+CPIN: SIM NOT READY'], 'error', 'SIM NOT READY'],
  ['other wording for no card', ['+CPIN: NO SIM CARD'], 'absent', 'NO SIM CARD'],
  ['quoted (Motorola EZX per ModemManager)', ['+CPIN: "READY"'], 'ready', 'READY'],
  ['lower case, no space', ['+cpin:ready'], 'ready', 'ready'],
  ['extra spaces', ['+CPIN:   SIM   PIN  '], 'pin-required', 'SIM   PIN'],
  ['after a blank line', ['', '+CPIN: READY'], 'ready', 'READY'],
];

for (const [name, lines, sim, code] of GOOD) {
  test(`parseCpin: ${name}`, () => {
    assert.equal(parseCpin(lines), { ok: true, value: { sim, code } });
  });
}

const BAD: ReadonlyArray<readonly [string, readonly string[], string]> = [
  ['no line', ['READY'], '+CPIN: no +CPIN line in the response'],
  ['empty code', ['+CPIN: '], '+CPIN: empty <code>'],
  ['unknown code', ['+CPIN: WAITING'], '+CPIN: unknown <code> "WAITING"'],
  ['garbage', ['+CPIN: RE\uFFFDDY'], '+CPIN: <code> "RE\uFFFDDY" has unreadable characters'],
];

for (const [name, lines, reason] of BAD) {
  test(`parseCpin rejects: ${name}`, () => {
    assert.equal(parseCpin(lines), { ok: false, reason });
  });
}

test('simStateFromCme: SIM-related CME errors (27.007 §9.2.1)', () => {
  const rows: ReadonlyArray<readonly [number | null, SimState | null]> = [
    [10, 'absent'],
    [11, 'pin-required'],
    [12, 'puk-required'],
    [13, 'error'],
    [14, 'error'],
    [15, 'error'],
    [5, 'pin-required'],
    [6, 'pin-required'],
    [7, 'puk-required'],
    [40, 'pin-required'],
    [41, 'puk-required'],
    [47, 'puk-required'],
    [3, null],
    [16, null],
    [17, null],
    [30, null],
    [100, null],
    [null, null],
  ];
  for (const [cme, sim] of rows) assert.is(simStateFromCme(cme), sim, `CME ${cme}`);
});

test.run();
