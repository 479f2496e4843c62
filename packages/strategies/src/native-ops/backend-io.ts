/**
 * Zero-copy access to tensor memory inside a kernel function, for the two backends whose memory the addon can read
 * and write directly (docs/stack.md#calling-the-addon-from-tfjs):
 * - cpu: every tensor's values are a JS typed array in `backend.data`; outputs are typed arrays handed to
 *   `makeTensorInfo`, which keeps the reference.
 * - wasm: `makeOutput` allocates on the wasm heap and `typedArrayFromHeap` is a view of wasm memory.
 *   Allocating may grow (and so detach) the heap, so ALL outputs must be allocated before ANY view is taken.
 * - native (@fedloge/cuda-kernels' NativeBackend): inputs are read in place with `valuesOf`; outputs live in its
 *   pool of aligned native buffers (`allocate`, uninitialised: every addon kernel writes all of its output).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from '@fedloge/cuda-kernels';

type Values = Float32Array | Int32Array | Uint8Array;

/** The parts of the cpu backend we use. */
interface CpuBackendLike {
  data: { get(dataId: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Values): tf.TensorInfo;
}

/** The parts of the wasm backend we use. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Values;
}

/** Allocate outputs, then view inputs and outputs as typed arrays. */
export interface KernelIo {
  allocate(shape: number[], dtype: 'float32'): tf.TensorInfo;
  view(info: tf.TensorInfo): Values;
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Backends the native kernels are registered for. */
export const NATIVE_KERNEL_BACKENDS = ['cpu', 'wasm', 'native'] as const;
export type NativeKernelBackend = (typeof NATIVE_KERNEL_BACKENDS)[number];

/** The values of `info` as a numeric typed array, or a TypeError naming the backend. */
function numericValues(values: unknown, info: tf.TensorInfo, backendName: NativeKernelBackend): Values {
  if (!(values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array)) {
    throw new TypeError(`native kernels on the ${backendName} backend need numeric tensors, got ${info.dtype}`);
  }
  return values;
}

export function kernelIo(backend: object, backendName: NativeKernelBackend): KernelIo {
  if (backendName === 'native') {
    const native = backend as NativeBackend;
    return {
      allocate: (shape, dtype) => native.makeTensorInfo(shape, dtype, native.allocate(sizeOf(shape), dtype)),
      view: (info) => numericValues(native.valuesOf(info), info, backendName),
    };
  }
  if (backendName === 'wasm') {
    const wasm = backend as unknown as WasmBackendLike;
    return { allocate: (shape, dtype) => wasm.makeOutput(shape, dtype), view: (info) => wasm.typedArrayFromHeap(info) };
  }
  const cpu = backend as unknown as CpuBackendLike;
  return {
    allocate: (shape, dtype) => cpu.makeTensorInfo(shape, dtype, new Float32Array(sizeOf(shape))),
    view: (info) => numericValues(cpu.data.get(info.dataId).values, info, backendName),
  };
}

/** The float32 view of a tensor, or a TypeError naming the kernel and input. */
export function float32View(io: KernelIo, info: tf.TensorInfo, kernel: string, input: string): Float32Array {
  const v = io.view(info);
  if (!(v instanceof Float32Array)) throw new TypeError(`${kernel}: input '${input}' must be float32 but is ${info.dtype}`);
  return v;
}
