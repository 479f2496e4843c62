/**
 * A test backbone with BatchNorm named the way the FedLoGe reference names a ResNet's (`bn1`, and
 * `shortcut.1` for the BatchNorm of a projection shortcut, whose key has no "bn" in it):
 *   f = ReLU(bn1(fc(x)) + shortcut.1(shortcut.0(x))), with x flattened.
 * Dense layers instead of convolutions keep FedBN's tests fast on the cpu backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { BatchNorm2d, Linear, ParameterSet, type Backbone, type BackboneArgs, type ForwardMode, type ModelPlugin } from '@fedloge/core';

export class BnMlpBackbone extends ParameterSet implements Backbone {
  readonly featureDim: number;
  readonly inputShape: readonly [number, number, number];
  private readonly fc: Linear;
  private readonly bn1: BatchNorm2d;
  private readonly projection: Linear;
  private readonly projectionBn: BatchNorm2d;

  constructor(args: BackboneArgs, featureDim: number) {
    super('bn-mlp');
    this.inputShape = args.inputShape;
    this.featureDim = featureDim;
    const inFeatures = args.inputShape.reduce((a, b) => a * b, 1);
    this.fc = new Linear(this, 'fc', { inFeatures, outFeatures: featureDim }, args.rng);
    this.bn1 = new BatchNorm2d(this, 'bn1', { channels: featureDim });
    this.projection = new Linear(this, 'shortcut.0', { inFeatures, outFeatures: featureDim }, args.rng);
    this.projectionBn = new BatchNorm2d(this, 'shortcut.1', { channels: featureDim });
  }

  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D {
    return tf.tidy(() => {
      const flat = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
      // BatchNorm2d over [B, 1, 1, d]: per-feature statistics, as BatchNorm1d.
      const norm = (bn: BatchNorm2d, h: tf.Tensor2D) =>
        tf.reshape(bn.apply(tf.reshape(h, [h.shape[0], 1, 1, this.featureDim]) as tf.Tensor4D, mode), h.shape);
      return tf.relu(tf.add(norm(this.bn1, this.fc.apply(flat)), norm(this.projectionBn, this.projection.apply(flat)))) as tf.Tensor2D;
    });
  }
}

const options = z.strictObject({ featureDim: z.int().min(1).default(8) });

export const bnMlpModelPlugin: ModelPlugin<z.output<typeof options>> = {
  kind: 'model',
  name: 'bn-mlp',
  description: 'Dense layers with BatchNorm and a BatchNorm shortcut (test model)',
  options,
  create: (args, o) => new BnMlpBackbone(args, o.featureDim),
};
