/**
 * Which aggregated arrays are statistics buffers (BatchNorm running means and variances, batch
 * counters) rather than trained parameters.
 *
 * Buffers are estimates, not the result of gradient steps: a server optimiser's momentum or
 * Adam step on them has no meaning and can push a running variance below zero (then `rsqrt`
 * gives NaN). Every aggregator therefore averages buffers by the plain sample-weighted mean and
 * applies its own rule to parameters only.
 */
import type { ArrayRecord } from '../arrays.js';

/** Last key segments that name a statistics buffer, across the naming conventions in use. */
const BUFFER_NAMES = new Set([
  'runningMean',
  'runningVar',
  'running_mean',
  'running_var',
  'movingMean',
  'movingVariance',
  'numBatchesTracked',
  'num_batches_tracked',
]);

/** True when `key` (e.g. `layer1.0.bn1.runningVar`) names a statistics buffer. */
export function isStatisticsBuffer(key: string): boolean {
  const dot = key.lastIndexOf('.');
  return BUFFER_NAMES.has(dot < 0 ? key : key.slice(dot + 1));
}

/** `record` split into its statistics buffers and its parameters (both share the arrays). */
export function splitBuffers(record: ArrayRecord, isBuffer: (key: string) => boolean): { buffers: ArrayRecord; params: ArrayRecord } {
  const buffers: ArrayRecord = {};
  const params: ArrayRecord = {};
  for (const [key, entry] of Object.entries(record)) (isBuffer(key) ? buffers : params)[key] = entry;
  return { buffers, params };
}
