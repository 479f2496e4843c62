/**
 * What every built-in aggregator does before its own rule: check the updates against the current
 * global arrays (throwing `AggregationError` on key/shape mismatches or duplicate clients), drop
 * updates holding NaN or ±Infinity with one warning, and keep the current values when nothing
 * usable is left. Subclasses implement only `combine`, the rule itself.
 */
import type { z } from 'zod';
import type { AggregationInput, Aggregator, ClientContribution } from '../aggregator.js';
import { cloneRecord, type ArrayRecord } from '../arrays.js';
import type { Logger } from '../logger.js';
import { parsePluginOptions } from '../plugins/registry.js';
import { assertConsistentRecord, assertDistinctClients, assertUpdateLayout, partitionFinite } from './records.js';

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
    return this.combine(current, usable, round);
  }

  /**
   * The aggregation rule. `updates` is non-empty, matches `current`'s layout and holds only
   * finite values. Must return fresh arrays.
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
