/**
 * `ztgw modem info --json` against every simulated firmware family (or a real modem): the values
 * the modem holds come back, normalised, through the real serial code path.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { luhnValid } from '../../modem/at/luhn.js';
import { PROFILES } from '../sim-modem/profiles/index.js';
import type { Profile } from '../sim-modem/profiles/types.js';
import { hilEnv, modemInfoJson, withSim } from './kit.js';

const env = hilEnv();

/** What the CLI reports as the firmware revision: the `Revision:` label SIM800 puts in +CGMR is not part of it. */
const revisionOf = (p: Profile): string => p.initialState.identity.revision.replace(/^Revision:\s*/i, '');

/** 27.007 <AcT> as the report names it, with the Cat-M1 firmwares' own numbering. */
function actNameOf(p: Profile): string | null {
  if (p.omitsAct) return null;
  const eps = p.initialState.registration.eps;
  const act = p.domains.includes('eps') ? eps.act : p.initialState.registration.cs.act;
  const table: Record<number, string> = { 0: 'gsm', 2: 'umts', 7: 'lte', 9: 'nb-iot' };
  if (act === 8) return p.id === 'quectel-bg96' || p.id === 'ublox-sara-r410m' ? 'lte-m' : 'ec-gsm-iot';
  return table[act] ?? null;
}

for (const [id, profile] of Object.entries(PROFILES)) {
  test(`modem info --json reports what the ${id} simulator holds`, async () => {
    if (env.realModemPath !== null) return;
    await withSim(profile, {}, async (sim) => {
      const info = await modemInfoJson(sim.agentPath);
      const s = profile.initialState;
      assert.is(info['manufacturer'], s.identity.manufacturer);
      assert.is(info['model'], s.identity.model);
      assert.is(info['revision'], revisionOf(profile));
      assert.is(info['shim'], profile.family);
      assert.is(info['imei'], s.identity.imei);
      assert.is(info['imeiValid'], true);
      assert.is(info['iccid'], s.identity.iccid);
      assert.is(info['iccidValid'], luhnValid(s.identity.iccid));
      assert.is(info['imsi'], s.identity.imsi);
      assert.is(info['sim'], 'ready');
      const reg = info['registration'] as Record<string, unknown>;
      assert.is(reg['state'], 'home');
      assert.is(reg['act'], actNameOf(profile));
      const domain = profile.domains.includes('eps') ? s.registration.eps : s.registration.cs;
      assert.is(reg['cellId'], domain.cellId);
      if (profile.domains.includes('eps')) assert.is(reg['tac'], s.registration.eps.tac);
      else assert.is(reg['lac'], s.registration.cs.lac);
      assert.equal(info['operator'], { name: s.operator.longName, mcc: s.operator.mcc, mnc: s.operator.mnc });
      assert.is(info['isRoaming'], false);
      const sig = info['signal'] as Record<string, unknown>;
      assert.is(sig['csq'], s.signal.csq);
      assert.is(sig['rssiDbm'], -113 + 2 * s.signal.csq);
      assert.equal(info['problems'], [], `problems: ${JSON.stringify(info['problems'])}`);
    });
  });
}

test('modem info --json on a real modem (ZTGW_HIL_MODEM) holds together', async () => {
  if (env.realModemPath === null) return; // the simulator rows above cover this run
  const info = await modemInfoJson(env.realModemPath);
  assert.type(info['model'], 'string');
  if (info['imei'] !== null) assert.is(info['imeiValid'], true);
  if (info['sim'] === 'ready') assert.match(String(info['imsi']), /^\d{6,15}$/);
  if (info['iccid'] !== null) assert.match(String(info['iccid']), /^\d{18,22}$/);
});

test.run();
