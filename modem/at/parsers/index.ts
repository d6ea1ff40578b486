/**
 * The pure AT response parsers. Each takes the information lines of one response (echo, URCs and
 * the final result removed by the engine) and returns a `Result`; none throws on modem output.
 */
export { actName } from './access-tech.js';
export { parseCclk } from './cclk.js';
export { parseCesq } from './cesq.js';
export { parseCfun } from './cfun.js';
export { parseCgsn } from './cgsn.js';
export { parseCimi } from './cimi.js';
export { type CombinedRegistration, combineRegistration } from './combine-registration.js';
export { parseCops } from './cops.js';
export { parseCpin, simStateFromCme } from './cpin.js';
export { parseCsq } from './csq.js';
export { parseCrsmIccid, parseIccid } from './iccid.js';
export { parseAti, parseCgmi, parseCgmm, parseCgmr } from './ident.js';
export { formatIpv6, normaliseAddress } from './ip-address.js';
export { parseCgact, parseCgdcont, parseCgpaddr } from './pdp.js';
export { regShape } from './reg-shape.js';
export { regStateFromStat } from './reg-state.js';
export { parseRegRead, parseRegUrc } from './registration.js';
