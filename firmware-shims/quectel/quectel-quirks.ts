/**
 * Known Quectel firmware oddities, as data. Each has a test named after its id.
 */
import type { Quirk } from '../shim.js';

export const QUECTEL_QUIRKS: readonly Quirk[] = [
  {
    id: 'quectel-ec25-ctzu3-localtime',
    shim: 'quectel',
    models: /^E[CG]2[15]/i,
    source:
      'ModemManager src/plugins/quectel/mm-shared-quectel.c ctzu_test_ready(): "some Quectel modems (e.g. EC25) ' +
      'require +CTZU=3 in order to have the CCLK? time reported in localtime, instead of UTC"',
    summary:
      'AT+CCLK? is UTC unless automatic time zone update is enabled with AT+CTZU=3 (when AT+CTZU=? lists 3).',
  },
  {
    id: 'quectel-bg96-qeng-cat-rat-names',
    shim: 'quectel',
    models: /^BG96/i,
    source:
      'ROOTer quecteldata.sh (ofmodemsandmen/RooterSource) matches "CAT-M"|"CAT-NB"; BG96 capture ' +
      '+QENG: "servingcell","CONNECT","CAT-M","FDD",262,03,2FAA03,… (electricimp BG96 library); BG95 says "eMTC"/"NBIoT"',
    summary:
      'BG96 names its LTE-M and NB-IoT serving cells "CAT-M" and "CAT-NB" in +QENG, BG95 "eMTC" and "NBIoT".',
  },
  {
    id: 'quectel-qeng-sinr-is-db',
    shim: 'quectel',
    models: /^E[PG]06/i,
    revisions: /^E[PG]06/i,
    source:
      '4IceG/luci-app-3ginfo-lite#108 (EP06-E EP06ELAR04A22M4G: +QENG … -84,-9,-56,21,35 reads 21 dB, the ' +
      'x*0.2-20 conversion gives nonsense) and obsy/modemdata#12 (EG06-E, same conversion, negative SINR)',
    summary: '+QENG <SINR> is plain dB, not the 0..250 1/5-dB scale some manuals describe.',
  },
  {
    id: 'quectel-rm5xx-c5greg',
    shim: 'quectel',
    models: /^R[GM]5\d\d/i,
    source:
      '4IceG/luci-app-3ginfo-lite#57: a Quectel NR5G-SA module answers AT+C5GREG=2;+C5GREG? with ' +
      '+C5GREG: 2,1,"114000","100072000",11,… next to +QENG: "servingcell","NOCONN","NR5G-SA",…',
    summary:
      'The 5G modules (RG50x/RM50x/RM52x) implement +C5GREG; the LTE modules do not have 5GS registration.',
    traits: { has5gReg: true },
  },
  {
    id: 'quectel-bg9x-act8-catm',
    shim: 'quectel',
    models: /^BG9[56]|^BG77/i,
    source:
      'Quectel BG96 AT Commands Manual, +COPS/+CEREG <AcT>: 0 GSM, 8 LTE Cat M1, 9 LTE Cat NB1; the same ' +
      'numbering in public BG96 drivers (MODEM_BG96_ACCESSTECHNOLOGY_LTE_CAT_M1 = 8)',
    summary: '<AcT> 8 is LTE Cat-M1 (eMTC), not EC-GSM-IoT as 27.007 Rel-13 numbers it.',
    traits: { isAct8CatM: true },
  },
];
