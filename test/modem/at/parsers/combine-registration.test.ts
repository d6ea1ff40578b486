import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { actName } from '../../../../modem/at/parsers/access-tech.js';
import { combineRegistration } from '../../../../modem/at/parsers/combine-registration.js';
import { regStateFromStat } from '../../../../modem/at/parsers/reg-state.js';
import { parseRegRead, parseRegUrc } from '../../../../modem/at/parsers/registration.js';
import type { RegInfo } from '../../../../modem/at/types.js';

function read(line: string): RegInfo {
  const r = parseRegRead(line);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

function urc(line: string): RegInfo {
  const r = parseRegUrc(line);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

const NULLS = { act: null, actName: null, lac: null, tac: null, cellId: null };

test('combineRegistration: no lines is unknown', () => {
  assert.equal(combineRegistration([]), { state: 'unknown', domain: null, ...NULLS });
});

test('combineRegistration: LTE-only module, CS not registered, EPS home', () => {
  const infos = [read('+CREG: 2,0'), read('+CGREG: 2,0'), read('+CEREG: 2,1,"3a9b","0000c33d",7')];
  assert.equal(combineRegistration(infos), {
    state: 'home',
    domain: 'eps',
    act: 7,
    actName: 'lte',
    lac: null,
    tac: 0x3a9b,
    cellId: 0xc33d,
  });
});

test('combineRegistration: EPS beats CS for the cell, LAC still taken from CS', () => {
  const infos = [read('+CREG: 2,5,"0502","0404736D",2'), read('+CEREG: 2,5,"1F00","079D903",7')];
  assert.equal(combineRegistration(infos), {
    state: 'roaming',
    domain: 'eps',
    act: 7,
    actName: 'lte',
    lac: 0x0502,
    tac: 0x1f00,
    cellId: 0x79d903,
  });
});

test('combineRegistration: 5GS beats EPS', () => {
  const infos = [read('+CEREG: 2,1,"1F00","079D903",7'), read('+C5GREG: 2,1,"0000A1","000000010A2B3C4D",11')];
  assert.equal(combineRegistration(infos), {
    state: 'home',
    domain: '5gs',
    act: 11,
    actName: 'nr-5gc',
    lac: null,
    tac: 0xa1,
    cellId: 0x10a2b3c4d,
  });
});

test('combineRegistration: registered 2G only, EPS searching', () => {
  const infos = [urc('+CEREG: 2'), urc('+CGREG: 1,"8BE3","00002B5D",3'), urc('+CREG: 1,"8BE3","00002B5D"')];
  assert.equal(combineRegistration(infos), {
    state: 'home',
    domain: 'gprs',
    act: 3,
    actName: 'edge',
    lac: 0x8be3,
    tac: null,
    cellId: 0x2b5d,
  });
});

test('combineRegistration: newest registered line has no cell id, an older one does', () => {
  const infos = [read('+CEREG: 1,1'), read('+CREG: 2,1,"CE00","01CEAD8F"')];
  assert.equal(combineRegistration(infos), {
    state: 'home',
    domain: 'eps',
    act: null,
    actName: null,
    lac: 0xce00,
    tac: null,
    cellId: 0x01cead8f,
  });
});

test('combineRegistration: SMS-only home counts as registered', () => {
  const infos = [read('+CREG: 2,6,"8B37","0A265185",7')];
  assert.equal(combineRegistration(infos), {
    state: 'home',
    domain: 'cs',
    act: 7,
    actName: 'lte',
    lac: 0x8b37,
    tac: null,
    cellId: 0x0a265185,
  });
});

test('combineRegistration: denied beats searching beats not-registered beats unknown', () => {
  assert.equal(combineRegistration([urc('+CREG: 0'), urc('+CEREG: 2'), urc('+CGREG: 3')]), {
    state: 'denied',
    domain: 'gprs',
    ...NULLS,
  });
  assert.equal(combineRegistration([urc('+CREG: 0'), urc('+CEREG: 2'), urc('+CGREG: 4')]), {
    state: 'searching',
    domain: 'eps',
    ...NULLS,
  });
  assert.equal(combineRegistration([urc('+CREG: 4'), urc('+CEREG: 0')]), {
    state: 'not-registered',
    domain: 'eps',
    ...NULLS,
  });
  assert.equal(combineRegistration([urc('+CREG: 4')]), { state: 'unknown', domain: 'cs', ...NULLS });
});

test('combineRegistration: same state in two domains takes the newer domain', () => {
  assert.equal(combineRegistration([urc('+CREG: 2'), urc('+CEREG: 2')]), {
    state: 'searching',
    domain: 'eps',
    ...NULLS,
  });
});

test('regStateFromStat: the 27.007 table', () => {
  const expected = [
    'not-registered',
    'home',
    'searching',
    'denied',
    'unknown',
    'roaming',
    'home',
    'roaming',
    'not-registered',
    'home',
    'roaming',
    'not-registered',
  ];
  for (let stat = 0; stat < expected.length; stat++)
    assert.is(regStateFromStat(stat), expected[stat], `stat ${stat}`);
  assert.is(regStateFromStat(90), 'not-registered');
  assert.is(regStateFromStat(12), 'unknown');
  assert.is(regStateFromStat(-1), 'unknown');
  assert.is(regStateFromStat(1.5), 'unknown');
});

test('actName: the 27.007 table', () => {
  const expected = [
    'gsm',
    'gsm-compact',
    'umts',
    'edge',
    'hsdpa',
    'hsupa',
    'hspa',
    'lte',
    'ec-gsm-iot',
    'nb-iot',
    'lte-5gc',
    'nr-5gc',
    'ng-ran',
    'en-dc',
  ];
  for (let act = 0; act < expected.length; act++) assert.is(actName(act), expected[act], `AcT ${act}`);
  assert.is(actName(14), null);
  assert.is(actName(-1), null);
  assert.is(actName(7.5), null);
});

test.run();
