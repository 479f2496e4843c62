/**
 * FusedBatchNorm (tf.batchNorm: normalise with given statistics) on the GPU, composed from device kernels:
 * (x − mean)·rsqrt(variance + ε)·scale + offset, the statistics broadcasting over x's trailing axes.
 */
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

import { BINARY_OP, binary, UNARY_OP, unary } from './elementwise.js';
import { filled } from './shape.js';
import { gpuKernel, gpuOf, onCpu } from './util.js';

const fusedBatchNorm: KernelFunc = (args) => {
  const { x, mean, variance, offset, scale } = args.inputs;
  const inputs = [x, mean, variance, offset, scale].filter((t): t is TensorInfo => t != null);
  const broadcastable = inputs.every((t) => {
    try {
      backend_util.assertAndGetBroadcastShape(x!.shape, t.shape);
      return t.shape.length <= x!.shape.length;
    } catch {
      return false;
    }
  });
  if (inputs.some((t) => t.dtype !== 'float32') || !broadcastable) return onCpu('FusedBatchNorm', args);
  const epsilon = Number((args.attrs ?? {})['varianceEpsilon'] ?? 0.001);
  const { backend } = gpuOf(args);
  const temps: TensorInfo[] = [];
  const keep = (t: TensorInfo | null): TensorInfo => {
    if (!t) throw new Error('cuda backend: FusedBatchNorm shapes beyond the broadcasting kernel');
    temps.push(t);
    return t;
  };
  const eps = keep(filled(backend, [], 'float32', epsilon));
  const inv = keep(unary(backend, UNARY_OP.rsqrt, keep(binary(backend, BINARY_OP.add, variance!, eps))));
  let y = keep(binary(backend, BINARY_OP.mul, keep(binary(backend, BINARY_OP.sub, x!, mean!)), inv));
  if (scale) y = keep(binary(backend, BINARY_OP.mul, y, scale));
  if (offset) y = keep(binary(backend, BINARY_OP.add, y, offset));
  for (const t of temps) if (t !== y) backend.disposeData(t.dataId);
  return y;
};

export const BATCHNORM_KERNELS: readonly KernelConfig[] = [gpuKernel('FusedBatchNorm', fusedBatchNorm)];
