/**
 * Statistics buffers (BatchNorm running means and variances) against trained parameters.
 *
 * Buffers are estimates, not the result of gradient steps: a server optimiser's momentum or
 * Adam step on them has no meaning and can push a running variance below zero (then `rsqrt`
 * gives NaN). Every aggregator therefore averages buffers by the plain sample-weighted mean and
 * applies its own rule to parameters only. Which keys are buffers is declared by the model
 * (`Module.buffers`, passed on as `AggregationInput.bufferKeys`), never guessed from key names.
 */
import type { ArrayRecord } from '../arrays.js';

/** `record` split into its statistics buffers and its parameters (both share the arrays). */
export function splitBuffers(record: ArrayRecord, isBuffer: (key: string) => boolean): { buffers: ArrayRecord; params: ArrayRecord } {
  const buffers: ArrayRecord = {};
  const params: ArrayRecord = {};
  for (const [key, entry] of Object.entries(record)) (isBuffer(key) ? buffers : params)[key] = entry;
  return { buffers, params };
}
