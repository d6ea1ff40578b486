/**
 * Stands in, inside the single executable, for optional modules that dependencies try to load and
 * do without: cbor-x's native `cbor-extract`, `supports-color` (debug), `bufferutil` and
 * `utf-8-validate` (ws). Each is loaded in a try and its absence handled; throwing here is that
 * absence. Left external, the SEA's require() would print a warning on every start.
 */
throw new Error('optional module not part of the single executable');
