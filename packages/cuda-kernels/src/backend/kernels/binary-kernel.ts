/**
 * Factories of the native float32 binary kernels with NumPy broadcasting: arithmetic (float32 out) and comparisons
 * (bool out). tfjs ops already upcast both operands to one dtype; int32 / bool operands run the stock cpu kernel.
 */
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

import type { BinaryOpName, CompareOpName } from '../../load.js';
import type { NativeBackend } from '../native-backend.js';
import { float32Values, stockKernel } from './native-kernel.js';

function operands(args: Parameters<KernelFunc>[0]) {
  const backend = args.backend as NativeBackend;
  const a = args.inputs['a'] as TensorInfo;
  const b = args.inputs['b'] as TensorInfo;
  return { backend, a, b, aValues: float32Values(backend, a), bValues: float32Values(backend, b) };
}

export function binaryKernel(kernelName: string, op: BinaryOpName): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { backend, a, b, aValues, bValues } = operands(args);
    const run = backend.addon.binaryF32;
    if (!aValues || !bValues || !run) return stockKernel(kernelName)(args);
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    return backend.makeOutputInfo(outShape, 'float32', (out) => run(op, aValues, a.shape, bValues, b.shape, out as Float32Array, outShape));
  };
  return { kernelName, backendName: 'native', kernelFunc };
}

export function compareKernel(kernelName: string, op: CompareOpName): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { backend, a, b, aValues, bValues } = operands(args);
    const run = backend.addon.compareF32;
    if (!aValues || !bValues || !run) return stockKernel(kernelName)(args);
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    return backend.makeOutputInfo(outShape, 'bool', (out) => run(op, aValues, a.shape, bValues, b.shape, out as Uint8Array, outShape));
  };
  return { kernelName, backendName: 'native', kernelFunc };
}
