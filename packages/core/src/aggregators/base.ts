/**
 * What every built-in aggregator does around its own rule: check the updates against the current
 * global arrays (throwing `AggregationError` on key/shape mismatches or duplicate clients), drop
 * updates holding NaN or ±Infinity with one warning, keep the current values when nothing
 * usable is left, and average statistics buffers (BatchNorm running statistics, counters) by
 * the plain sample-weighted mean (see buffers.ts). Subclasses implement only `combine`, the
 * rule itself, which sees the parameters alone.
 */
import type { z } from 'zod';
import type { AggregationInput, Aggregator, ClientContribution } from '../aggregator.js';
import { cloneRecord, type ArrayRecord } from '../arrays.js';
import type { Logger } from '../logger.js';
import { parsePluginOptions } from '../plugins/registry.js';
import { isStatisticsBuffer, splitBuffers } from './buffers.js';
import { assertConsistentRecord, assertDistinctClients, assertUpdateLayout, partitionFinite, weightedAverageRecord } from './records.js';

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
    const usable = this.dropNonFinite(round, updates);
    if (usable.length === 0) return cloneRecord(current);
    const explicit = input.bufferKeys === undefined ? undefined : new Set(input.bufferKeys);
    const split = splitBuffers(current, explicit ? (key) => explicit.has(key) : isStatisticsBuffer);
    if (Object.keys(split.buffers).length === 0) return this.combine(current, usable, round);
    const paramKeys = Object.keys(split.params);
    const bufferKeys = Object.keys(split.buffers);
    const only =
      (keys: readonly string[]) =>
      (u: ClientContribution): ClientContribution => ({
        ...u,
        arrays: Object.fromEntries(keys.map((k) => [k, u.arrays[k]!])),
      });
    const params = paramKeys.length > 0 ? this.combine(split.params, usable.map(only(paramKeys)), round) : {};
    const buffers = weightedAverageRecord(usable.map(only(bufferKeys)), { round, layout: split.buffers });
    // Keys in the order of `current`, so results print and checkpoint the same as before.
    return Object.fromEntries(Object.keys(current).map((k) => [k, params[k] ?? buffers[k]!]));
  }

  /**
   * The aggregation rule. `updates` is non-empty, matches `current`'s layout and holds only
   * finite values; statistics buffers are already taken out of both. Must return fresh arrays.
   */
  protected abstract combine(current: ArrayRecord, updates: readonly ClientContribution[], round: number): ArrayRecord;

  summary(): Record<string, unknown> {
    return { aggregator: this.name, ...this.options };
  }

  /** The finite updates; one warning names the rejected clients, and says so when none are left. */
  private dropNonFinite(round: number, updates: readonly ClientContribution[]): ClientContribution[] {
    const { finite, rejected } = partitionFinite(updates);
    if (rejected.length > 0) {
      const culprits = rejected.map((r) => `${r.clientId} ('${r.tensor}')`).join(', ');
      const outcome =
        finite.length > 0
          ? `aggregating the other ${finite.length} of ${updates.length}`
          : 'no usable update is left, so the global arrays stay unchanged this round';
      this.logger.warn(
        `${this.name}, round ${round}: rejected the updates of client${rejected.length > 1 ? 's' : ''} ${culprits} ` +
          `because they contain NaN or ±Infinity; ${outcome}`,
      );
    }
    return finite;
  }
}
