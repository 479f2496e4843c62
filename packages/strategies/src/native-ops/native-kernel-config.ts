/**
 * The plumbing every addon-backed kernel shares: a tfjs kernel config per backend whose function gets the backend's
 * memory (`KernelIo`), its inputs and attributes typed, and float32 views that name the kernel when the dtype is wrong.
 */
import type * as tf from '@tensorflow/tfjs-core';

import { float32View, kernelIo, type KernelIo, type NativeKernelBackend } from './backend-io.js';

/** What a native kernel's body is called with. */
export interface NativeKernelCall<I, A> {
  readonly inputs: I;
  readonly attrs: A;
  /** Allocate every output before taking any view (a wasm allocation may move the heap). */
  readonly io: KernelIo;
  /** The float32 values of `info`, or a TypeError naming this kernel and `input`. */
  float32(info: tf.TensorInfo, input: string): Float32Array;
}

/** `kernelName`'s tfjs kernel config for one backend, running `body` on that backend's tensor memory. */
export function nativeKernelConfig<I, A>(
  kernelName: string,
  body: (call: NativeKernelCall<I, A>) => tf.TensorInfo | tf.TensorInfo[],
): (backendName: NativeKernelBackend) => tf.KernelConfig {
  return (backendName) => ({
    kernelName,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const io = kernelIo(backend, backendName);
      return body({
        inputs: inputs as unknown as I,
        attrs: attrs as unknown as A,
        io,
        float32: (info, input) => float32View(io, info, kernelName, input),
      });
    },
  });
}
