/**
 * Names of `+CME ERROR` (3GPP TS 27.007 §9.2) and `+CMS ERROR` (3GPP TS 27.005 §3.2.5) codes, in both
 * directions: a modem in `AT+CMEE=1` mode sends numbers, in `AT+CMEE=2` mode it sends the text, and
 * callers want both. One table each; the AT engine and the SIM logic use these, nobody keeps a copy.
 */

// 27.007 v14.10 §9.2.1 (general) and §9.2.2 (GPRS and EPS related). The `(#n)` NAS causes are left out.
const CME: ReadonlyArray<readonly [number, string]> = [
  [0, 'phone failure'],
  [1, 'no connection to phone'],
  [2, 'phone-adaptor link reserved'],
  [3, 'operation not allowed'],
  [4, 'operation not supported'],
  [5, 'PH-SIM PIN required'],
  [6, 'PH-FSIM PIN required'],
  [7, 'PH-FSIM PUK required'],
  [10, 'SIM not inserted'],
  [11, 'SIM PIN required'],
  [12, 'SIM PUK required'],
  [13, 'SIM failure'],
  [14, 'SIM busy'],
  [15, 'SIM wrong'],
  [16, 'incorrect password'],
  [17, 'SIM PIN2 required'],
  [18, 'SIM PUK2 required'],
  [20, 'memory full'],
  [21, 'invalid index'],
  [22, 'not found'],
  [23, 'memory failure'],
  [24, 'text string too long'],
  [25, 'invalid characters in text string'],
  [26, 'dial string too long'],
  [27, 'invalid characters in dial string'],
  [30, 'no network service'],
  [31, 'network timeout'],
  [32, 'network not allowed - emergency calls only'],
  [40, 'network personalization PIN required'],
  [41, 'network personalization PUK required'],
  [42, 'network subset personalization PIN required'],
  [43, 'network subset personalization PUK required'],
  [44, 'service provider personalization PIN required'],
  [45, 'service provider personalization PUK required'],
  [46, 'corporate personalization PIN required'],
  [47, 'corporate personalization PUK required'],
  [48, 'hidden key required'],
  [49, 'EAP method not supported'],
  [50, 'incorrect parameters'],
  [51, 'command implemented but currently disabled'],
  [52, 'command aborted by user'],
  [53, 'not attached to network due to MT functionality restrictions'],
  [54, 'modem not allowed - MT restricted to emergency calls only'],
  [55, 'operation not allowed because of MT functionality restrictions'],
  [56, 'fixed dial number only allowed - called number is not a fixed dial number'],
  [57, 'temporarily out of service due to other MT usage'],
  [58, 'language/alphabet not supported'],
  [59, 'unexpected data value'],
  [60, 'system failure'],
  [61, 'data missing'],
  [62, 'call barred'],
  [63, 'message waiting indication subscription failure'],
  [100, 'unknown'],
  [103, 'illegal MS'],
  [106, 'illegal ME'],
  [107, 'GPRS services not allowed'],
  [108, 'GPRS services and non-GPRS services not allowed'],
  [111, 'PLMN not allowed'],
  [112, 'location area not allowed'],
  [113, 'roaming not allowed in this location area'],
  [114, 'GPRS services not allowed in this PLMN'],
  [115, 'no suitable cells in location area'],
  [122, 'congestion'],
  [125, 'not authorized for this CSG'],
  [126, 'insufficient resources'],
  [127, 'missing or unknown APN'],
  [128, 'unknown PDP address or PDP type'],
  [129, 'user authentication failed'],
  [130, 'activation rejected by GGSN, Serving GW or PDN GW'],
  [131, 'activation rejected, unspecified'],
  [132, 'service option not supported'],
  [133, 'requested service option not subscribed'],
  [134, 'service option temporarily out of order'],
  [140, 'feature not supported'],
  [141, 'semantic error in the TFT operation'],
  [142, 'syntactical error in the TFT operation'],
  [143, 'unknown PDP context'],
  [144, 'semantic errors in packet filter(s)'],
  [145, 'syntactical errors in packet filter(s)'],
  [146, 'PDP context without TFT already activated'],
  [148, 'unspecified GPRS error'],
  [149, 'PDP authentication failure'],
  [150, 'invalid mobile class'],
  [151, 'VBS/VGCS not supported by the network'],
  [152, 'no service subscription on SIM'],
  [153, 'no subscription for group ID'],
  [154, 'group ID not activated on SIM'],
  [155, 'no matching notification'],
  [156, 'VBS/VGCS call already present'],
  [157, 'congestion'],
  [158, 'network failure'],
  [159, 'uplink busy'],
  [160, 'no access rights for SIM file'],
  [161, 'no subscription for priority'],
  [162, 'operation not applicable or not possible'],
  [163, 'group ID prefixes not supported'],
  [164, 'group ID prefixes not usable for VBS'],
  [165, 'group ID prefix value invalid'],
  [171, 'last PDN disconnection not allowed'],
  [172, 'semantically incorrect message'],
  [173, 'mandatory information element error'],
  [174, 'information element non-existent or not implemented'],
  [175, 'conditional IE error'],
  [176, 'protocol error, unspecified'],
  [177, 'operator determined barring'],
  [178, 'maximum number of PDP contexts reached'],
  [179, 'requested APN not supported in current RAT and PLMN combination'],
  [180, 'request rejected, Bearer Control Mode violation'],
  [181, 'unsupported QCI value'],
  [182, 'user data transmission via control plane is congested'],
];

// Verbose spellings seen from modems that differ from the 27.007 text (after normalising).
const CME_ALIASES: ReadonlyArray<readonly [string, number]> = [
  // ModemManager src/mm-error-helpers.c spells these so (adapter, "unknown error").
  ['phoneadapterlinkreserved', 2],
  ['unknownerror', 100],
];

// 27.005 §3.2.5. 0..127 are 24.011 RP causes, 128..255 are 23.040 TP-FCS values, 512.. vendor.
const CMS: ReadonlyArray<readonly [number, string]> = [
  [300, 'ME failure'],
  [301, 'SMS service of ME reserved'],
  [302, 'operation not allowed'],
  [303, 'operation not supported'],
  [304, 'invalid PDU mode parameter'],
  [305, 'invalid text mode parameter'],
  [310, 'SIM not inserted'],
  [311, 'SIM PIN required'],
  [312, 'PH-SIM PIN required'],
  [313, 'SIM failure'],
  [314, 'SIM busy'],
  [315, 'SIM wrong'],
  [316, 'SIM PUK required'],
  [317, 'SIM PIN2 required'],
  [318, 'SIM PUK2 required'],
  [320, 'memory failure'],
  [321, 'invalid memory index'],
  [322, 'memory full'],
  [330, 'SMSC address unknown'],
  [331, 'no network service'],
  [332, 'network timeout'],
  [340, 'no +CNMA acknowledgement expected'],
  [500, 'unknown error'],
];

const CMS_ALIASES: ReadonlyArray<readonly [string, number]> = [
  ['nonetwork', 331],
  ['invalidindex', 321],
  ['nocnmaackexpected', 340],
  ['unknown', 500],
  ['smsservicereserved', 301],
];

/** Lowercase letters and digits only; British "personalisation" and "(U)SIM" folded to the 27.007 text. */
function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/\(u\)sim|usim/g, 'sim')
    .replace(/personalisation/g, 'personalization')
    .replace(/[^a-z0-9]/g, '');
}

interface Table {
  readonly byNumber: ReadonlyMap<number, string>;
  readonly byText: ReadonlyMap<string, number>;
}

function buildTable(
  rows: ReadonlyArray<readonly [number, string]>,
  aliases: ReadonlyArray<readonly [string, number]>,
): Table {
  const byNumber = new Map<number, string>();
  const byText = new Map<string, number>();
  for (const [n, name] of rows) {
    byNumber.set(n, name);
    const key = normalise(name);
    if (!byText.has(key)) byText.set(key, n); // first wins: "congestion" is 122, not 157
  }
  for (const [key, n] of aliases) if (!byText.has(key)) byText.set(key, n);
  return { byNumber, byText };
}

const CME_TABLE = buildTable(CME, CME_ALIASES);
const CMS_TABLE = buildTable(CMS, CMS_ALIASES);

/** Strips an optional `+CME ERROR:`/`+CMS ERROR:` label, surrounding quotes and white space. */
function codeText(code: string, label: string): string {
  let t = code.trim();
  if (t.toUpperCase().startsWith(label)) t = t.slice(label.length).trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) t = t.slice(1, -1).trim();
  return t;
}

/** The 27.007 §9.2 name of CME error `n`, or `unknown CME error N`. */
export function cmeName(n: number): string {
  return CME_TABLE.byNumber.get(n) ?? `unknown CME error ${n}`;
}

/**
 * Reads the text after `+CME ERROR:`. Numeric (`10`) gives the number and its 27.007 name; verbose
 * (`SIM not inserted`, any case, spacing or punctuation) gives the number back from the same table;
 * verbose text not in the table gives `{ cme: null, name: text }`.
 */
export function lookupCme(code: string): { cme: number | null; name: string } {
  const t = codeText(code, '+CME ERROR:');
  if (/^\d{1,6}$/.test(t)) {
    const n = Number.parseInt(t, 10);
    return { cme: n, name: cmeName(n) };
  }
  const n = CME_TABLE.byText.get(normalise(t));
  if (n === undefined) return { cme: null, name: t };
  return { cme: n, name: cmeName(n) };
}

/** The 27.005 §3.2.5 name of CMS error `n`, with the ranges the standard leaves to others named. */
function cmsName(n: number): string {
  const known = CMS_TABLE.byNumber.get(n);
  if (known !== undefined) return known;
  if (n <= 127) return `network RP cause ${n}`; // 24.011 Annex E-2
  if (n <= 255) return `network TP-FCS ${n}`; // 23.040 §9.2.3.22
  if (n >= 512) return `manufacturer-specific CMS error ${n}`;
  return `unknown CMS error ${n}`;
}

/**
 * Reads the text after `+CMS ERROR:` (27.005 §3.2.5), numeric or verbose, like {@link lookupCme}.
 * 512 and above are manufacturer specific and named as such.
 */
export function lookupCms(code: string): { cms: number | null; name: string } {
  const t = codeText(code, '+CMS ERROR:');
  if (/^\d{1,6}$/.test(t)) {
    const n = Number.parseInt(t, 10);
    return { cms: n, name: cmsName(n) };
  }
  const n = CMS_TABLE.byText.get(normalise(t));
  if (n === undefined) return { cms: null, name: t };
  return { cms: n, name: cmsName(n) };
}
