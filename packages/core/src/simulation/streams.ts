/**
 * The named random streams of a run, in one place, so the main thread and a worker thread that
 * rebuilds a client from plain data draw exactly the same numbers. Every stream derives from the
 * root seed by name (never from another stream's position), so client order, worker scheduling
 * and the number of rounds evaluated cannot shift one another's draws.
 */
import type { Rng } from '../random.js';

export const RUN_STREAMS = {
  /** Which clients take part in `round`. */
  sampling: (root: Rng, round: number): Rng => root.derive('sampling', round),
  /** Client `clientId`'s local training in `round` (batch order, augmentation, dropout…). */
  clientTrain: (root: Rng, round: number, clientId: number): Rng => root.derive('train', round, clientId),
  /** The strategy's server-side root stream; strategies derive named streams from it (e.g. 'sse-c'). */
  strategy: (root: Rng): Rng => root.derive('strategy'),
  /**
   * The stream handed to one server call as `ServerContext.rng`: `initialize` ('initialize', 0),
   * `aggregateTrain` ('aggregate', r), the evaluation's predictors ('evaluate', r). One stream per
   * call, not one advancing stream, so a run resumed from a checkpoint draws what the
   * uninterrupted run would have drawn.
   */
  serverCall: (root: Rng, stage: 'initialize' | 'aggregate' | 'evaluate', round: number): Rng => root.derive('strategy', stage, round),
  /** A personalised predictor's stream for `clientId` at the evaluation of `round`. */
  personal: (root: Rng, round: number, clientId: number): Rng => root.derive('personal', round, clientId),
} as const;
