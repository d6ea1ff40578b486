/** The HIL broker: a real mosquitto with mTLS and ACL by certificate CN. */
export { freePort } from './free-port.js';
export { MOSQUITTO_PATH, type MosquittoBroker, type MosquittoOptions, startMosquitto } from './mosquitto.js';
export {
  aclFile,
  mosquittoConfig,
  OPS_CLOUD_ACL,
  type OperatorAcl,
  opensslPinConfig,
  type TlsVersion,
  tlsClientVersionOptions,
} from './mosquitto-config.js';
