/**
 * Record-level aggregation: the array math of `aggregate.ts` applied entry by entry to the
 * clients' ArrayRecords, after checking that every update has the expected keys and shapes (so
 * nothing is ever combined with the wrong tensor) and that clients are distinct. Failures throw
 * an `AggregationError` naming the round, the client and the tensor.
 *
 * Weights are read from each `ClientContribution` itself (`weight ?? numSamples`), so they are
 * paired with clients by id by construction; the reference code's bug of taking weights from a
 * differently permuted list cannot happen here.
 */
import type { ClientContribution } from '../aggregator.js';
import { assertSameLayout, sizeOf, type ArrayRecord } from '../arrays.js';
import { accumulateSquaredDistances, assertKrumQuorum, coordinateMedian, krumScores, trimmedMean, weightedAverage } from './aggregate.js';
import { AggregationError } from './errors.js';

/** Where an aggregation happens, for error messages and the expected layout. */
export interface RecordContext {
  /** Round number, quoted in errors. */
  readonly round?: number;
  /** The keys and shapes every update must have (the current global arrays); default: the first update's. */
  readonly layout?: ArrayRecord;
  /**
   * The caller has already checked the updates against `layout` (distinct clients, keys, shapes, lengths):
   * `BaseAggregator.aggregate` does, once, before its rule runs, so the rule's record functions do not check again.
   */
  readonly checked?: boolean;
}

function at(round: number | undefined): string {
  return round === undefined ? '' : `round ${round}: `;
}

/** The key `assertSameLayout` complains about first: a missing one, then an unexpected one, then a reshaped one. */
function firstLayoutMismatch(expected: ArrayRecord, actual: ArrayRecord): string | undefined {
  const expectedKeys = Object.keys(expected).sort();
  const actualKeys = Object.keys(actual).sort();
  return (
    expectedKeys.find((k) => !(k in actual)) ??
    actualKeys.find((k) => !(k in expected)) ??
    expectedKeys.find((k) => expected[k]!.shape.join('x') !== actual[k]!.shape.join('x'))
  );
}

/**
 * Throws an `AggregationError` unless the update has exactly the keys and shapes of `layout` and
 * each of its arrays holds as many values as its shape says.
 */
export function assertUpdateLayout(layout: ArrayRecord, update: ClientContribution, round?: number): void {
  const clientId = update.clientId;
  try {
    assertSameLayout(layout, update.arrays, `${at(round)}update from client ${clientId}`);
  } catch (e) {
    throw new AggregationError(
      `${(e as Error).message}. Every client must send exactly the keys and shapes being aggregated; ` +
        'check which keys the strategy passes to the aggregator and that clients build the same model.',
      { round, clientId, tensor: firstLayoutMismatch(layout, update.arrays), cause: e },
    );
  }
  assertConsistentRecord(update.arrays, `${at(round)}update from client ${clientId}`, { round, clientId });
}

/** Throws an `AggregationError` unless every array of `record` holds as many values as its shape says. */
export function assertConsistentRecord(record: ArrayRecord, what: string, context: { round?: number; clientId?: number } = {}): void {
  for (const [tensor, entry] of Object.entries(record)) {
    if (entry.data.length !== sizeOf(entry.shape)) {
      throw new AggregationError(
        `${what}: array '${tensor}' has shape [${entry.shape.join('x')}] ` +
          `(${sizeOf(entry.shape)} values) but holds ${entry.data.length} values`,
        { ...context, tensor },
      );
    }
  }
}

/** Throws if a client id appears twice: its update would count double. */
export function assertDistinctClients(updates: readonly ClientContribution[], round?: number): void {
  const seen = new Set<number>();
  for (const u of updates) {
    if (seen.has(u.clientId)) {
      throw new AggregationError(
        `${at(round)}client ${u.clientId} sent more than one update; each client may contribute once per aggregation`,
        { round, clientId: u.clientId },
      );
    }
    seen.add(u.clientId);
  }
}

/**
 * Each update's averaging weight, `weight ?? numSamples`, in the order of `updates`. Throws
 * unless every weight is finite and ≥ 0 and at least one is positive.
 */
export function contributionWeights(updates: readonly ClientContribution[], round?: number): number[] {
  const weights = updates.map((u) => {
    const w = u.weight ?? u.numSamples;
    if (!Number.isFinite(w) || w < 0) {
      const source = u.weight === undefined ? 'numSamples' : 'weight';
      throw new AggregationError(`${at(round)}client ${u.clientId} has ${source} = ${w}; averaging weights must be finite and >= 0`, {
        round,
        clientId: u.clientId,
      });
    }
    return w;
  });
  if (updates.length > 0 && !weights.some((w) => w > 0)) {
    throw new AggregationError(
      `${at(round)}every averaging weight is 0 (clients ${updates.map((u) => u.clientId).join(', ')}); ` +
        'at least one client needs numSamples > 0 or a positive weight',
      { round },
    );
  }
  return weights;
}

/** Checks the updates and returns the layout they all share. */
function checkedLayout(updates: readonly ClientContribution[], context: RecordContext, what: string): ArrayRecord {
  if (updates.length === 0) {
    throw new AggregationError(`${at(context.round)}${what}: no client updates to aggregate`, { round: context.round });
  }
  const layout = context.layout ?? updates[0]!.arrays;
  if (context.checked === true) return layout;
  assertDistinctClients(updates, context.round);
  for (const u of updates) assertUpdateLayout(layout, u, context.round);
  return layout;
}

/** A new record with the keys and shapes of `layout`, each entry computed from the clients' copies. */
function combineEntries(
  layout: ArrayRecord,
  updates: readonly ClientContribution[],
  combine: (values: Float32Array[]) => Float32Array,
): ArrayRecord {
  const out: ArrayRecord = {};
  for (const [key, entry] of Object.entries(layout)) {
    out[key] = { shape: [...entry.shape], data: combine(updates.map((u) => u.arrays[key]!.data)) };
  }
  return out;
}

/** FedAvg of whole records, weighted by `weight ?? numSamples` of each contribution. */
export function weightedAverageRecord(updates: readonly ClientContribution[], context: RecordContext = {}): ArrayRecord {
  const layout = checkedLayout(updates, context, 'weighted average');
  const weights = contributionWeights(updates, context.round);
  return combineEntries(layout, updates, (values) => weightedAverage(values, weights));
}

/** Coordinate-wise median of whole records (unweighted). */
export function medianRecord(updates: readonly ClientContribution[], context: RecordContext = {}): ArrayRecord {
  const layout = checkedLayout(updates, context, 'median');
  return combineEntries(layout, updates, (values) => coordinateMedian(values));
}

/** Coordinate-wise β-trimmed mean of whole records (unweighted). */
export function trimmedMeanRecord(updates: readonly ClientContribution[], beta: number, context: RecordContext = {}): ArrayRecord {
  const layout = checkedLayout(updates, context, 'trimmed mean');
  return combineEntries(layout, updates, (values) => trimmedMean(values, beta));
}

/**
 * Krum scores of whole records (squared distances summed over every array, as if each model
 * were one flat vector), in the order of `updates`. Throws unless n > 2f + 2.
 */
export function krumScoresRecord(updates: readonly ClientContribution[], f: number, context: RecordContext = {}): Float64Array {
  const layout = checkedLayout(updates, context, 'Krum');
  const n = updates.length;
  try {
    assertKrumQuorum(n, f);
  } catch (e) {
    throw new AggregationError(`${at(context.round)}${(e as Error).message}`, { round: context.round, cause: e });
  }
  const distances = new Float64Array(n * n);
  for (const key of Object.keys(layout)) {
    accumulateSquaredDistances(
      updates.map((u) => u.arrays[key]!.data),
      distances,
    );
  }
  return krumScores(distances, n, f);
}
