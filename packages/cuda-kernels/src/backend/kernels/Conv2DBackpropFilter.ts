/** Conv2DBackpropFilter (the gradient of Conv2D with respect to the filter) on oneDNN. */
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import type { NativeBackend } from '../native-backend.js';
import { conv2dGeometry } from './conv2d-geometry.js';
import { float32Values, runCpuKernel } from './cpu-fallback.js';

export function conv2DBackpropFilter(args: {
  inputs: Conv2DBackpropFilterInputs;
  backend: NativeBackend;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { filterShape, strides, pad, dataFormat, dimRoundingMode } = attrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  const geometry = conv2dGeometry(info);
  const kernel = backend.addon.conv2dBackwardFilter;
  const shapeMatches = dy.shape.length === 4 && info.outShape.every((d, i) => d === dy.shape[i]);
  if (!geometry || !kernel || !shapeMatches || x.dtype !== 'float32' || dy.dtype !== 'float32') {
    return runCpuKernel(Conv2DBackpropFilter, args) as TensorInfo;
  }
  const xs = float32Values(backend, x);
  const dys = float32Values(backend, dy);
  return backend.makeOutputInfo(info.filterShape, 'float32', (dw) => kernel(xs, dys, geometry, dw as Float32Array));
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'native',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
