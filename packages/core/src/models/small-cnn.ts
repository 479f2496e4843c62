/**
 * The small CNN for 28×28×1 images (Fashion-MNIST), the default CPU/wasm backbone:
 * conv3×3-32 → BN → ReLU → maxpool 2 → conv3×3-64 → BN → ReLU → maxpool 2 → flatten →
 * dense 128 → ReLU, giving a 128-d non-negative feature. Convolutions use 'same' padding and no
 * bias (BatchNorm follows).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConvBn } from '../nn/conv-bn.js';
import { Linear } from '../nn/linear.js';
import type { Backbone, ForwardMode } from '../nn/module.js';
import { ParameterSet } from '../nn/parameter-set.js';
import type { Rng } from '../random.js';
import { assertImageBatch, assertInputShape } from './input-checks.js';

export const SMALL_CNN_FEATURE_DIM = 128;

export class SmallCnn extends ParameterSet implements Backbone {
  readonly featureDim = SMALL_CNN_FEATURE_DIM;
  readonly inputShape: readonly [number, number, number];
  private readonly block1: ConvBn;
  private readonly block2: ConvBn;
  private readonly fc: Linear;

  /** State keys: conv1.weight, bn1.*, conv2.weight, bn2.*, fc.weight [128, h/4·w/4·64], fc.bias. */
  constructor(inputShape: readonly [number, number, number], rng: Rng) {
    super('cnn');
    assertInputShape('cnn', inputShape, 4);
    this.inputShape = [...inputShape] as [number, number, number];
    const [h, w, c] = inputShape;
    this.block1 = new ConvBn(this, { conv: 'conv1', bn: 'bn1' }, { inChannels: c, outChannels: 32, kernelSize: 3, padding: 'same' }, rng);
    this.block2 = new ConvBn(this, { conv: 'conv2', bn: 'bn2' }, { inChannels: 32, outChannels: 64, kernelSize: 3, padding: 'same' }, rng);
    // Two 2×2 'valid' pools floor each spatial size twice.
    const flat = Math.floor(Math.floor(h / 2) / 2) * Math.floor(Math.floor(w / 2) / 2) * 64;
    this.fc = new Linear(this, 'fc', { inFeatures: flat, outFeatures: SMALL_CNN_FEATURE_DIM }, rng);
  }

  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D {
    assertImageBatch('cnn', x, this.inputShape, true);
    return tf.tidy(() => {
      let h = tf.relu(this.block1.apply(x, mode));
      h = tf.maxPool(h, 2, 2, 'valid');
      h = tf.relu(this.block2.apply(h, mode));
      h = tf.maxPool(h, 2, 2, 'valid');
      return this.fc.apply(tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D, 'relu');
    });
  }
}
