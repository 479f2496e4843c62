/**
 * Elementwise GPU kernels: unary float32 ops (UnaryOp in src/cuda/device.h), broadcasting binary float32 ops and
 * comparisons (BinaryOp), and Cast. Other dtypes take the CPU fallback.
 */
import { backend_util, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';

import { CAST_TYPE } from '../device.js';
import { broadcastStrides, MAX_RANK, mergeDimensions } from '../strides.js';
import { gpuKernel, gpuOf, handle, onCpu, sizeOf } from './util.js';
import type { CudaBackend } from '../cuda-backend.js';

/** UnaryOp codes, in the C++ enum's order. */
export const UNARY_OP = {
  neg: 0,
  abs: 1,
  exp: 2,
  log: 3,
  sqrt: 4,
  rsqrt: 5,
  square: 6,
  relu: 7,
  relu6: 8,
  sigmoid: 9,
  tanh: 10,
  reciprocal: 11,
  sign: 12,
  floor: 13,
  ceil: 14,
  step: 15,
  leakyRelu: 16,
  clip: 17,
  elu: 18,
  softplus: 19,
  log1p: 20,
  expm1: 21,
  sin: 22,
  cos: 23,
  identity: 24,
  scale: 25,
} as const;

/** BinaryOp codes, in the C++ enum's order (comparisons from `greater` on write bool). */
export const BINARY_OP = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  max: 4,
  min: 5,
  pow: 6,
  squaredDifference: 7,
  reluGrad: 8,
  eluGrad: 9,
  greater: 10,
  greaterEqual: 11,
  less: 12,
  lessEqual: 13,
  equal: 14,
  notEqual: 15,
} as const;

/** y = op(x) on the device for a float32 x. */
export function unary(backend: CudaBackend, op: number, x: TensorInfo, alpha = 0, beta = 0): TensorInfo {
  const out = backend.makeOutput(x.shape, 'float32');
  const n = sizeOf(x.shape);
  if (n > 0) backend.addon!.cudaUnary(op, handle(backend, x), handle(backend, out), n, alpha, beta);
  return out;
}

/** out = op(a, b) with broadcasting on the device, or null when the shapes need more than MAX_RANK dimensions. */
export function binary(backend: CudaBackend, op: number, a: TensorInfo, b: TensorInfo): TensorInfo | null {
  const shape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const merged = mergeDimensions(shape, [broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)]);
  if (merged.shape.length > MAX_RANK) return null;
  const out = backend.makeOutput(shape, op >= BINARY_OP.greater ? 'bool' : 'float32');
  if (sizeOf(shape) > 0) {
    backend.addon!.cudaBinary(
      op,
      handle(backend, a),
      handle(backend, b),
      handle(backend, out),
      merged.shape,
      merged.strides[0]!,
      merged.strides[1]!,
    );
  }
  return out;
}

type Params = (attrs: NamedAttrMap) => [number, number];

const UNARY: readonly [string, number, Params?][] = [
  ['Neg', UNARY_OP.neg],
  ['Abs', UNARY_OP.abs],
  ['Exp', UNARY_OP.exp],
  ['Log', UNARY_OP.log],
  ['Sqrt', UNARY_OP.sqrt],
  ['Rsqrt', UNARY_OP.rsqrt],
  ['Square', UNARY_OP.square],
  ['Relu', UNARY_OP.relu],
  ['Relu6', UNARY_OP.relu6],
  ['Sigmoid', UNARY_OP.sigmoid],
  ['Tanh', UNARY_OP.tanh],
  ['Reciprocal', UNARY_OP.reciprocal],
  ['Sign', UNARY_OP.sign],
  ['Floor', UNARY_OP.floor],
  ['Ceil', UNARY_OP.ceil],
  ['Elu', UNARY_OP.elu],
  ['Softplus', UNARY_OP.softplus],
  ['Log1p', UNARY_OP.log1p],
  ['Expm1', UNARY_OP.expm1],
  ['Sin', UNARY_OP.sin],
  ['Cos', UNARY_OP.cos],
  ['Step', UNARY_OP.step, (a) => [Number(a['alpha'] ?? 0), 0]],
  ['LeakyRelu', UNARY_OP.leakyRelu, (a) => [Number(a['alpha']), 0]],
  ['ClipByValue', UNARY_OP.clip, (a) => [Number(a['clipValueMin']), Number(a['clipValueMax'])]],
];

const BINARY: readonly [string, number][] = [
  ['Add', BINARY_OP.add],
  ['Sub', BINARY_OP.sub],
  ['Multiply', BINARY_OP.mul],
  ['RealDiv', BINARY_OP.div],
  ['Maximum', BINARY_OP.max],
  ['Minimum', BINARY_OP.min],
  ['Pow', BINARY_OP.pow],
  ['SquaredDifference', BINARY_OP.squaredDifference],
  ['Greater', BINARY_OP.greater],
  ['GreaterEqual', BINARY_OP.greaterEqual],
  ['Less', BINARY_OP.less],
  ['LessEqual', BINARY_OP.lessEqual],
  ['Equal', BINARY_OP.equal],
  ['NotEqual', BINARY_OP.notEqual],
];

const unaryKernels = UNARY.map(([name, op, params]) =>
  gpuKernel(name, (args) => {
    const x = args.inputs['x']!;
    if (x.dtype !== 'float32') return onCpu(name, args);
    const [alpha, beta] = params ? params(args.attrs ?? {}) : [0, 0];
    return unary(gpuOf(args).backend, op, x, alpha, beta);
  }),
);

const binaryKernels = BINARY.map(([name, op]) =>
  gpuKernel(name, (args) => {
    const { a, b } = args.inputs;
    if (a!.dtype !== 'float32' || b!.dtype !== 'float32') return onCpu(name, args);
    return binary(gpuOf(args).backend, op, a!, b!) ?? onCpu(name, args);
  }),
);

/** EluGrad(dy, y): dy where y ≥ 0, dy·(y + 1) elsewhere. */
const eluGrad = gpuKernel('EluGrad', (args) => {
  const { dy, y } = args.inputs;
  if (dy!.dtype !== 'float32' || y!.dtype !== 'float32') return onCpu('EluGrad', args);
  return binary(gpuOf(args).backend, BINARY_OP.eluGrad, dy!, y!) ?? onCpu('EluGrad', args);
});

/** Cast between float32, int32 and bool on the device; the same dtype shares the buffer. */
const cast = gpuKernel('Cast', (args) => {
  const x = args.inputs['x']!;
  const dtype = (args.attrs ?? {})['dtype'] as keyof typeof CAST_TYPE | string;
  const { backend, addon } = gpuOf(args);
  if (!(x.dtype in CAST_TYPE) || !(dtype in CAST_TYPE)) return onCpu('Cast', args);
  if (dtype === x.dtype) {
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  }
  const out = backend.makeOutput(x.shape, dtype as keyof typeof CAST_TYPE);
  const n = sizeOf(x.shape);
  if (n > 0)
    addon.cudaCast(
      handle(backend, x),
      CAST_TYPE[x.dtype as keyof typeof CAST_TYPE],
      handle(backend, out),
      CAST_TYPE[dtype as keyof typeof CAST_TYPE],
      n,
    );
  return out;
});

export const ELEMENTWISE_KERNELS: readonly KernelConfig[] = [...unaryKernels, ...binaryKernels, eluGrad, cast];
