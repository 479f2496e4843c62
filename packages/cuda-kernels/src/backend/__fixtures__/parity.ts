// Parity harness for the native backend: run the same tfjs program on the `cpu` backend (the reference) and on
// `native` over identical inputs, and compare every output element with a relative tolerance.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { expect } from 'vitest';

import { nativeRuntime, registerNativeBackend } from '../register.js';
import { maxRelativeError, type HostTensor } from './host-tensor.js';

export { maxRelativeError, randomTensor, type HostTensor } from './host-tensor.js';

const runtime = nativeRuntime();
/** Whether the native backend can run here; tests skip with {@link nativeSkipNote} otherwise. */
export const nativeBackendAvailable = 'addon' in runtime;
export const nativeSkipNote = 'addon' in runtime ? '' : ` (skipped: ${runtime.reason})`;

if (nativeBackendAvailable) registerNativeBackend();

/** Runs `program` on `backend` with `inputs` as tensors; returns every output's values and shape, disposes all. */
export async function runOn(
  backend: 'cpu' | 'native',
  inputs: readonly HostTensor[],
  program: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<{ values: Float32Array[]; shapes: number[][] }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((h) => tf.tensor(h.values, [...h.shape], h.dtype ?? 'float32'));
    const out = program(...xs);
    const list = Array.isArray(out) ? out : [out];
    return { values: list.map((t) => Float32Array.from(t.dataSync())), shapes: list.map((t) => [...t.shape]) };
  });
}

/** Runs `program` on cpu and native and expects equal shapes and values within `tolerance` (relative). */
export async function expectParity(
  inputs: readonly HostTensor[],
  program: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  tolerance = 1e-4,
): Promise<void> {
  const reference = await runOn('cpu', inputs, program);
  const native = await runOn('native', inputs, program);
  expect(native.shapes).toEqual(reference.shapes);
  reference.values.forEach((ref, i) => {
    expect(maxRelativeError(native.values[i]!, ref), `output ${i}`).toBeLessThanOrEqual(tolerance);
  });
}
