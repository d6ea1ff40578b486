/** The bootstrap config: types, defaults, the pure validator and the loader. */
export * from './defaults.js';
export { type LoadedConfig, type LoadOptions, loadConfig, parseConfigFlags } from './load.js';
export { CONFIG_PATH_ENV, CONFIG_PATH_FLAG, envName, flagName, OVERRIDES } from './overrides.js';
export type * from './types.js';
export { TOP_LEVEL_KEYS, type ValidationEnv, validateConfig } from './validate.js';
