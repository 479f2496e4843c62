/**
 * Aggregator: how the server combines the arrays that clients send back.
 *
 * Strategies decide *what* is aggregated (which keys, e.g. FedBN leaves BN out) and call the
 * injected aggregator; aggregators decide *how* (weighted mean, FedAdam step, median, Krum…).
 * Any strategy works with any aggregator chosen in config.
 */
import type { ArrayRecord } from './arrays.js';

/** One client's contribution to an aggregation. */
export interface ClientContribution {
  readonly clientId: number;
  /** The client's training-set size n_k; the default averaging weight. */
  readonly numSamples: number;
  /** Same keys and shapes as `AggregationInput.current`. */
  readonly arrays: ArrayRecord;
  /**
   * Averaging weight overriding `numSamples` (e.g. CLIMB's dual-adjusted weights). Weights are
   * paired with clients by id, never by position in some other list.
   */
  readonly weight?: number;
}

export interface AggregationInput {
  readonly round: number;
  /** Current global values of the keys being aggregated (server optimisers need them). */
  readonly current: ArrayRecord;
  readonly updates: readonly ClientContribution[];
  /**
   * Keys of `current` that are statistics buffers (BatchNorm running statistics): averaged by the
   * plain weighted mean, never by the aggregator's own rule. They come from the model, which
   * declares its buffers (`Module.buffers`; FedAvg passes them prefixed as in its state), not
   * from key names. Keys not in `current` are ignored. @default none: every key is a parameter
   */
  readonly bufferKeys?: readonly string[];
}

export interface Aggregator {
  /** Registered name, e.g. `fedavg`, `fedadam`, `median`. */
  readonly name: string;
  /**
   * New global values for the keys of `input.current`. The updates hold only finite values: the
   * round loop scans each update once and drops one holding NaN or ±Infinity (with its warning)
   * before the strategy aggregates. With no update the current values are returned unchanged.
   */
  aggregate(input: AggregationInput): ArrayRecord;
  /** Server-side state (e.g. FedAdam moments) for checkpoints; undefined when stateless. */
  stateDict?(): ArrayRecord | undefined;
  loadStateDict?(state: ArrayRecord): void;
  /** Resolved options, for run logs. */
  summary?(): Record<string, unknown>;
}
