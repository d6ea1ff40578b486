/**
 * The device identity: the key made on the device, its CSR, the certificate it gets back, the
 * SIM/modem binding and the certificate's lifetime; and the operator's CA that signs it.
 */
export { type BindingResult, type BindingStatus, checkBinding } from './binding.js';
export {
  CA_FILES,
  DEFAULT_BACKDATE_MS,
  deviceCertFromCsr,
  type IssuedCert,
  initCa,
  issueClientCert,
  issueServerCert,
  type LoadedCa,
  loadCa,
  signCsr,
  type ValidityOptions,
} from './ca.js';
export { type CertInfo, readCertInfo } from './cert-info.js';
export { type CsrContents, type CsrSubject, createCsr, readCsr } from './csr.js';
export { DEVICE_ID_PATTERN, deviceIdProblem, OPERATOR_ID_PREFIX } from './device-id.js';
export {
  certMatchesKey,
  checkKeyFiles,
  ensureDeviceKey,
  ensureKeysDir,
  KEY_FILES,
  type KeyFilesState,
  loadPrivateKey,
  promoteNext,
  stageNextKey,
  writeCertificate,
} from './device-key.js';
export { type BoundIdentity, iccidProblem, imeiProblem, lastDigits } from './identity-uris.js';
export { type CertLifetime, certLifetime, type LifetimeWarning } from './lifetime.js';
