/**
 * The bias + activation epilogue of _FusedMatMul and FusedConv2D on the device (composed from the elementwise
 * kernels). PReLU is not covered: those calls take the CPU fallback.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';

import type { CudaBackend } from '../cuda-backend.js';
import { BINARY_OP, binary, UNARY_OP, unary } from './elementwise.js';

const ACTIVATIONS: Readonly<Record<string, number | null>> = {
  linear: null,
  relu: UNARY_OP.relu,
  relu6: UNARY_OP.relu6,
  elu: UNARY_OP.elu,
  sigmoid: UNARY_OP.sigmoid,
  leakyrelu: UNARY_OP.leakyRelu,
};

/** Whether the epilogue runs on the device for this activation (and PReLU weights). */
export function deviceActivation(activation: string | undefined, prelu: TensorInfo | undefined | null): boolean {
  return prelu == null && (activation ?? 'linear') in ACTIVATIONS;
}

/** y = act(y + bias); consumes `y` (disposes it when a new tensor replaces it). */
export function biasActivation(
  backend: CudaBackend,
  y: TensorInfo,
  bias: TensorInfo | undefined | null,
  activation: string | undefined,
  leakyreluAlpha: number | undefined,
): TensorInfo {
  let out = y;
  if (bias != null) {
    const withBias = binary(backend, BINARY_OP.add, out, bias);
    if (!withBias) throw new Error('cuda backend: bias shape beyond the broadcasting kernel');
    backend.disposeData(out.dataId);
    out = withBias;
  }
  const op = ACTIVATIONS[activation ?? 'linear'];
  if (op != null) {
    const activated = unary(backend, op, out, leakyreluAlpha ?? 0.2);
    backend.disposeData(out.dataId);
    out = activated;
  }
  return out;
}
