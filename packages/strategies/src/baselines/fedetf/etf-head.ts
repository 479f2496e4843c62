/**
 * FedETF's classifier (Li, Shang, He, Lin & Wu, ICCV 2023, §4.1; official `linear_proto` +
 * `Proto_Classifier` + `scaling_train`): a learnable projection of the backbone feature to C'
 * dimensions, L2-normalised, then scored against a fixed simplex ETF with a learnable temperature:
 *
 *   logits = s · (h / ‖h‖) · M,   h = f·Pᵀ + b,   M = √(C/(C−1)) · U · (I − 11ᵀ/C)  (C' × C)
 *
 * with U a random C'×C matrix with orthonormal columns, so the C class prototypes (the columns
 * of M) have unit norm and pairwise cosine −1/(C−1), the maximal equal separation.
 *
 * State keys: `projection.weight` [C', d], `projection.bias` [C'], `temperature` [] (initial 1,
 * as the official ResNet) and `etf` [C', C]. `etf` is a parameter only so that FedETF's local
 * adaptation can fine-tune it; during federated training it is neither trained nor averaged.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Linear, ParameterSet, type Head } from '@fedloge/core';
import type { Rng } from '@fedloge/core/data';
import { simplexEtf } from '../../fedloge/sse-c.js';

/** The reference's floor on ‖h‖ before dividing (`clamp(min=1e-12)`). */
const NORM_FLOOR = 1e-12;

export interface EtfHeadArgs {
  /** d, the backbone feature width. */
  readonly inputDim: number;
  readonly numClasses: number;
  /** C', the projection width; at least `numClasses` (an ETF needs C orthonormal directions). */
  readonly projectionDim: number;
  readonly rng: Rng;
}

export class EtfHead extends ParameterSet implements Head {
  readonly inputDim: number;
  readonly numClasses: number;
  readonly projection: Linear;
  readonly temperature: tf.Variable;
  readonly etf: tf.Variable;

  constructor(args: EtfHeadArgs) {
    super('etf-head');
    const { inputDim, numClasses, projectionDim } = args;
    if (!(Number.isInteger(numClasses) && numClasses >= 2)) {
      throw new RangeError(`EtfHead: expected an integer numClasses >= 2 but received ${numClasses}`);
    }
    if (!(Number.isInteger(projectionDim) && projectionDim >= numClasses)) {
      throw new RangeError(
        `EtfHead: expected an integer projectionDim >= numClasses (${numClasses}) but received ${projectionDim}; a simplex ETF needs one orthonormal direction per class`,
      );
    }
    this.inputDim = inputDim;
    this.numClasses = numClasses;
    this.projection = new Linear(this, 'projection', { inFeatures: inputDim, outFeatures: projectionDim }, args.rng.derive('projection'));
    this.temperature = this.addParam('temperature', [], Float32Array.of(1));
    this.etf = this.addParam(
      'etf',
      [projectionDim, numClasses],
      Float32Array.from(simplexEtf(projectionDim, numClasses, args.rng.derive('etf'))),
    );
  }

  apply(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const h = this.projection.apply(features);
      const unit = tf.div(h, tf.maximum(tf.norm(h, 'euclidean', 1, true), NORM_FLOOR));
      return tf.mul(tf.matMul(unit, this.etf), this.temperature) as tf.Tensor2D;
    });
  }
}
