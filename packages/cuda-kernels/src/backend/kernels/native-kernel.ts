/**
 * Plumbing shared by the native elementwise / reduction kernels: the stock tfjs-cpu kernel to delegate to, and
 * typed views of tensor values that only pass when they are what the native code expects.
 */
import { getKernel, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

import type { NativeBackend } from '../native-backend.js';

/** tfjs-cpu's implementation of `kernelName`, for every dtype or case a native kernel does not handle. */
export function stockKernel(kernelName: string): KernelFunc {
  const config = getKernel(kernelName, 'cpu');
  if (!config) throw new Error(`native backend: no tfjs-cpu kernel ${kernelName} to fall back on (import @tensorflow/tfjs-backend-cpu)`);
  return config.kernelFunc;
}

/** The float32 values of `t`, or null when `t` is not float32 or its values are not a Float32Array. */
export function float32Values(backend: NativeBackend, t: TensorInfo): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const v = backend.valuesOf(t);
  return v instanceof Float32Array ? v : null;
}

/** Values of `t` as the typed array its dtype maps to natively (float32, int32, bool), else null. */
export function nativeValues(backend: NativeBackend, t: TensorInfo): Float32Array | Int32Array | Uint8Array | null {
  const v = backend.valuesOf(t);
  if (t.dtype === 'float32') return v instanceof Float32Array ? v : null;
  if (t.dtype === 'int32') return v instanceof Int32Array ? v : null;
  if (t.dtype === 'bool') return v instanceof Uint8Array ? v : null;
  return null;
}
