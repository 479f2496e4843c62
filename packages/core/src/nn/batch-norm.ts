/** BatchNorm2d with PyTorch semantics (eps 1e-5, momentum 0.1, affine, running statistics). */
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardMode } from './module.js';
import { constantInit } from './init.js';
import { stateKey, type ParameterSet } from './parameter-set.js';
import { batchNormTrain } from './batch-norm-train.js';

export interface BatchNorm2dArgs {
  readonly channels: number;
  /** @default 1e-5 */
  readonly eps?: number;
  /** Weight of the new batch statistic in the running average. @default 0.1 */
  readonly momentum?: number;
}

export class BatchNorm2d {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly eps: number;
  readonly momentum: number;

  /** Registers `<key>.gamma`, `<key>.beta` (params) and `<key>.runningMean`, `<key>.runningVar` (buffers). */
  constructor(owner: ParameterSet, key: string, args: BatchNorm2dArgs) {
    const c = args.channels;
    if (!(Number.isInteger(c) && c > 0))
      throw new RangeError(`BatchNorm2d '${key}': expected a positive integer channels but received ${c}`);
    this.eps = args.eps ?? 1e-5;
    this.momentum = args.momentum ?? 0.1;
    this.gamma = owner.addParam(stateKey(key, 'gamma'), [c], constantInit([c], 1));
    this.beta = owner.addParam(stateKey(key, 'beta'), [c], constantInit([c], 0));
    this.runningMean = owner.addBuffer(stateKey(key, 'runningMean'), [c], constantInit([c], 0));
    this.runningVar = owner.addBuffer(stateKey(key, 'runningVar'), [c], constantInit([c], 1));
  }

  /**
   * `train`: normalise with the batch statistics and move the running statistics once:
   *   running ← (1 − momentum)·running + momentum·batch, with the *unbiased* batch variance
   *   (σ²·m/(m−1), m = B·H·W), as torch.nn.BatchNorm2d.
   * `eval`: normalise with the running statistics; nothing changes.
   * Safe inside tf.variableGrads (the running update is off the loss path) and inside tf.tidy.
   */
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    if (mode === 'eval') {
      // y = x·s + t with s = γ/√(running σ² + ε), t = β − running μ·s: two broadcasting kernels,
      // cheaper on wasm than its FusedBatchNorm.
      return tf.tidy(() => {
        const s = tf.mul(this.gamma, tf.rsqrt(tf.add(this.runningVar, this.eps)));
        const t = tf.sub(this.beta, tf.mul(this.runningMean, s));
        return tf.add(tf.mul(x, s), t) as tf.Tensor4D;
      });
    }
    const { y, mean, variance } = batchNormTrain(x, this.gamma as tf.Tensor1D, this.beta as tf.Tensor1D, this.eps);
    try {
      const m = x.shape[0] * x.shape[1] * x.shape[2];
      const unbiased = m / Math.max(m - 1, 1);
      const keep = 1 - this.momentum;
      tf.tidy(() => {
        this.runningMean.assign(tf.add(tf.mul(this.runningMean, keep), tf.mul(mean, this.momentum)));
        this.runningVar.assign(tf.add(tf.mul(this.runningVar, keep), tf.mul(variance, this.momentum * unbiased)));
      });
    } finally {
      mean.dispose();
      variance.dispose();
    }
    return y;
  }
}
