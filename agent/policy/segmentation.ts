/**
 * Segmentation by identity: a sensor's commands arrive on `cmd/<sensorId>` (and below it), and no
 * other sensor may reach them. Pure.
 */

import { COMMAND_TOPIC_ROOT } from './defaults.js';

/**
 * Whether `filter` (well-formed) could match a command topic `cmd/<other>[/…]` of any sensor other
 * than `sensorId`. Sensor ids are not known in advance, so any wildcard or foreign literal in the
 * id level counts: `cmd/+`, `+/+`, `#` and `cmd/s2` all reach other sensors.
 */
export function reachesOtherSensor(filter: string, sensorId: string): boolean {
  const levels = filter.split('/');
  const root = levels[0];
  if (root === '#') return true;
  if (root !== COMMAND_TOPIC_ROOT && root !== '+') return false;
  const id = levels[1];
  if (id === undefined) return false;
  return id !== sensorId;
}
