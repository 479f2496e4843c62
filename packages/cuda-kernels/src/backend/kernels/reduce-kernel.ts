/**
 * Factory of the native float32 reductions (Sum, Mean, Max, Min) over any axes, in place (no transpose). The output
 * shape, keepDims and negative axes are handled here as tfjs does; int32 / bool inputs, empty tensors and repeated
 * axes run the stock cpu kernel.
 */
import { backend_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

import type { ReduceOpName } from '../../load.js';
import type { NativeBackend } from '../native-backend.js';
import { float32Values, stockKernel } from './native-kernel.js';

/** `axisAttr`: the attribute holding the axes (Max calls it reductionIndices). */
export function reduceKernel(kernelName: string, op: ReduceOpName, axisAttr: 'axis' | 'reductionIndices' = 'axis'): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as NativeBackend;
    const x = args.inputs['x'] as TensorInfo;
    const values = float32Values(backend, x);
    const run = backend.addon.reduceF32;
    if (!values || !run || values.length === 0) return stockKernel(kernelName)(args);
    const attrs = args.attrs as Record<string, unknown>;
    const axes = util.parseAxisParam(attrs[axisAttr] as number | number[], x.shape);
    if (new Set(axes).size !== axes.length) return stockKernel(kernelName)(args);
    const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
    const shape = attrs['keepDims'] ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
    return backend.makeOutputInfo(shape, 'float32', (out) => run(op, values, x.shape, axes, out as Float32Array));
  };
  return { kernelName, backendName: 'native', kernelFunc };
}

/** ArgMax / ArgMin over one axis (attr `axis`, negative allowed): int32 indices of the first extreme. */
export function argReduceKernel(kernelName: string, op: 'max' | 'min'): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as NativeBackend;
    const x = args.inputs['x'] as TensorInfo;
    const values = float32Values(backend, x);
    const run = backend.addon.argReduceF32;
    if (!values || !run || values.length === 0) return stockKernel(kernelName)(args);
    const [axis] = util.parseAxisParam((args.attrs as { axis: number | number[] }).axis, x.shape) as [number];
    const outer = util.sizeFromShape(x.shape.slice(0, axis));
    const inner = util.sizeFromShape(x.shape.slice(axis + 1));
    const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, [axis]);
    return backend.makeOutputInfo(outShape, 'int32', (out) => run(op, values, outer, x.shape[axis]!, inner, out as Int32Array));
  };
  return { kernelName, backendName: 'native', kernelFunc };
}
