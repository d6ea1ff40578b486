import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { iccidToEfHex } from '../../../hil/sim-modem/format.js';
import { PROFILES } from '../../../hil/sim-modem/profiles/index.js';
import { respond } from '../../../hil/sim-modem/respond.js';
import { powerUpState } from '../../../hil/sim-modem/state.js';
import { answer, run } from './sim-kit.js';

const ALL = Object.values(PROFILES);

for (const p of ALL) {
  test(`${p.id}: power-up defaults are echo on, CMEE 0, URC modes 0`, () => {
    assert.is(p.initialState.echo, true);
    assert.is(p.initialState.cmee, 0);
    assert.equal(p.initialState.urcMode, { cs: 0, gprs: 0, eps: 0, '5gs': 0 });
  });

  test(`${p.id}: AT, lower case, ATE0/ATE1`, () => {
    assert.equal(answer(p, ['AT']), ['OK']);
    assert.equal(answer(p, ['at']), ['OK']);
    assert.is(run(p, ['ATE0']).state.echo, false);
    assert.is(run(p, ['ATE0', 'ATE1']).state.echo, true);
  });

  test(`${p.id}: ATS7 is read back as three digits`, () => {
    assert.equal(answer(p, ['ATS7=45', 'ATS7?']), ['045', 'OK']);
    assert.equal(answer(p, ['ATS7=5', 'ATS7?']), ['005', 'OK']);
    assert.equal(answer(p, ['ATS7=255', 'ATS7?']), ['255', 'OK']);
    assert.equal(answer(p, ['ATS7=256']), ['ERROR']);
  });

  test(`${p.id}: wrong PIN in CMEE 0, 1 and 2`, () => {
    const pin = { sim: 'pin', isPinLockEnabled: true } as const;
    assert.equal(answer(p, ['AT+CPIN="0000"'], pin), ['ERROR']);
    assert.equal(answer(p, ['AT+CMEE=1', 'AT+CPIN="0000"'], pin), ['+CME ERROR: 16']);
    assert.equal(answer(p, ['AT+CMEE=2', 'AT+CPIN="0000"'], pin), ['+CME ERROR: incorrect password']);
    assert.equal(answer(p, ['AT+CMEE=2', 'AT+CMEE?']), ['+CMEE: 2', 'OK']);
  });

  test(`${p.id}: SIM PIN flow, then PUK after three wrong PINs`, () => {
    const pin = { sim: 'pin' } as const;
    assert.equal(answer(p, ['AT+CPIN?'], pin), ['+CPIN: SIM PIN', 'OK']);
    assert.equal(answer(p, ['AT+CMEE=1', 'AT+CIMI'], pin), ['+CME ERROR: 11']);
    const ok = run(p, ['AT+CPIN="1234"', 'AT+CPIN?', 'AT+CIMI'], pin);
    assert.equal(ok.replies[1]?.lines, ['+CPIN: READY']);
    assert.equal(ok.replies[2]?.lines, [p.initialState.identity.imsi]);
    assert.is(ok.state.isPinLockEnabled, true);
    const locked = run(
      p,
      ['AT+CMEE=1', 'AT+CPIN="1"', 'AT+CPIN="2"', 'AT+CPIN="3"', 'AT+CPIN?', 'AT+CIMI'],
      pin,
    );
    assert.equal(locked.replies[4]?.lines, ['+CPIN: SIM PUK']);
    assert.is(locked.replies[5]?.final, '+CME ERROR: 12');
    const unlocked = run(p, ['AT+CPIN="12345678","4321"', 'AT+CPIN?'], { sim: 'puk' });
    assert.equal(unlocked.replies[1]?.lines, ['+CPIN: READY']);
    assert.is(unlocked.state.pin, '4321');
    assert.equal(answer(p, ['AT+CMEE=1', 'AT+CPIN="1234"']), ['+CME ERROR: 3']);
  });

  test(`${p.id}: SIM absent and SIM busy`, () => {
    const absent = { sim: 'absent' } as const;
    assert.equal(answer(p, ['AT+CMEE=1', 'AT+CPIN?'], absent), ['+CME ERROR: 10']);
    assert.equal(answer(p, ['AT+CMEE=1', 'AT+CIMI'], absent), ['+CME ERROR: 10']);
    assert.equal(answer(p, ['AT+CMEE=1', 'AT+CRSM=176,12258,0,0,10'], absent), ['+CME ERROR: 10']);
    assert.equal(answer(p, ['AT+CMEE=2', 'AT+CPIN?'], absent), ['+CME ERROR: SIM not inserted']);
    const s = { ...p.initialState, cmee: 1 };
    assert.is(respond(s, p, 'AT+CPIN?', { isSimBusy: true }).final, '+CME ERROR: 14');
    assert.is(respond(s, p, 'AT+CIMI', { isSimBusy: true }).final, '+CME ERROR: 14');
  });

  test(`${p.id}: unknown commands answer plain ERROR in every CMEE mode`, () => {
    assert.equal(answer(p, ['AT+ZZTOP']), ['ERROR']);
    assert.equal(answer(p, ['AT+CMEE=2', 'AT+ZZTOP']), ['ERROR']);
    assert.equal(answer(p, ['ATQ9X']), ['ERROR']);
  });

  test(`${p.id}: lines without the AT prefix get no answer`, () => {
    assert.is(respond(p.initialState, p, 'hello').final, null);
    assert.is(respond(p.initialState, p, '').final, null);
  });

  test(`${p.id}: identity, IMSI and EF_ICCID`, () => {
    const id = p.initialState.identity;
    assert.equal(answer(p, ['AT+CGSN']), [id.imei, 'OK']);
    assert.equal(answer(p, ['AT+CIMI']), [id.imsi, 'OK']);
    assert.equal(answer(p, ['AT+CRSM=176,12258,0,0,10']), [`+CRSM: 144,0,"${iccidToEfHex(id.iccid)}"`, 'OK']);
    assert.equal(answer(p, ['AT+CRSM=176,28423,0,0,9']), ['+CRSM: 106,130', 'OK']);
  });

  test(`${p.id}: CFUN read, radio off, radio on, reboot`, () => {
    assert.equal(answer(p, ['AT+CFUN?']), ['+CFUN: 1', 'OK']);
    const off = run(p, ['AT+CFUN=4', 'AT+CFUN?', 'AT+COPS?', 'AT+CSQ', 'AT+CREG?']);
    assert.equal(off.replies[1]?.lines, ['+CFUN: 4']);
    assert.equal(off.replies[2]?.lines, ['+COPS: 0']);
    assert.equal(off.replies[3]?.lines, ['+CSQ: 99,99']);
    assert.equal(off.replies[4]?.lines, ['+CREG: 0,0']);
    assert.is(run(p, ['AT+CFUN=0', 'AT+CFUN=1']).replies[1]?.effect, 'radio-on');
    const reboot = run(p, ['AT+CFUN=1,1']);
    assert.is(reboot.replies[0]?.final, 'OK');
    assert.is(reboot.replies[0]?.effect, 'reboot');
    assert.equal(answer(p, ['AT+CMEE=1', 'AT+CFUN=7']), ['+CME ERROR: 50']);
  });

  test(`${p.id}: power-up after a reset restores session settings and re-locks the SIM`, () => {
    const t = run(p, ['ATE0', 'AT+CMEE=2', 'AT+CREG=2', 'AT+COPS=3,2', 'ATS7=9', 'AT+CGACT=1,1'], {
      isPinLockEnabled: true,
    });
    const s = powerUpState(t.state, p.initialState);
    assert.is(s.echo, true);
    assert.is(s.cmee, 0);
    assert.is(s.copsFormat, 0);
    assert.is(s.s7, p.initialState.s7);
    assert.is(s.urcMode.cs, 0);
    assert.is(s.sim, 'pin');
    assert.is(
      s.pdp.some((c) => c.isActive),
      false,
    );
    assert.equal(
      s.pdp.map((c) => c.apn),
      t.state.pdp.map((c) => c.apn),
    );
  });

  test(`${p.id}: COPS format switch`, () => {
    const op = p.initialState.operator;
    const numeric = answer(p, ['AT+COPS=3,2', 'AT+COPS?']);
    assert.ok(numeric[0]?.startsWith(`+COPS: 0,2,"${op.mcc}${op.mnc}"`), String(numeric[0]));
    const long = answer(p, ['AT+COPS=3,2', 'AT+COPS=3,0', 'AT+COPS?']);
    assert.ok(long[0]?.startsWith(`+COPS: 0,0,"${op.longName}"`), String(long[0]));
    assert.equal(answer(p, ['AT+CMEE=1', 'AT+COPS=3,7']), ['+CME ERROR: 50']);
  });
}

test('C5GREG: only the generic 27.007 profile has 5GS registration', () => {
  for (const p of ALL) {
    const expected = p.id === 'generic' ? ['+C5GREG: 0,0', 'OK'] : ['ERROR'];
    assert.equal(answer(p, ['AT+C5GREG?']), expected, p.id);
  }
});

test('CESQ: every profile but SIM800 (GSM only, no +CESQ)', () => {
  for (const p of ALL) {
    const a = answer(p, ['AT+CESQ']);
    if (p.id === 'simcom-sim800') assert.equal(a, ['ERROR']);
    else assert.ok(a[0]?.startsWith('+CESQ: 99,99,255,255,'), `${p.id}: ${a[0]}`);
  }
});

test('CCLK: a clock the network never set reads 80/01/06,00:00:08+00', () => {
  for (const p of ALL) {
    assert.equal(
      answer(p, ['AT+CCLK?'], { networkTime: null }),
      ['+CCLK: "80/01/06,00:00:08+00"', 'OK'],
      p.id,
    );
  }
});

test.run();
