/**
 * 2-D convolution on the GPU (NHWC, HWIO): forward, both gradients, and FusedConv2D, as implicit GEMMs over the
 * index maps of src/cuda/geometry.h. tfjs's computeConv2DInfo resolves padding and output sizes, exactly as for the
 * cpu backend. NCHW takes the CPU fallback.
 */
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

import type { CudaBackend } from '../cuda-backend.js';
import { convGeometry } from '../geometry.js';
import { biasActivation, deviceActivation } from './activation.js';
import { filled } from './shape.js';
import { gpuKernel, gpuOf, handle, onCpu, sizeOf } from './util.js';

type Shape4 = [number, number, number, number];
type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

/** Launches conv kind 0/1/2 into a new tensor of `outShape` (zeros when an input is empty). */
function conv(
  backend: CudaBackend,
  kind: 0 | 1 | 2,
  info: backend_util.Conv2DInfo,
  in0: TensorInfo,
  in1: TensorInfo,
  outShape: number[],
): TensorInfo {
  if (sizeOf(outShape) === 0) return backend.makeOutput(outShape, 'float32');
  if (sizeOf(in0.shape) === 0 || sizeOf(in1.shape) === 0) return filled(backend, outShape, 'float32', 0);
  const out = backend.makeOutput(outShape, 'float32');
  backend.addon!.cudaConv2d(kind, convGeometry(info), handle(backend, in0), handle(backend, in1), handle(backend, out));
  return out;
}

const float32 = (...ts: (TensorInfo | undefined)[]) => ts.every((t) => t === undefined || t.dtype === 'float32');

/** y = conv(x, w), or null when the call needs the CPU. */
function forward(args: Parameters<KernelFunc>[0]): TensorInfo | null {
  const { x, filter } = args.inputs;
  const a = args.attrs ?? {};
  if (a['dataFormat'] === 'NCHW' || !float32(x, filter)) return null;
  const info = backend_util.computeConv2DInfo(
    x!.shape as Shape4,
    filter!.shape as Shape4,
    a['strides'] as number | [number, number],
    (a['dilations'] ?? 1) as number | [number, number],
    a['pad'] as Pad,
    a['dimRoundingMode'] as Rounding,
    false,
    'channelsLast',
  );
  return conv(gpuOf(args).backend, 0, info, x!, filter!, info.outShape);
}

const conv2d: KernelFunc = (args) => forward(args) ?? onCpu('Conv2D', args);

const fusedConv2d: KernelFunc = (args) => {
  const { bias, preluActivationWeights } = args.inputs;
  const a = args.attrs ?? {};
  if (!deviceActivation(a['activation'] as string, preluActivationWeights) || !float32(bias)) return onCpu('FusedConv2D', args);
  const y = forward(args);
  if (!y) return onCpu('FusedConv2D', args);
  return biasActivation(gpuOf(args).backend, y, bias, a['activation'] as string, a['leakyreluAlpha'] as number | undefined);
};

const backpropInput: KernelFunc = (args) => {
  const { dy, filter } = args.inputs;
  const a = args.attrs ?? {};
  if (a['dataFormat'] === 'NCHW' || !float32(dy, filter)) return onCpu('Conv2DBackpropInput', args);
  const inputShape = a['inputShape'] as Shape4;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter!.shape as Shape4,
    a['strides'] as number | [number, number],
    1,
    a['pad'] as Pad,
    a['dimRoundingMode'] as Rounding,
    false,
    'channelsLast',
  );
  return conv(gpuOf(args).backend, 1, info, dy!, filter!, [...inputShape]);
};

const backpropFilter: KernelFunc = (args) => {
  const { x, dy } = args.inputs;
  const a = args.attrs ?? {};
  if (a['dataFormat'] === 'NCHW' || !float32(x, dy)) return onCpu('Conv2DBackpropFilter', args);
  const filterShape = a['filterShape'] as Shape4;
  const info = backend_util.computeConv2DInfo(
    x!.shape as Shape4,
    filterShape,
    a['strides'] as number | [number, number],
    1,
    a['pad'] as Pad,
    a['dimRoundingMode'] as Rounding,
    false,
    'channelsLast',
  );
  return conv(gpuOf(args).backend, 2, info, x!, dy!, [...filterShape]);
};

export const CONV_KERNELS: readonly KernelConfig[] = [
  gpuKernel('Conv2D', conv2d),
  gpuKernel('FusedConv2D', fusedConv2d),
  gpuKernel('Conv2DBackpropInput', backpropInput),
  gpuKernel('Conv2DBackpropFilter', backpropFilter),
];
