/**
 * The small CNN for 28×28×1 images (Fashion-MNIST), the default CPU/wasm backbone:
 * conv3×3-32 → BN → ReLU → maxpool 2 → conv3×3-64 → BN → ReLU → maxpool 2 → flatten →
 * dense 128 → ReLU, giving a 128-d non-negative feature. Convolutions use 'same' padding and no
 * bias (BatchNorm follows).
 */
import * as tf from '@tensorflow/tfjs';
import { BatchNorm2d } from '../nn/batch_norm.js';
import { Conv2d } from '../nn/conv2d.js';
import { Linear } from '../nn/linear.js';
import type { Backbone, ForwardMode } from '../nn/module.js';
import { ParameterSet } from '../nn/parameter_set.js';
import type { Rng } from '../random.js';
import { assertImageBatch, assertInputShape } from './input_checks.js';

export const SMALL_CNN_FEATURE_DIM = 128;

export class SmallCnn extends ParameterSet implements Backbone {
  readonly featureDim = SMALL_CNN_FEATURE_DIM;
  readonly inputShape: readonly [number, number, number];
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly conv2: Conv2d;
  private readonly bn2: BatchNorm2d;
  private readonly fc: Linear;

  /** State keys: conv1.weight, bn1.*, conv2.weight, bn2.*, fc.weight [128, h/4·w/4·64], fc.bias. */
  constructor(inputShape: readonly [number, number, number], rng: Rng) {
    super('cnn');
    assertInputShape('cnn', inputShape, 4);
    this.inputShape = [...inputShape] as [number, number, number];
    const [h, w, c] = inputShape;
    this.conv1 = new Conv2d(this, 'conv1', { inChannels: c, outChannels: 32, kernelSize: 3, padding: 'same' }, rng);
    this.bn1 = new BatchNorm2d(this, 'bn1', { channels: 32 });
    this.conv2 = new Conv2d(this, 'conv2', { inChannels: 32, outChannels: 64, kernelSize: 3, padding: 'same' }, rng);
    this.bn2 = new BatchNorm2d(this, 'bn2', { channels: 64 });
    // Two 2×2 'valid' pools floor each spatial size twice.
    const flat = Math.floor(Math.floor(h / 2) / 2) * Math.floor(Math.floor(w / 2) / 2) * 64;
    this.fc = new Linear(this, 'fc', { inFeatures: flat, outFeatures: SMALL_CNN_FEATURE_DIM }, rng);
  }

  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D {
    assertImageBatch('cnn', x, this.inputShape, true);
    return tf.tidy(() => {
      let h = tf.relu(this.bn1.apply(this.conv1.apply(x), mode));
      h = tf.maxPool(h, 2, 2, 'valid');
      h = tf.relu(this.bn2.apply(this.conv2.apply(h), mode));
      h = tf.maxPool(h, 2, 2, 'valid');
      return this.fc.apply(tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D, 'relu');
    });
  }
}
