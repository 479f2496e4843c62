/**
 * SparseEtfCrossEntropy as a tfjs kernel: one native call returns both the mean loss and d loss / d f, so the
 * forward pass already holds the gradient; the registered gradient just scales that saved output by the upstream dy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { csrCrossEntropy } from '@fedloge/cuda-kernels';

import { SPARSE_ETF_CROSS_ENTROPY, type SparseEtfAttrs, type SparseEtfCrossEntropyInputs } from './kernel-names.js';
import { nativeKernelConfig } from './native-kernel-config.js';

export const sparseEtfCrossEntropyConfig = nativeKernelConfig<SparseEtfCrossEntropyInputs, SparseEtfAttrs>(
  SPARSE_ETF_CROSS_ENTROPY,
  ({ inputs: { f, labels }, attrs: { etf, device }, io, float32 }) => {
    if (labels.dtype !== 'int32') {
      throw new TypeError(`${SPARSE_ETF_CROSS_ENTROPY}: labels must be int32 but are ${labels.dtype}`);
    }
    const loss = io.allocate([], 'float32');
    const gradF = io.allocate([f.shape[0]!, etf.dim], 'float32');
    const result = csrCrossEntropy(float32(f, 'f'), etf.csr, io.view(labels) as Int32Array, {
      bias: etf.bias,
      gradOut: float32(gradF, 'gradF'),
      device,
    });
    float32(loss, 'loss')[0] = result.loss;
    return [loss, gradF];
  },
);

/** d(upstream)/d f = dLoss · (d loss / d f), the second (saved) output. labels get no gradient. */
export const sparseEtfCrossEntropyGradConfig: tf.GradConfig = {
  kernelName: SPARSE_ETF_CROSS_ENTROPY,
  inputsToSave: [],
  outputsToSave: [false, true],
  gradFunc: (dys, saved) => {
    const dLoss = Array.isArray(dys) ? dys[0]! : dys;
    const [gradF] = saved;
    return { f: () => tf.mul(gradF!, dLoss) };
  },
};
