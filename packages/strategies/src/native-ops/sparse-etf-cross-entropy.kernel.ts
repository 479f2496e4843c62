/**
 * SparseEtfCrossEntropy as a tfjs kernel: one native call returns both the mean loss and d loss / d f, so the
 * forward pass already holds the gradient; the registered gradient just scales that saved output by the upstream dy.
 */
import * as tf from '@tensorflow/tfjs';
import { etfCrossEntropy } from '@fedloge/cuda-kernels';

import { float32View, kernelIo, type NativeKernelBackend } from './backend-io.js';
import { SPARSE_ETF_CROSS_ENTROPY, type SparseEtfAttrs, type SparseEtfCrossEntropyInputs } from './kernel-names.js';

export function sparseEtfCrossEntropyConfig(backendName: NativeKernelBackend): tf.KernelConfig {
  return {
    kernelName: SPARSE_ETF_CROSS_ENTROPY,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { f, labels } = inputs as SparseEtfCrossEntropyInputs;
      const { etf, device } = attrs as unknown as SparseEtfAttrs;
      if (labels.dtype !== 'int32') {
        throw new TypeError(`${SPARSE_ETF_CROSS_ENTROPY}: labels must be int32 but are ${labels.dtype}`);
      }
      const io = kernelIo(backend, backendName);
      const loss = io.allocate([], 'float32');
      const gradF = io.allocate([f.shape[0]!, etf.dim], 'float32');
      const result = etfCrossEntropy(float32View(io, f, SPARSE_ETF_CROSS_ENTROPY, 'f'), etf.csr, io.view(labels) as Int32Array, {
        bias: etf.bias,
        gradOut: float32View(io, gradF, SPARSE_ETF_CROSS_ENTROPY, 'gradF'),
        device,
      });
      float32View(io, loss, SPARSE_ETF_CROSS_ENTROPY, 'loss')[0] = result.loss;
      return [loss, gradF];
    },
  };
}

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
