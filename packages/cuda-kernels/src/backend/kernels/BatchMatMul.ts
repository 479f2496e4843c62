/**
 * BatchMatMul (tf.matMul and its gradients) on oneDNN's matmul: transposes read through strides, batch dims flattened,
 * a batch of 1 broadcast. Other batch broadcasts (e.g. [2, 3] against [3]) run tfjs-cpu's kernel.
 */
import {
  BatchMatMul,
  broadcast_util,
  util,
  type BatchMatMulAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import type { NativeBackend } from '../native-backend.js';
import { float32Values, runCpuKernel } from './cpu-fallback.js';

export function batchMatMul(args: {
  inputs: { a?: TensorInfo; b?: TensorInfo };
  backend: NativeBackend;
  attrs: BatchMatMulAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs;
  const kernel = backend.addon.batchMatMul;
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  if (!kernel || aRank < 2 || bRank < 2 || a.dtype !== 'float32' || b.dtype !== 'float32')
    return runCpuKernel(BatchMatMul, args) as TensorInfo;
  const m = transposeA ? a.shape[aRank - 1]! : a.shape[aRank - 2]!;
  const k = transposeA ? a.shape[aRank - 2]! : a.shape[aRank - 1]!;
  const kB = transposeB ? b.shape[bRank - 1]! : b.shape[bRank - 2]!;
  const n = transposeB ? b.shape[bRank - 2]! : b.shape[bRank - 1]!;
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  const simpleBatches = batchA === batchB || batchA === 1 || batchB === 1;
  if (k !== kB || !simpleBatches || m * n * k === 0 || batchA * batchB === 0) return runCpuKernel(BatchMatMul, args) as TensorInfo;
  const outShape = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)).concat([m, n]);
  const as = float32Values(backend, a);
  const bs = float32Values(backend, b);
  return backend.makeOutputInfo(outShape, 'float32', (c) =>
    kernel(as, bs, batchA, batchB, m, k, n, transposeA, transposeB, c as Float32Array),
  );
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: 'native',
  kernelFunc: batchMatMul as unknown as KernelFunc,
};
