/**
 * What every built-in aggregator does around its own rule: check the updates against the current
 * global arrays once (throwing `AggregationError` on key/shape mismatches or duplicate clients),
 * keep the current values when there is no update, and average the statistics buffers the model
 * declares (`AggregationInput.bufferKeys`: BatchNorm running statistics) by the plain
 * sample-weighted mean. Subclasses implement only `combine`, the rule itself, which sees the
 * parameters alone. Updates arrive finite: the round loop drops those holding NaN or ±Infinity,
 * with its one warning, before the strategy aggregates.
 */
import type { z } from 'zod';
import type { AggregationInput, Aggregator, ClientContribution } from '../aggregator.js';
import { cloneRecord, type ArrayRecord } from '../arrays.js';
import type { Logger } from '../logger.js';
import { parsePluginOptions } from '../plugins/registry.js';
import { splitBuffers } from './buffers.js';
import { assertConsistentRecord, assertDistinctClients, assertUpdateLayout, weightedAverageRecord } from './records.js';

/**
 * Options through the plugin's schema, so that `new X({}, logger)` gets the same defaults and
 * checks as resolution through `createAggregator` (parsing the parsed options again is a no-op).
 */
export function parseAggregatorOptions<O>(name: string, schema: z.ZodType<O>, raw: unknown): O {
  return parsePluginOptions({ kind: 'aggregator', name, options: schema }, raw);
}

export abstract class BaseAggregator implements Aggregator {
  abstract readonly name: string;
  /** Resolved options, reported by `summary()`. */
  abstract readonly options: Readonly<Record<string, unknown>>;

  protected constructor(protected readonly logger: Logger) {}

  /**
   * New global values for the keys of `input.current`; the inputs are never modified and the
   * result shares no array with them.
   */
  aggregate(input: AggregationInput): ArrayRecord {
    const { round, current, updates } = input;
    assertConsistentRecord(current, `${this.name}, round ${round}: current global arrays`, { round });
    assertDistinctClients(updates, round);
    for (const u of updates) assertUpdateLayout(current, u, round);
    if (updates.length === 0) {
      this.logger.warn(`${this.name}, round ${round}: no client updates to aggregate; the global arrays stay unchanged`);
      return cloneRecord(current);
    }
    const declared = new Set(input.bufferKeys ?? []);
    const split = splitBuffers(current, (key) => declared.has(key));
    if (Object.keys(split.buffers).length === 0) return this.combine(current, updates, round);
    const paramKeys = Object.keys(split.params);
    const bufferKeys = Object.keys(split.buffers);
    const only =
      (keys: readonly string[]) =>
      (u: ClientContribution): ClientContribution => ({
        ...u,
        arrays: Object.fromEntries(keys.map((k) => [k, u.arrays[k]!])),
      });
    const params = paramKeys.length > 0 ? this.combine(split.params, updates.map(only(paramKeys)), round) : {};
    const buffers = weightedAverageRecord(updates.map(only(bufferKeys)), { round, layout: split.buffers, checked: true });
    // Keys in the order of `current`, so results print and checkpoint the same as before.
    return Object.fromEntries(Object.keys(current).map((k) => [k, params[k] ?? buffers[k]!]));
  }

  /**
   * The aggregation rule. `updates` is non-empty, matches `current`'s layout (already checked: pass
   * `checked: true` to the record functions) and holds only finite values; statistics buffers are
   * already taken out of both. Must return fresh arrays.
   */
  protected abstract combine(current: ArrayRecord, updates: readonly ClientContribution[], round: number): ArrayRecord;

  summary(): Record<string, unknown> {
    return { aggregator: this.name, ...this.options };
  }
}
