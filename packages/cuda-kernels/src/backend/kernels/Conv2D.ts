/** Conv2D on oneDNN: x NHWC, filter HWIO, any strides, pads and dilations computeConv2DInfo resolves. */
import {
  backend_util,
  Conv2D,
  type Conv2DAttrs,
  type Conv2DInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import type { NativeBackend } from '../native-backend.js';
import { conv2dGeometry } from './conv2d-geometry.js';
import { float32Values, runCpuKernel } from './cpu-fallback.js';

export function conv2D(args: { inputs: Conv2DInputs; backend: NativeBackend; attrs: Conv2DAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  const geometry = conv2dGeometry(info);
  const kernel = backend.addon.conv2dForward;
  if (!geometry || !kernel || x.dtype !== 'float32' || filter.dtype !== 'float32') return runCpuKernel(Conv2D, args) as TensorInfo;
  const xs = float32Values(backend, x);
  const ws = float32Values(backend, filter);
  return backend.makeOutputInfo(info.outShape, 'float32', (y) => kernel(xs, ws, geometry, y as Float32Array));
}

export const conv2DConfig: KernelConfig = { kernelName: Conv2D, backendName: 'native', kernelFunc: conv2D as unknown as KernelFunc };
