/**
 * Checks on the global model after aggregation, so that a run never goes on with (or reports
 * numbers of) a model that cannot be right: NaN/Infinity produced by the server rule, or a model
 * blown up so far that no client can train from it.
 */
import type { Aggregator } from '../aggregator.js';
import type { ArrayRecord } from '../arrays.js';
import { scanRecord } from './finite.js';

/**
 * How much larger than the largest |value| of the previous global model and of the client updates
 * the aggregated model's may be.
 * A mean, median or Krum choice stays within the updates; a sane server optimiser step moves a
 * weight by about its learning rate; a step scaled by 1e30 leaves the range by dozens of orders
 * of magnitude, and clients cannot train from such a model.
 */
export const BLOWN_UP_FACTOR = 1e6;

/** The global model failed a check after aggregation; the message names the aggregator and its options. */
export class GlobalModelError extends Error {
  override readonly name = 'GlobalModelError';
  constructor(
    message: string,
    readonly round: number,
  ) {
    super(message);
  }
}

/** The largest |value| of `record`, with its key (NaN never counts). */
export function largestMagnitude(record: ArrayRecord): { value: number; key: string | undefined } {
  return scanRecord(record).largest;
}

/** `fedavgm (serverLearningRate: 1e30, serverMomentum: 0.9)`, or `fedavg` for an aggregator without options. */
export function describeAggregator(aggregator: Aggregator | undefined, strategy: string): string {
  if (aggregator === undefined) return `the aggregation of strategy '${strategy}'`;
  const { aggregator: _name, ...options } = aggregator.summary?.() ?? {};
  const shown = Object.entries(options)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === 'number' ? formatNumber(v) : JSON.stringify(v)}`);
  return shown.length > 0 ? `aggregator ${aggregator.name} (${shown.join(', ')})` : `aggregator ${aggregator.name}`;
}

function formatNumber(v: number): string {
  return Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-4) ? v.toExponential().replace('e+', 'e') : String(v);
}

export function nonFiniteGlobalMessage(round: number, key: string, aggregator: string, usable: number): string {
  return (
    `Round ${round}: the global model after aggregation holds NaN or Infinity (first in '${key}'), although all ` +
    `${usable} client update${usable === 1 ? '' : 's'} aggregated were finite: ${aggregator} produced it. ` +
    'Check those options (e.g. a smaller server learning rate) and run again; the run stops here.'
  );
}

export function blownUpGlobalMessage(
  round: number,
  aggregator: string,
  now: { value: number; key: string | undefined },
  updates: number,
): string {
  return (
    `Round ${round}: the global model after aggregation was blown up by the server rule, so no client can train ` +
    `from it: its largest |value| is ${now.value.toExponential(2)} (in '${now.key}') while the previous global model ` +
    `and the client updates it was made from stay within ${updates.toExponential(2)}. It was produced by ${aggregator}; check those options ` +
    '(e.g. a smaller server learning rate) and run again; the run stops here.'
  );
}
