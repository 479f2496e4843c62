/** A fully connected layer with PyTorch's orientation and initialisation. */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random.js';
import { kaimingUniformBound, uniformInit } from './init.js';
import { stateKey, type ParameterSet } from './parameter-set.js';

export interface LinearArgs {
  readonly inFeatures: number;
  readonly outFeatures: number;
}

export class Linear {
  /** `[out, in]` (torch.nn.Linear orientation), state key `<key>.weight`. */
  readonly weight: tf.Variable;
  /** `[out]`, state key `<key>.bias`. */
  readonly bias: tf.Variable;

  /** Weight and bias from U(±1/√in), drawn from `rng.derive(key, 'weight' | 'bias')`. */
  constructor(owner: ParameterSet, key: string, args: LinearArgs, rng: Rng) {
    const { inFeatures, outFeatures } = args;
    for (const [name, value] of Object.entries({ inFeatures, outFeatures })) {
      if (!(Number.isInteger(value) && value > 0))
        throw new RangeError(`Linear '${key}': expected a positive integer ${name} but received ${value}`);
    }
    const bound = kaimingUniformBound(inFeatures);
    this.weight = owner.addParam(
      stateKey(key, 'weight'),
      [outFeatures, inFeatures],
      uniformInit(rng.derive(key, 'weight'), [outFeatures, inFeatures], bound),
    );
    this.bias = owner.addParam(stateKey(key, 'bias'), [outFeatures], uniformInit(rng.derive(key, 'bias'), [outFeatures], bound));
  }

  /**
   * x·Wᵀ + b, optionally followed by ReLU. Not `tf.fused.matMul`: with a bias and transposeB,
   * tfjs-backend-wasm 4.22 adds bias[row] instead of bias[column] for rows after the first.
   */
  apply(x: tf.Tensor2D, activation: 'linear' | 'relu' = 'linear'): tf.Tensor2D {
    const z = tf.add(tf.matMul(x, this.weight as tf.Tensor2D, false, true), this.bias) as tf.Tensor2D;
    return activation === 'relu' ? tf.relu(z) : z;
  }
}
