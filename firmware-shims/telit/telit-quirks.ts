/**
 * Known Telit firmware oddities, as data. Each has a test named after its id.
 */
import type { Quirk } from '../shim.js';

export const TELIT_QUIRKS: readonly Quirk[] = [
  {
    id: 'telit-le910c1-bnd-hex-4g',
    shim: 'telit',
    models: /^LE910C/i,
    revisions: /^25\./,
    source:
      'ModemManager src/plugins/telit/mm-shared-telit.c is_bnd_4g_format_hex() and mm-modem-helpers-telit.c ' +
      'mm_telit_model_from_revision() ("25." → LE910C1)',
    summary: 'AT#BND takes and reports the LTE band set as a hexadecimal bit mask, not as an index.',
  },
  {
    id: 'telit-lm940-ext-lte-bands',
    shim: 'telit',
    models: /^LM940/i,
    revisions: /^24\.01\.(?:51[6-9]|5[2-9]\d|[6-9]\d\d)/,
    source:
      'ModemManager src/plugins/telit/mm-shared-telit.c: TELIT_LM940_EXT_LTE_BND_SW_REVISION "24.01.516" ' +
      'enables the extended LTE band mask from that revision on',
    summary: 'From firmware 24.01.516 the LTE band mask of AT#BND covers bands above 64.',
  },
  {
    id: 'telit-rfsts-sinr-fifth-db',
    shim: 'telit',
    models: /^(?:LE910|ME910|LM9\d0|LN9\d0)/i,
    source:
      'ROOTer telitdata.sh (ofmodemsandmen/RooterSource): SINR = #RFSTS <SINR> / 5 - 20; capture ' +
      '#RFSTS: "286 01",1795,-101,-67,-15,2242,,128,3,1,0B5D121,"2860163396…","Turkcell",3,3,108',
    summary:
      '#RFSTS <SINR> is 0..250 in 1/5 dB from -20 dB (108 = 1.6 dB), unlike the dB figures of #CAINFO.',
  },
  {
    id: 'telit-me910-act8-catm',
    shim: 'telit',
    models: /^ME9[01]0|^ME310/i,
    source:
      'Telit ME910C1 AT Commands Reference (+COPS <AcT> 8 = CAT-M1, 9 = NB-IoT) and a public ME910C1 capture ' +
      '+COPS: 0,0,"Orange F",8; public ME310 drivers use the same numbering (cat_m1 = 8, nb_iot = 9)',
    summary: '<AcT> 8 is LTE Cat-M1 on ME910/ME310, not EC-GSM-IoT.',
    traits: { isAct8CatM: true },
  },
];
