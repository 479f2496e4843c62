/**
 * SparseEtfProject / SparseEtfProjectBackward as tfjs kernels on the cpu, wasm and native backends, computed by the
 * @fedloge/cuda-kernels addon straight into the backend's tensor memory; and the gradient that ties them together
 * (only f gets a gradient: S and b are frozen attributes).
 */
import * as tf from '@tensorflow/tfjs-core';
import { csrProjectBackward, csrProjectForward } from '@fedloge/cuda-kernels';

import {
  SPARSE_ETF_PROJECT,
  SPARSE_ETF_PROJECT_BACKWARD,
  type SparseEtfAttrs,
  type SparseEtfProjectBackwardInputs,
  type SparseEtfProjectInputs,
} from './kernel-names.js';
import { nativeKernelConfig } from './native-kernel-config.js';

export const sparseEtfProjectConfig = nativeKernelConfig<SparseEtfProjectInputs, SparseEtfAttrs>(
  SPARSE_ETF_PROJECT,
  ({ inputs: { f }, attrs: { etf, device }, io, float32 }) => {
    const out = io.allocate([f.shape[0]!, etf.classes], 'float32');
    csrProjectForward(float32(f, 'f'), etf.csr, { bias: etf.bias, out: float32(out, 'out'), device });
    return out;
  },
);

export const sparseEtfProjectBackwardConfig = nativeKernelConfig<SparseEtfProjectBackwardInputs, SparseEtfAttrs>(
  SPARSE_ETF_PROJECT_BACKWARD,
  ({ inputs: { dy }, attrs: { etf, device }, io, float32 }) => {
    const out = io.allocate([dy.shape[0]!, etf.dim], 'float32');
    csrProjectBackward(float32(dy, 'dy'), etf.csr, { out: float32(out, 'out'), device });
    return out;
  },
);

/** d logits / d f: dy · S, by the backward kernel with the forward's attributes. */
export const sparseEtfProjectGradConfig: tf.GradConfig = {
  kernelName: SPARSE_ETF_PROJECT,
  inputsToSave: [],
  gradFunc: (dy, _saved, attrs) => ({
    f: () => tf.engine().runKernel(SPARSE_ETF_PROJECT_BACKWARD, { dy: dy as tf.Tensor }, attrs) as tf.Tensor,
  }),
};
