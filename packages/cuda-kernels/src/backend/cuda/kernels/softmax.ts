/**
 * Softmax over the last axis on the GPU, composed from device kernels: exp(x − max) / Σ exp(x − max) (the max shift
 * keeps exp finite, as tfjs-cpu does).
 */
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';

import { BINARY_OP, binary, UNARY_OP, unary } from './elementwise.js';
import { REDUCE_OP, reduce } from './reduce.js';
import { gpuKernel, gpuOf, onCpu, sizeOf } from './util.js';

const softmax: KernelFunc = (args) => {
  const logits = args.inputs['logits']!;
  const rank = logits.shape.length;
  const dim = (args.attrs ?? {})['dim'] as number;
  if (logits.dtype !== 'float32' || rank === 0 || sizeOf(logits.shape) === 0 || (dim !== -1 && dim !== rank - 1)) {
    return onCpu('Softmax', args);
  }
  const { backend } = gpuOf(args);
  const last = [rank - 1];
  const max = reduce(backend, REDUCE_OP.max, logits, last, true)!;
  const shifted = binary(backend, BINARY_OP.sub, logits, max)!;
  const exp = unary(backend, UNARY_OP.exp, shifted);
  const sum = reduce(backend, REDUCE_OP.sum, exp, last, true)!;
  const out = binary(backend, BINARY_OP.div, exp, sum)!;
  for (const t of [max, shifted, exp, sum]) backend.disposeData(t.dataId);
  return out;
};

export const SOFTMAX_KERNELS: readonly KernelConfig[] = [gpuKernel('Softmax', softmax)];
