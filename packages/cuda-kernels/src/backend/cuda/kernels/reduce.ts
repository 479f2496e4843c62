/**
 * Reductions on the GPU (Sum, Mean, Max, Min, Prod over any axes, float32): like tfjs-cpu, the reduced axes are
 * transposed innermost first, then each row of the [outer × inner] view is reduced by one warp or block.
 */
import { backend_util, util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';

import type { CudaBackend } from '../cuda-backend.js';
import { transposeView } from '../strides.js';
import { stridedCopy } from './shape.js';
import { gpuKernel, gpuOf, handle, onCpu, sizeOf } from './util.js';

/** ReduceOp codes, in the C++ enum's order. */
export const REDUCE_OP = { sum: 0, mean: 1, max: 2, min: 3, prod: 4 } as const;

/** Reduces float32 `x` over `axes` on the device; null when the input layout is beyond the kernels (rank > 6). */
export function reduce(backend: CudaBackend, op: number, x: TensorInfo, axes: number[], keepDims: boolean): TensorInfo | null {
  const rank = x.shape.length;
  let input = x;
  let inputAxes = axes;
  let temp: TensorInfo | null = null;
  const perm = backend_util.getAxesPermutation(axes, rank);
  if (perm !== null) {
    temp = backend.makeOutput(
      perm.map((p) => x.shape[p]!),
      'float32',
    );
    if (!stridedCopy(backend, x, temp, transposeView(x.shape, perm))) {
      backend.disposeData(temp.dataId);
      return null;
    }
    input = temp;
    inputAxes = backend_util.getInnerMostAxes(axes.length, rank);
  }
  const [outShape, reduceShape] = backend_util.computeOutAndReduceShapes(input.shape, inputAxes);
  const outer = sizeOf(outShape);
  const inner = sizeOf(reduceShape);
  const out = backend.makeOutput(keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape, 'float32');
  if (outer > 0) backend.addon!.cudaReduce(op, handle(backend, input), handle(backend, out), outer, inner);
  if (temp) backend.disposeData(temp.dataId);
  return out;
}

const reduction = (name: string, op: number, axisAttr: string) =>
  gpuKernel(name, (args) => {
    const x = args.inputs['x']!;
    const attrs = args.attrs ?? {};
    // An empty reduction (inner size 0) has identities tfjs-cpu defines; leave those to it.
    if (x.dtype !== 'float32' || sizeOf(x.shape) === 0) return onCpu(name, args);
    const axes = util.parseAxisParam(attrs[axisAttr] as number | number[], x.shape);
    return reduce(gpuOf(args).backend, op, x, axes, Boolean(attrs['keepDims'])) ?? onCpu(name, args);
  });

export const REDUCE_KERNELS: readonly KernelConfig[] = [
  reduction('Sum', REDUCE_OP.sum, 'axis'),
  reduction('Mean', REDUCE_OP.mean, 'axis'),
  reduction('Max', REDUCE_OP.max, 'reductionIndices'),
  reduction('Min', REDUCE_OP.min, 'axis'),
  reduction('Prod', REDUCE_OP.prod, 'axis'),
];
