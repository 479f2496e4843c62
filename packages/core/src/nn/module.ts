/**
 * The building blocks a strategy trains: a backbone that maps images to features, and heads that
 * map features to class logits. Both own tfjs variables, named by state key, and convert to and
 * from ArrayRecord so the framework can ship, average, store and checkpoint them.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ArrayRecord } from '../arrays.js';

/**
 * `train`: batch statistics in BatchNorm, running statistics updated once per call.
 * `eval`: running statistics, nothing updated.
 */
export type ForwardMode = 'train' | 'eval';

export interface Module {
  /** Trainable variables by state key (e.g. `conv1.weight`, `bn1.gamma`). */
  readonly params: ReadonlyMap<string, tf.Variable>;
  /** Non-trainable state by key (e.g. `bn1.runningMean`). Averaged by FedAvg like the weights. */
  readonly buffers: ReadonlyMap<string, tf.Variable>;
  /** Parameters and buffers as plain arrays (a copy). */
  exportState(): ArrayRecord;
  /**
   * Overwrite parameters and buffers from `state`. Every key of this module must be present with
   * the right shape (an error names the first offender); extra keys are ignored.
   */
  loadState(state: ArrayRecord): void;
  /** Free every variable. The module must not be used afterwards. */
  dispose(): void;
}

/** Maps a batch of NHWC images to a `[batch, featureDim]` feature matrix. */
export interface Backbone extends Module {
  readonly featureDim: number;
  /** Input image shape [h, w, c] the backbone was built for. */
  readonly inputShape: readonly [number, number, number];
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D;
}

/** Maps `[batch, inputDim]` features to `[batch, numClasses]` logits. */
export interface Head extends Module {
  readonly inputDim: number;
  readonly numClasses: number;
  apply(features: tf.Tensor2D): tf.Tensor2D;
}
