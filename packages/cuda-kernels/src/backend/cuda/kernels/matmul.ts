/**
 * BatchMatMul and _FusedMatMul on the GPU: the tiled SGEMM (TF32 tensor cores on sm_80+) over strided views, so
 * transposes cost nothing and a batch of 1 broadcasts with stride 0. Partial batch broadcasting takes the fallback.
 */
import { broadcast_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

import type { CudaBackend } from '../cuda-backend.js';
import { biasActivation, deviceActivation } from './activation.js';
import { filled } from './shape.js';
import { gpuKernel, gpuOf, handle, onCpu, sizeOf } from './util.js';

/** C = op(A)·op(B) batched on the device, or null when the call needs the CPU (dtype, partial broadcast). */
export function batchMatMul(
  backend: CudaBackend,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const ra = a.shape.length,
    rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (k !== kb) return null; // tfjs-cpu reports the mismatch
  const batchShape = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = sizeOf(batchShape);
  const batchA = sizeOf(a.shape.slice(0, -2)),
    batchB = sizeOf(b.shape.slice(0, -2));
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return null;
  const outShape = [...batchShape, m, n];
  if (sizeOf(outShape) > 0 && k === 0) return filled(backend, outShape, 'float32', 0);
  const out = backend.makeOutput(outShape, 'float32');
  if (sizeOf(outShape) > 0) {
    backend.addon!.cudaBatchMatMul(
      handle(backend, a),
      handle(backend, b),
      handle(backend, out),
      batch,
      m,
      n,
      k,
      transposeA,
      transposeB,
      batchA === 1 ? 0 : m * k,
      batchB === 1 ? 0 : k * n,
    );
  }
  return out;
}

const batchMatMulKernel: KernelFunc = (args) => {
  const { a, b } = args.inputs;
  const attrs = args.attrs ?? {};
  return batchMatMul(gpuOf(args).backend, a!, b!, Boolean(attrs['transposeA']), Boolean(attrs['transposeB'])) ?? onCpu('BatchMatMul', args);
};

const fusedMatMulKernel: KernelFunc = (args) => {
  const { a, b, bias, preluActivationWeights } = args.inputs;
  const attrs = args.attrs ?? {};
  const activation = attrs['activation'] as string | undefined;
  if (!deviceActivation(activation, preluActivationWeights) || (bias && bias.dtype !== 'float32')) return onCpu('_FusedMatMul', args);
  const { backend } = gpuOf(args);
  const y = batchMatMul(backend, a!, b!, Boolean(attrs['transposeA']), Boolean(attrs['transposeB']));
  if (!y) return onCpu('_FusedMatMul', args);
  return biasActivation(backend, y, bias, activation, attrs['leakyreluAlpha'] as number | undefined);
};

export const MATMUL_KERNELS: readonly KernelConfig[] = [
  gpuKernel('BatchMatMul', batchMatMulKernel),
  gpuKernel('_FusedMatMul', fusedMatMulKernel),
];
