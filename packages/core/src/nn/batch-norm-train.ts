/**
 * Training-mode batch normalisation over N, H, W of an NHWC tensor (Ioffe & Szegedy, 2015) with
 * an explicit backward pass, written for the wasm backend's strengths.
 *
 * Why not tf.batchNorm + tf.moments: their gradients broadcast the [C] statistics back to
 * [B, H, W, C] through Tile, which took 569 ms of a 1.6 s ResNet-8 step on wasm
 * (docs/stack.md#measured-step-times), and wasm's FusedBatchNorm is slower than a multiply and an add.
 * Here the tensor is viewed as an [m, C] matrix (m = B·H·W): statistics are column sums and
 * every other kernel is an element-wise op against a [1, C] row. (A ones-row GEMM for the sums
 * is slower on fresh data: XNNPACK packs the [m, C] operand as weights on every call.)
 * With x̂ = (x − μ)/√(σ² + ε):
 *   ∂L/∂β = Σ dy,   ∂L/∂γ = Σ dy·x̂,   ∂L/∂x = γ/√(σ² + ε) · (dy − ∂L/∂β/m − x̂·∂L/∂γ/m).
 *
 * A backend that implements the fused kernels FedBatchNormTrain / FedBatchNormTrainGrad (engine/fused) gets one
 * kernel call per direction instead; every other backend runs the composite below.
 */
import * as tf from '@tensorflow/tfjs-core';

import { FED_BATCH_NORM_TRAIN, type FedBatchNormTrainAttrs } from '../engine/fused/kernel-names.js';
import { hasFusedKernel } from '../engine/fused/has-fused-kernel.js';
import { registerFusedGradients } from '../engine/fused/batch-norm-train-grad.js';

export interface BatchNormTrainResult {
  readonly y: tf.Tensor4D;
  /** Batch mean μ [C]. Owned by the caller (not tracked by an enclosing tidy: dispose it). */
  readonly mean: tf.Tensor1D;
  /** Biased batch variance σ² [C] (what normalises x). Owned by the caller, like `mean`. */
  readonly variance: tf.Tensor1D;
}

/** Column sums of an [m, C] matrix as [1, C]. */
function columnSums(x: tf.Tensor2D): tf.Tensor2D {
  return tf.sum(x, 0, true);
}

/** y = γ·x̂ + β with batch statistics; differentiable in x, γ and β. */
export function batchNormTrain(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): BatchNormTrainResult {
  return hasFusedKernel(FED_BATCH_NORM_TRAIN) ? batchNormTrainFused(x, gamma, beta, eps) : batchNormTrainComposite(x, gamma, beta, eps);
}

/** One FedBatchNormTrain kernel; its registered gradient calls FedBatchNormTrainGrad. */
function batchNormTrainFused(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): BatchNormTrainResult {
  registerFusedGradients();
  const attrs: FedBatchNormTrainAttrs = { epsilon: eps };
  const [y, mean, variance] = tf.engine().runKernel(FED_BATCH_NORM_TRAIN, { x, gamma, beta }, attrs as unknown as tf.NamedAttrMap) as [
    tf.Tensor4D,
    tf.Tensor1D,
    tf.Tensor1D,
  ];
  // Same ownership as the composite path: the statistics outlive an enclosing tidy until the caller disposes them.
  return { y, mean: tf.keep(mean), variance: tf.keep(variance) };
}

function batchNormTrainComposite(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): BatchNormTrainResult {
  const [b, h, w, c] = x.shape;
  const m = b * h * w;
  let stats: [tf.Tensor1D, tf.Tensor1D] | undefined;
  const forward = tf.customGrad((...args: unknown[]) => {
    const [xIn, gammaIn, betaIn, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const x2 = tf.reshape(xIn, [m, c]) as tf.Tensor2D;
    const mean = tf.div(columnSums(x2), m);
    const centred = tf.sub(x2, mean);
    const variance = tf.div(columnSums(tf.square(centred) as tf.Tensor2D), m);
    const invStd = tf.rsqrt(tf.add(variance, eps));
    const xHat = tf.mul(centred, invStd);
    const y = tf.reshape(tf.add(tf.mul(xHat, gammaIn), betaIn), [b, h, w, c]);
    save([xHat, invStd, gammaIn]);
    // The statistics leave through this closure; customGrad disposes everything not returned.
    stats = [tf.keep(tf.reshape(mean, [c])), tf.keep(tf.reshape(variance, [c]))];
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xHatS, invStdS, gammaS] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const dy2 = tf.reshape(dy, [m, c]) as tf.Tensor2D;
        const dBeta = columnSums(dy2);
        const dGamma = columnSums(tf.mul(dy2, xHatS));
        const scale = tf.mul(gammaS, invStdS);
        const dx = tf.sub(tf.sub(tf.mul(dy2, scale), tf.mul(xHatS, tf.mul(dGamma, tf.div(scale, m)))), tf.mul(dBeta, tf.div(scale, m)));
        return [tf.reshape(dx, [b, h, w, c]), tf.reshape(dGamma, [c]), tf.reshape(dBeta, [c])];
      },
    };
  });
  const y = forward(x, gamma, beta) as tf.Tensor4D;
  const [mean, variance] = stats!;
  return { y, mean, variance };
}
