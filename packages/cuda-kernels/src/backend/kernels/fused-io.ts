/** Shared plumbing of the fused kernels: typed float32 inputs and the addon function, or errors that say what to do. */
import type { TensorInfo } from '@tensorflow/tfjs-core';

import type { NativeAddon } from '../../load.js';
import type { NativeBackend } from '../native-backend.js';

/** The float32 values of `info` (no copy), or a TypeError naming the kernel and the input. */
export function float32Input(backend: NativeBackend, info: TensorInfo, kernel: string, input: string): Float32Array {
  const values = backend.valuesOf(info);
  if (info.dtype !== 'float32' || !(values instanceof Float32Array)) {
    throw new TypeError(`${kernel}: input '${input}' must be a float32 tensor but is ${info.dtype}`);
  }
  return values;
}

/** `backend.addon[name]` bound to the addon, or an Error telling to rebuild an addon that predates it. */
export function addonFunction<K extends keyof NativeAddon>(backend: NativeBackend, name: K, kernel: string): NonNullable<NativeAddon[K]> {
  const fn = backend.addon[name];
  if (typeof fn !== 'function') {
    throw new Error(`${kernel}: fedkern.node has no ${String(name)}; rebuild it with \`npm run build:native -w @fedloge/cuda-kernels\``);
  }
  return (fn as (...args: unknown[]) => unknown).bind(backend.addon) as NonNullable<NativeAddon[K]>;
}

/** Throws a RangeError naming the kernel unless `cond` holds. */
export function check(cond: boolean, kernel: string, message: string): asserts cond {
  if (!cond) throw new RangeError(`${kernel}: ${message}`);
}

/**
 * New float32 tensors of `shapes` over pooled memory, filled by one call of `fill` with their arrays. If `fill` throws,
 * the outputs are freed (their buffers go back to the pool) before the error propagates.
 */
export function float32Outputs(
  backend: NativeBackend,
  shapes: readonly (readonly number[])[],
  fill: (outs: Float32Array[]) => void,
): TensorInfo[] {
  const arrays = shapes.map((shape) =>
    backend.allocate(
      shape.reduce((a, d) => a * d, 1),
      'float32',
    ),
  );
  const infos = shapes.map((shape, i) => backend.makeTensorInfo([...shape], 'float32', arrays[i]!));
  try {
    fill(arrays);
  } catch (error) {
    for (const info of infos) backend.disposeData(info.dataId);
    throw error;
  }
  return infos;
}
