/**
 * Contracts of the fused training kernels (the tfjs `kernel_names.ts` pattern): names, inputs, attributes and
 * outputs, declared once here. Core calls them when the active backend registers them (`tf.getKernel(name,
 * tf.getBackend())`) and otherwise runs its composite of stock ops, so a backend opts in kernel by kernel.
 * Backends implement them by these names (the `native` backend in @fedloge/cuda-kernels does).
 */
import type * as tf from '@tensorflow/tfjs-core';

/**
 * Training-mode batch normalisation over every axis but the last: x viewed as [m, C] (m = product of the leading
 * dims), per column μ = Σx/m, σ² = Σ(x − μ)²/m (biased), y = γ·(x − μ)/√(σ² + ε) + β.
 * Outputs, in order: y (shape and dtype of x), mean [C], variance [C] (biased).
 */
export const FED_BATCH_NORM_TRAIN = 'FedBatchNormTrain';
export type FedBatchNormTrainInputs = { x: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo };
export interface FedBatchNormTrainAttrs {
  epsilon: number;
}

/**
 * The gradient of FedBatchNormTrain with respect to x, γ and β, from the forward's input and batch statistics.
 * With x̂ = (x − μ)/√(σ² + ε): dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/√(σ² + ε) · (dy − dβ/m − x̂·dγ/m).
 * Outputs, in order: dx (shape of x), dGamma [C], dBeta [C].
 */
export const FED_BATCH_NORM_TRAIN_GRAD = 'FedBatchNormTrainGrad';
export type FedBatchNormTrainGradInputs = {
  dy: tf.TensorInfo;
  x: tf.TensorInfo;
  gamma: tf.TensorInfo;
  mean: tf.TensorInfo;
  variance: tf.TensorInfo;
};
export type FedBatchNormTrainGradAttrs = FedBatchNormTrainAttrs;

/**
 * One SGD-momentum step (PyTorch semantics, dampening 0) for n variables at once:
 *   d ← g + wd·w;  v' ← μ·v + d (v' = d when firstStep);  w' ← w − lr·v'  (w' ← w − lr·d when μ = 0).
 * Inputs `w0..w{n-1}`, `g0..g{n-1}` and, unless firstStep or μ = 0, `v0..v{n-1}` (float32, vᵢ and gᵢ shaped as wᵢ).
 * Outputs, in order: w'0..w'{n-1}, then v'0..v'{n-1} when μ > 0. Inputs are never modified (tensors may share memory).
 * Every operation rounds to float32 in the order above, so results equal the composite of stock ops bit for bit.
 */
export const FED_SGD_MOMENTUM_UPDATE = 'FedSgdMomentumUpdate';
export interface FedSgdMomentumUpdateAttrs {
  /** n, the number of variables. */
  count: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  /** No velocity inputs: v' = d. */
  firstStep: boolean;
}

/** The input names of variable `i` of FedSgdMomentumUpdate. */
export function sgdInputName(kind: 'w' | 'g' | 'v', i: number): string {
  return `${kind}${i}`;
}
