// Parity harness for the native backend: run the same tfjs program on the `cpu` backend (the reference) and on
// `native` over identical inputs, and compare every output element with a relative tolerance.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { expect } from 'vitest';

import { nativeRuntime, registerNativeBackend } from '../register.js';

const runtime = nativeRuntime();
/** Whether the native backend can run here; tests skip with {@link nativeSkipNote} otherwise. */
export const nativeBackendAvailable = 'addon' in runtime;
export const nativeSkipNote = 'addon' in runtime ? '' : ` (skipped: ${runtime.reason})`;

if (nativeBackendAvailable) registerNativeBackend();

/** Plain inputs of a parity case: values with shapes and dtypes, rebuilt as tensors on each backend. */
export interface HostTensor {
  readonly values: Float32Array | Int32Array | Uint8Array;
  readonly shape: readonly number[];
  readonly dtype?: 'float32' | 'int32' | 'bool';
}

/** Deterministic pseudo-random floats in [-scale, scale) (an LCG: no dependency on core). */
export function randomTensor(shape: readonly number[], seed: number, scale = 1): HostTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return { values, shape };
}

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

/** max |a − b| / max(1, |b|) over all elements. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!));
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
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
