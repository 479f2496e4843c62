/**
 * SparseEtfProject / SparseEtfProjectBackward as tfjs kernels on the cpu and wasm backends, computed by the
 * @fedloge/cuda-kernels addon straight into the backend's tensor memory; and the gradient that ties them together
 * (only f gets a gradient: S and b are frozen attributes).
 */
import * as tf from '@tensorflow/tfjs';
import { etfProjectBackward, etfProjectForward } from '@fedloge/cuda-kernels';

import { float32View, kernelIo, type NativeKernelBackend } from './backend-io.js';
import {
  SPARSE_ETF_PROJECT,
  SPARSE_ETF_PROJECT_BACKWARD,
  type SparseEtfAttrs,
  type SparseEtfProjectBackwardInputs,
  type SparseEtfProjectInputs,
} from './kernel-names.js';

export function sparseEtfProjectConfig(backendName: NativeKernelBackend): tf.KernelConfig {
  return {
    kernelName: SPARSE_ETF_PROJECT,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { f } = inputs as SparseEtfProjectInputs;
      const { etf, device } = attrs as unknown as SparseEtfAttrs;
      const io = kernelIo(backend, backendName);
      const out = io.allocate([f.shape[0]!, etf.classes], 'float32');
      etfProjectForward(float32View(io, f, SPARSE_ETF_PROJECT, 'f'), etf.csr, {
        bias: etf.bias,
        out: float32View(io, out, SPARSE_ETF_PROJECT, 'out'),
        device,
      });
      return out;
    },
  };
}

export function sparseEtfProjectBackwardConfig(backendName: NativeKernelBackend): tf.KernelConfig {
  return {
    kernelName: SPARSE_ETF_PROJECT_BACKWARD,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy } = inputs as SparseEtfProjectBackwardInputs;
      const { etf, device } = attrs as unknown as SparseEtfAttrs;
      const io = kernelIo(backend, backendName);
      const out = io.allocate([dy.shape[0]!, etf.dim], 'float32');
      etfProjectBackward(float32View(io, dy, SPARSE_ETF_PROJECT_BACKWARD, 'dy'), etf.csr, {
        out: float32View(io, out, SPARSE_ETF_PROJECT_BACKWARD, 'out'),
        device,
      });
      return out;
    },
  };
}

/** d logits / d f: dy · S, by the backward kernel with the forward's attributes. */
export const sparseEtfProjectGradConfig: tf.GradConfig = {
  kernelName: SPARSE_ETF_PROJECT,
  inputsToSave: [],
  gradFunc: (dy, _saved, attrs) => ({
    f: () => tf.engine().runKernel(SPARSE_ETF_PROJECT_BACKWARD, { dy: dy as tf.Tensor }, attrs) as tf.Tensor,
  }),
};
