/** The lab PKI of the HIL rig. */
export {
  type KeyPairFiles,
  type LabDevice,
  type LabPki,
  type LabPkiOptions,
  labBinding,
  makeLabPki,
  withLuhn,
} from './make-lab-pki.js';
