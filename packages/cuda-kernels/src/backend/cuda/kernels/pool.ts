/** MaxPool and MaxPoolGrad on the GPU (NHWC, float32); pooling geometry from tfjs's computePool2DInfo. */
import { backend_util, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core';

import { poolGeometry } from '../geometry.js';
import { gpuKernel, gpuOf, handle, onCpu, sizeOf } from './util.js';

type Shape4 = [number, number, number, number];
type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

function poolInfo(shape: number[], attrs: Record<string, unknown>): backend_util.Conv2DInfo {
  return backend_util.computePool2DInfo(
    shape as Shape4,
    attrs['filterSize'] as number | [number, number],
    attrs['strides'] as number | [number, number],
    1,
    attrs['pad'] as Pad,
    attrs['dimRoundingMode'] as Rounding,
  );
}

const maxPool: KernelFunc = (args) => {
  const x = args.inputs['x']!;
  if (x.dtype !== 'float32' || sizeOf(x.shape) === 0) return onCpu('MaxPool', args);
  const info = poolInfo(x.shape, args.attrs ?? {});
  const { backend, addon } = gpuOf(args);
  const out = backend.makeOutput(info.outShape, 'float32');
  if (sizeOf(info.outShape) > 0) addon.cudaMaxPool(poolGeometry(info), handle(backend, x), handle(backend, out));
  return out;
};

const maxPoolGrad: KernelFunc = (args) => {
  const { dy, input } = args.inputs;
  if (dy!.dtype !== 'float32' || input!.dtype !== 'float32' || sizeOf(input!.shape) === 0 || sizeOf(dy!.shape) === 0) {
    return onCpu('MaxPoolGrad', args);
  }
  const info = poolInfo(input!.shape, args.attrs ?? {});
  const { backend, addon } = gpuOf(args);
  const dx = backend.makeOutput(input!.shape, 'float32');
  addon.cudaMaxPoolGrad(poolGeometry(info), handle(backend, input!), handle(backend, dy!), handle(backend, dx));
  return dx;
};

export const POOL_KERNELS: readonly KernelConfig[] = [gpuKernel('MaxPool', maxPool), gpuKernel('MaxPoolGrad', maxPoolGrad)];
