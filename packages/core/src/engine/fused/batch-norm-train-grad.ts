/**
 * The gradient of FedBatchNormTrain: one call of FedBatchNormTrainGrad yields all three input gradients. It runs
 * eagerly (not inside the per-input thunks): the engine evaluates each thunk in its own tidy, which would dispose the
 * other two outputs of a kernel called from the first. Gradients nobody asked for are freed with the backward scope.
 * The mean and variance outputs feed only the running statistics, so their upstream gradients (zeros) are ignored.
 */
import * as tf from '@tensorflow/tfjs-core';

import { FED_BATCH_NORM_TRAIN, FED_BATCH_NORM_TRAIN_GRAD, type FedBatchNormTrainAttrs } from './kernel-names.js';

export const fedBatchNormTrainGradConfig: tf.GradConfig = {
  kernelName: FED_BATCH_NORM_TRAIN,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const dy = Array.isArray(dys) ? dys[0]! : dys;
    const [x, gamma, mean, variance] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const { epsilon } = attrs as unknown as FedBatchNormTrainAttrs;
    const [dx, dGamma, dBeta] = tf
      .engine()
      .runKernel(FED_BATCH_NORM_TRAIN_GRAD, { dy, x, gamma, mean, variance }, { epsilon }) as tf.Tensor[];
    return { x: () => dx!, gamma: () => dGamma!, beta: () => dBeta! };
  },
};

/** Registers the gradient once (gradients are global, not per backend). */
export function registerFusedGradients(): void {
  if (!tf.getGradient(FED_BATCH_NORM_TRAIN)) tf.registerGradient(fedBatchNormTrainGradConfig);
}
