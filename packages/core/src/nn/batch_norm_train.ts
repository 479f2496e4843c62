/**
 * Training-mode batch normalisation over N, H, W of an NHWC tensor (Ioffe & Szegedy, 2015) with
 * an explicit backward pass.
 *
 * Why not tf.batchNorm + tf.moments: their gradients broadcast the [C] statistics back to
 * [B, H, W, C] through Tile, which took 569 ms of a 1.6 s ResNet-8 step on wasm
 * (specs/stack.md §1.3). The closed-form backward here needs only two channel reductions and a
 * few broadcasting element-wise kernels. With x̂ = (x − μ)/√(σ² + ε), m = B·H·W:
 *   ∂L/∂β = Σ dy,   ∂L/∂γ = Σ dy·x̂,   ∂L/∂x = γ/√(σ² + ε) · (dy − ∂L/∂β/m − x̂·∂L/∂γ/m).
 */
import * as tf from '@tensorflow/tfjs';

export interface BatchNormTrainResult {
  readonly y: tf.Tensor4D;
  /** Batch mean μ [C]. Owned by the caller (not tracked by an enclosing tidy: dispose it). */
  readonly mean: tf.Tensor1D;
  /** Biased batch variance σ² [C] (what normalises x). Owned by the caller, like `mean`. */
  readonly variance: tf.Tensor1D;
}

const REDUCE_AXES = [0, 1, 2];

/** y = γ·x̂ + β with batch statistics; differentiable in x, γ and β. */
export function batchNormTrain(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): BatchNormTrainResult {
  let stats: [tf.Tensor1D, tf.Tensor1D] | undefined;
  const forward = tf.customGrad((...args: unknown[]) => {
    const [xIn, gammaIn, betaIn, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const { mean, variance } = tf.moments(xIn, REDUCE_AXES);
    const y = tf.batchNorm(xIn, mean, variance, betaIn, gammaIn, eps);
    save([xIn, mean, variance, gammaIn]);
    // The statistics leave through this closure; customGrad disposes everything not returned.
    stats = [tf.keep(mean as tf.Tensor1D), tf.keep(variance as tf.Tensor1D)];
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, mu, sigma2, g] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        const m = xs.shape[0] * xs.shape[1] * xs.shape[2];
        const xHat = tf.batchNorm(xs, mu, sigma2, undefined, undefined, eps);
        const dBeta = tf.sum(dy, REDUCE_AXES);
        const dGamma = tf.sum(tf.mul(dy, xHat), REDUCE_AXES);
        const scale = tf.mul(g, tf.rsqrt(tf.add(sigma2, eps)));
        const centred = tf.sub(tf.sub(dy, tf.div(dBeta, m)), tf.mul(xHat, tf.div(dGamma, m)));
        return [tf.mul(centred, scale), dGamma, dBeta];
      },
    };
  });
  const y = forward(x, gamma, beta) as tf.Tensor4D;
  const [mean, variance] = stats!;
  return { y, mean, variance };
}
