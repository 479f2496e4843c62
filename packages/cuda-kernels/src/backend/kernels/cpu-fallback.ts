/**
 * What native kernels share: the stock tfjs-cpu kernel for cases they do not cover (the native backend is a
 * MathBackendCPU, so it runs over the same memory), and float32 views of input values.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

import type { NativeBackend } from '../native-backend.js';

/** Runs tfjs-cpu's kernel `kernelName` with the same arguments: nothing the native kernels skip is unsupported. */
export function runCpuKernel(kernelName: string, args: { inputs: object; backend: object; attrs?: object }): TensorInfo | TensorInfo[] {
  const config = tf.getKernel(kernelName, 'cpu');
  if (!config)
    throw new Error(`native backend: no tfjs-cpu kernel '${kernelName}' to fall back on (is @tensorflow/tfjs-backend-cpu loaded?)`);
  return config.kernelFunc(args as Parameters<KernelFunc>[0]);
}

/** The values of a float32 tensor as a Float32Array (in place; a copy only when a stock kernel left a plain array). */
export function float32Values(backend: NativeBackend, t: TensorInfo): Float32Array {
  const values = backend.valuesOf(t);
  return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
}
