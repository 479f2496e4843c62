/** MaxPool (NHWC) in native loops with tfjs-cpu's semantics (src/native/max_pool.h). */
import { backend_util, MaxPool, type KernelConfig, type KernelFunc, type MaxPoolAttrs, type TensorInfo } from '@tensorflow/tfjs-core';

import type { NativeBackend } from '../native-backend.js';
import { float32Values, runCpuKernel } from './cpu-fallback.js';
import { pool2dGeometry } from './pool2d-geometry.js';

export function maxPool(args: { inputs: { x?: TensorInfo }; backend: NativeBackend; attrs: MaxPoolAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs as { x: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  const kernel = backend.addon.maxPool2d;
  if (!kernel || x.shape.length !== 4 || x.dtype !== 'float32') return runCpuKernel(MaxPool, args) as TensorInfo;
  const info = backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const geometry = pool2dGeometry(info);
  if (!geometry) return runCpuKernel(MaxPool, args) as TensorInfo;
  const xs = float32Values(backend, x);
  return backend.makeOutputInfo(info.outShape, 'float32', (y) => kernel(xs, geometry, y as Float32Array));
}

export const maxPoolConfig: KernelConfig = { kernelName: MaxPool, backendName: 'native', kernelFunc: maxPool as unknown as KernelFunc };
