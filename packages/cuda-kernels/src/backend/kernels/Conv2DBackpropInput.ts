/** Conv2DBackpropInput (the gradient of Conv2D with respect to x) on oneDNN. */
import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type Conv2DBackpropInputInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import type { NativeBackend } from '../native-backend.js';
import { conv2dGeometry } from './conv2d-geometry.js';
import { float32Values, runCpuKernel } from './cpu-fallback.js';

export function conv2DBackpropInput(args: {
  inputs: Conv2DBackpropInputInputs;
  backend: NativeBackend;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { inputShape, strides, pad, dataFormat, dimRoundingMode } = attrs;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  const geometry = conv2dGeometry(info);
  const kernel = backend.addon.conv2dBackwardInput;
  const shapeMatches = dy.shape.length === 4 && info.outShape.every((d, i) => d === dy.shape[i]);
  if (!geometry || !kernel || !shapeMatches || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    return runCpuKernel(Conv2DBackpropInput, args) as TensorInfo;
  }
  const dys = float32Values(backend, dy);
  const ws = float32Values(backend, filter);
  return backend.makeOutputInfo(info.inShape, 'float32', (dx) => kernel(dys, ws, geometry, dx as Float32Array));
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'native',
  kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
};
