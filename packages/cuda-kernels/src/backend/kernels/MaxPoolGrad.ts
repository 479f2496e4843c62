/**
 * MaxPoolGrad (NHWC) in native loops with tfjs-cpu's semantics: the maxima are found again in the input x (the
 * pooled output is not needed), the first of tied maxima gets the gradient.
 */
import {
  backend_util,
  MaxPoolGrad,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import type { NativeBackend } from '../native-backend.js';
import { float32Values, runCpuKernel } from './cpu-fallback.js';
import { pool2dGeometry } from './pool2d-geometry.js';

export function maxPoolGrad(args: {
  inputs: { dy?: TensorInfo; input?: TensorInfo };
  backend: NativeBackend;
  attrs: MaxPoolGradAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, input: x } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  const kernel = backend.addon.maxPool2dBackward;
  if (!kernel || x.shape.length !== 4 || x.dtype !== 'float32' || dy.dtype !== 'float32')
    return runCpuKernel(MaxPoolGrad, args) as TensorInfo;
  const info = backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const geometry = pool2dGeometry(info);
  const shapeMatches = dy.shape.length === 4 && info.outShape.every((d, i) => d === dy.shape[i]);
  if (!geometry || !shapeMatches) return runCpuKernel(MaxPoolGrad, args) as TensorInfo;
  const xs = float32Values(backend, x);
  const dys = float32Values(backend, dy);
  return backend.makeOutputInfo(x.shape, 'float32', (dx) => kernel(xs, dys, geometry, dx as Float32Array));
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'native',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
