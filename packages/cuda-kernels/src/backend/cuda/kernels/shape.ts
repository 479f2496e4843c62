/**
 * Data-movement GPU kernels: Reshape and Identity share the buffer (no copy); Transpose, Slice, Concat and PadV2 are
 * strided copies (../strides.ts), and so are Tile and BroadcastTo; Fill, ZerosLike and OnesLike fill; AddN sums pairwise.
 */
import { backend_util, slice_util, util, type DataType, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';

import type { CudaBackend } from '../cuda-backend.js';
import { bytesPerElement } from '../cuda-backend.js';
import { broadcastView, MAX_RANK, placeView, sliceView, tileView, transposeView, type StridedCopyView } from '../strides.js';
import { BINARY_OP, binary } from './elementwise.js';
import { gpuKernel, gpuOf, handle, onCpu, sizeOf } from './util.js';

const DEVICE_DTYPES: readonly DataType[] = ['float32', 'int32', 'bool'];

/** Runs a strided copy from x into y, or returns false when the view needs more than MAX_RANK dimensions. */
export function stridedCopy(backend: CudaBackend, x: TensorInfo, y: TensorInfo, view: StridedCopyView): boolean {
  if (view.shape.length > MAX_RANK) return false;
  if (sizeOf(view.shape) === 0 || sizeOf(x.shape) === 0) return true;
  backend.addon!.cudaStridedCopy(
    handle(backend, x),
    handle(backend, y),
    bytesPerElement(x.dtype),
    view.shape,
    view.xStrides,
    view.yStrides,
    view.xOffset,
    view.yOffset,
  );
  return true;
}

/** The 32-bit pattern of `value` as a float32 or int32 element. */
function bitsOf(value: number, dtype: DataType): number {
  const word = new Uint32Array(1);
  if (dtype === 'int32') new Int32Array(word.buffer)[0] = value;
  else new Float32Array(word.buffer)[0] = value;
  return word[0]!;
}

/** A new tensor of `shape` with every element `value` (float32 or int32). */
export function filled(backend: CudaBackend, shape: readonly number[], dtype: DataType, value: number): TensorInfo {
  const out = backend.makeOutput(shape, dtype);
  const n = sizeOf(shape);
  if (n > 0) backend.addon!.cudaFill(handle(backend, out), n, bitsOf(value, dtype));
  return out;
}

/** The same buffer under another shape (refcounted; what tfjs-cpu's Reshape does). */
function alias(backend: CudaBackend, x: TensorInfo, shape: number[]): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

const reshape = gpuKernel('Reshape', (args) => {
  const x = args.inputs['x']!;
  const shape = util.inferFromImplicitShape((args.attrs ?? {})['shape'] as number[], sizeOf(x.shape));
  if (sizeOf(shape) !== sizeOf(x.shape)) return onCpu('Reshape', args); // tfjs-cpu raises its error
  return alias(gpuOf(args).backend, x, shape);
});

const identity = gpuKernel('Identity', (args) => alias(gpuOf(args).backend, args.inputs['x']!, [...args.inputs['x']!.shape]));

const fill = gpuKernel('Fill', (args) => {
  const { shape, value, dtype } = (args.attrs ?? {}) as { shape: number[]; value: number | string; dtype: DataType };
  const type = dtype ?? (typeof value === 'string' ? 'string' : 'float32');
  if ((type !== 'float32' && type !== 'int32') || typeof value !== 'number') return onCpu('Fill', args);
  return filled(gpuOf(args).backend, shape, type, value);
});

const constantLike = (name: string, value: number) =>
  gpuKernel(name, (args) => {
    const x = args.inputs['x']!;
    if (x.dtype !== 'float32' && x.dtype !== 'int32') return onCpu(name, args);
    return filled(gpuOf(args).backend, x.shape, x.dtype, value);
  });

const transpose = gpuKernel('Transpose', (args) => {
  const x = args.inputs['x']!;
  const perm = (args.attrs ?? {})['perm'] as number[];
  if (!DEVICE_DTYPES.includes(x.dtype)) return onCpu('Transpose', args);
  const { backend } = gpuOf(args);
  const out = backend.makeOutput(
    perm.map((p) => x.shape[p]!),
    x.dtype,
  );
  if (stridedCopy(backend, x, out, transposeView(x.shape, perm))) return out;
  backend.disposeData(out.dataId);
  return onCpu('Transpose', args);
});

const slice = gpuKernel('Slice', (args) => {
  const x = args.inputs['x']!;
  if (!DEVICE_DTYPES.includes(x.dtype)) return onCpu('Slice', args);
  const attrs = args.attrs ?? {};
  const [begin, size] = slice_util.parseSliceParams(x, attrs['begin'] as number[], attrs['size'] as number[]);
  slice_util.assertParamsValid(x, begin!, size!);
  const { backend } = gpuOf(args);
  const out = backend.makeOutput(size!, x.dtype);
  if (stridedCopy(backend, x, out, sliceView(x.shape, begin!, size!))) return out;
  backend.disposeData(out.dataId);
  return onCpu('Slice', args);
});

const concat = gpuKernel('Concat', (args) => {
  const inputs = args.inputs as unknown as TensorInfo[];
  const dtype = inputs[0]!.dtype;
  if (!DEVICE_DTYPES.includes(dtype) || inputs.some((t) => t.dtype !== dtype)) return onCpu('Concat', args);
  const axis = util.parseAxisParam((args.attrs ?? {})['axis'] as number, inputs[0]!.shape)[0]!;
  const shapes = inputs.map((t) => t.shape);
  backend_util.assertParamsConsistent(shapes, axis);
  const outShape = backend_util.computeOutShape(shapes, axis);
  const { backend } = gpuOf(args);
  const out = backend.makeOutput(outShape, dtype);
  let offset = 0;
  for (const t of inputs) {
    const begin = outShape.map((_, d) => (d === axis ? offset : 0));
    if (!stridedCopy(backend, t, out, placeView(t.shape, outShape, begin))) {
      backend.disposeData(out.dataId);
      return onCpu('Concat', args);
    }
    offset += t.shape[axis]!;
  }
  return out;
});

const pad = gpuKernel('PadV2', (args) => {
  const x = args.inputs['x']!;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') return onCpu('PadV2', args);
  const { paddings, constantValue } = (args.attrs ?? {}) as { paddings: [number, number][]; constantValue: number };
  const outShape = x.shape.map((s, d) => paddings[d]![0] + s + paddings[d]![1]);
  const { backend } = gpuOf(args);
  const out = filled(backend, outShape, x.dtype, constantValue);
  if (
    stridedCopy(
      backend,
      x,
      out,
      placeView(
        x.shape,
        outShape,
        paddings.map((p) => p[0]),
      ),
    )
  )
    return out;
  backend.disposeData(out.dataId);
  return onCpu('PadV2', args);
});

/** A strided copy of x into a new tensor of `shape`, or the CPU fallback when the view is beyond the kernel. */
const copyKernel = (name: string, view: (x: TensorInfo, attrs: Record<string, unknown>) => { shape: number[]; view: StridedCopyView }) =>
  gpuKernel(name, (args) => {
    const x = args.inputs['x']!;
    if (!DEVICE_DTYPES.includes(x.dtype)) return onCpu(name, args);
    const { shape, view: v } = view(x, args.attrs ?? {});
    const { backend } = gpuOf(args);
    const out = backend.makeOutput(shape, x.dtype);
    if (stridedCopy(backend, x, out, v)) return out;
    backend.disposeData(out.dataId);
    return onCpu(name, args);
  });

const tile = copyKernel('Tile', (x, attrs) => {
  const reps = attrs['reps'] as number[];
  return { shape: x.shape.map((s, d) => s * reps[d]!), view: tileView(x.shape, reps) };
});

const broadcastTo = copyKernel('BroadcastTo', (x, attrs) => {
  const shape = attrs['shape'] as number[];
  return { shape: [...shape], view: broadcastView(x.shape, shape) };
});

const addN = gpuKernel('AddN', (args) => {
  const inputs = args.inputs as unknown as TensorInfo[];
  if (inputs.some((t) => t.dtype !== 'float32')) return onCpu('AddN', args);
  const { backend } = gpuOf(args);
  if (inputs.length === 1) return alias(backend, inputs[0]!, [...inputs[0]!.shape]);
  let sum = binary(backend, BINARY_OP.add, inputs[0]!, inputs[1]!)!;
  for (const t of inputs.slice(2)) {
    const next = binary(backend, BINARY_OP.add, sum, t)!;
    backend.disposeData(sum.dataId);
    sum = next;
  }
  return sum;
});

export const SHAPE_KERNELS: readonly KernelConfig[] = [
  reshape,
  identity,
  fill,
  constantLike('ZerosLike', 0),
  constantLike('OnesLike', 1),
  transpose,
  slice,
  concat,
  pad,
  tile,
  broadcastTo,
  addN,
];
