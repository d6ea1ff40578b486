import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { QUECTEL_EC25 } from '../../../hil/sim-modem/profiles/quectel-ec25.js';
import { SIMCOM_SIM800 } from '../../../hil/sim-modem/profiles/simcom-sim800.js';
import { registrationUrcs, servingAct } from '../../../hil/sim-modem/registration.js';
import { applyPatch } from '../../../hil/sim-modem/state.js';
import { run } from './sim-kit.js';

const P = QUECTEL_EC25;

test('no URC while <n> is 0', () => {
  const before = P.initialState;
  const after = applyPatch(before, { registration: { eps: { state: 'searching' } } });
  assert.equal(registrationUrcs(before, after, P), []);
});

test('<n>=1: a change of <stat> is reported without location', () => {
  const before = applyPatch(P.initialState, { urcMode: { eps: 1 } });
  const after = applyPatch(before, { registration: { eps: { state: 'searching' } } });
  assert.equal(registrationUrcs(before, after, P), ['+CEREG: 2']);
});

test('<n>=1: a cell change alone is not reported', () => {
  const before = applyPatch(P.initialState, { urcMode: { eps: 1 } });
  const after = applyPatch(before, { registration: { eps: { cellId: 0x1234567 } } });
  assert.equal(registrationUrcs(before, after, P), []);
});

test('<n>=2: roaming is reported with TAC, cell id and AcT', () => {
  const before = applyPatch(P.initialState, { urcMode: { eps: 2 } });
  const after = applyPatch(before, { registration: { eps: { state: 'roaming' } } });
  assert.equal(registrationUrcs(before, after, P), ['+CEREG: 5,"3193","08F381C5",7']);
});

test('<n>=2: a cell change while registered is reported', () => {
  const before = applyPatch(P.initialState, { urcMode: { eps: 2, cs: 2 } });
  const after = applyPatch(before, { registration: { eps: { cellId: 0x1234567, tac: 0x00ab } } });
  assert.equal(registrationUrcs(before, after, P), ['+CEREG: 1,"00AB","01234567",7']);
});

test('every domain with URCs on reports, in CS, GPRS, EPS order', () => {
  const before = applyPatch(P.initialState, { urcMode: { cs: 1, gprs: 1, eps: 1 } });
  const after = applyPatch(before, {
    registration: { cs: { state: 'denied' }, gprs: { state: 'denied' }, eps: { state: 'denied' } },
  });
  assert.equal(registrationUrcs(before, after, P), ['+CREG: 3', '+CGREG: 3', '+CEREG: 3']);
});

test('AT+CFUN=0 deregisters: URCs from the command itself', () => {
  const t = run(P, ['AT+CREG=1', 'AT+CEREG=2', 'AT+CFUN=0', 'AT+CFUN=1']);
  assert.equal(t.urcs[2], ['+CREG: 0', '+CEREG: 0']);
  assert.equal(t.urcs[3], ['+CREG: 1', '+CEREG: 1,"3193","08F381C5",7']);
});

test('a domain the firmware lacks never reports (SIM800 has no +CEREG)', () => {
  const before = applyPatch(SIMCOM_SIM800.initialState, { urcMode: { eps: 1, cs: 1 } });
  const after = applyPatch(before, { registration: { eps: { state: 'home' }, cs: { state: 'roaming' } } });
  assert.equal(registrationUrcs(before, after, SIMCOM_SIM800), ['+CREG: 5']);
});

test('servingAct: EPS first, nothing while the SIM is locked', () => {
  assert.is(servingAct(P.initialState), 7);
  assert.is(servingAct(applyPatch(P.initialState, { sim: 'pin' })), null);
  assert.is(servingAct(SIMCOM_SIM800.initialState), 0);
});

test.run();
