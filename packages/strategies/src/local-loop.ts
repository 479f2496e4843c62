/**
 * The local loop of the FedAvg family: `ctx.train.localEpochs` epochs over a client's mini-batches,
 * each batch taking one optimiser step per group of variables, every group with its own loss and its own
 * optimiser (the run's `train.optimizer` — SGD by default — at the round's lr; created once per call, so
 * momentum or Adam's moments run across the epochs and start afresh each client-round). FedAvg trains one group (the whole network on one loss); FedLoGe three (the backbone
 * through the SSE-C, then g_aux and the local head on the detached features).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { createLocalOptimizer, minimize, type Batch, type ClientTrainContext } from '@fedloge/core';

/** Where a batch sits in local training (for objectives that treat some batches differently). */
export interface BatchPosition {
  /** 0-based local epoch. */
  readonly epoch: number;
  /** 0-based batch index within the epoch. */
  readonly batch: number;
}

/** One optimiser's part of a local step: a step on `variables` against `loss`. */
export interface LocalGroup {
  /** Name of the group's mean loss per step in the client metrics (FedAvg's one group: `loss`). */
  readonly metric: string;
  readonly variables: readonly tf.Variable[];
  /** Runs before the group's step on each batch, outside the gradient tape. */
  prepare?(batch: Batch, position: BatchPosition): void;
  /** The loss this group's step minimises on the batch. */
  loss(batch: Batch, position: BatchPosition): tf.Scalar;
  /** The value the metrics report for a step, from the loss it minimised. @default the loss */
  reported?(loss: number): number;
}

export interface LocalLoopHooks {
  /** After every group stepped on a batch, also when a step threw: free what the groups shared. */
  readonly afterBatch?: () => void;
}

/** Each group's mean reported loss per step (NaN without a step), by metric name, and the number of steps. */
export interface LocalLoopResult {
  readonly losses: Record<string, number>;
  readonly steps: number;
}

/** Run the loop over `ctx.data` with `ctx.rng` (batch order and augmentation); disposes every batch. */
export function runLocalLoop(ctx: ClientTrainContext, groups: readonly LocalGroup[], hooks: LocalLoopHooks = {}): LocalLoopResult {
  const { train } = ctx;
  const optimizers = groups.map((g) => createLocalOptimizer(g.variables, train));
  const sums = groups.map(() => 0);
  let steps = 0;
  try {
    for (let epoch = 0; epoch < train.localEpochs; epoch++) {
      let index = 0;
      for (const batch of ctx.data.batches(ctx.rng, train.batchSize)) {
        const position = { epoch, batch: index++ };
        try {
          groups.forEach((group, g) => {
            group.prepare?.(batch, position);
            const value = minimize(optimizers[g]!, () => group.loss(batch, position), group.variables);
            sums[g]! += group.reported ? group.reported(value) : value;
          });
          steps++;
        } finally {
          hooks.afterBatch?.();
          batch.x.dispose();
          batch.y.dispose();
        }
      }
    }
  } finally {
    for (const optimizer of optimizers) optimizer.dispose();
  }
  const losses: Record<string, number> = {};
  groups.forEach((group, g) => {
    losses[group.metric] = steps ? sums[g]! / steps : NaN;
  });
  return { losses, steps };
}
