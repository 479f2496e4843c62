// Parity with NaN: like expectParity, but NaN must sit in the same places on both backends (tfjs-cpu semantics)
// and only the other elements are compared with the relative tolerance. Also checks dtypes.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

import type { HostTensor } from './parity.js';

async function run(backend: 'cpu' | 'native', inputs: readonly HostTensor[], program: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]) {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((h) => tf.tensor(h.values, [...h.shape], h.dtype ?? 'float32'));
    const out = program(...xs);
    const list = Array.isArray(out) ? out : [out];
    return list.map((t) => ({ values: Array.from(t.dataSync() as ArrayLike<number>), shape: [...t.shape], dtype: t.dtype }));
  });
}

/** cpu vs native: equal shapes and dtypes, NaN at the same elements, relative error ≤ tolerance elsewhere (0: exact). */
export async function expectParityWithNaN(
  inputs: readonly HostTensor[],
  program: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  tolerance = 1e-4,
): Promise<void> {
  const reference = await run('cpu', inputs, program);
  const native = await run('native', inputs, program);
  expect(native.map((o) => [o.shape, o.dtype])).toEqual(reference.map((o) => [o.shape, o.dtype]));
  reference.forEach((ref, k) => {
    const got = native[k]!.values;
    let worst = 0;
    let firstNaNMismatch = -1;
    for (let i = 0; i < ref.values.length; i++) {
      const b = ref.values[i]!,
        a = got[i]!;
      if (Number.isNaN(a) !== Number.isNaN(b)) {
        if (firstNaNMismatch < 0) firstNaNMismatch = i;
        continue;
      }
      if (Number.isNaN(b) || a === b) continue; // equal infinities included
      worst = Math.max(worst, Math.abs(a - b) / Math.max(1, Math.abs(b)));
    }
    const mismatch =
      firstNaNMismatch < 0 ? null : { index: firstNaNMismatch, native: got[firstNaNMismatch], cpu: ref.values[firstNaNMismatch] };
    expect(mismatch, `output ${k}: NaN on one backend only`).toBeNull();
    expect(worst, `output ${k}`).toBeLessThanOrEqual(tolerance);
  });
}

/** A host tensor with some elements replaced by NaN (every `every`-th, from `from`). */
export function withNaN(h: HostTensor, every: number, from = 0): HostTensor {
  const values = Float32Array.from(h.values as Float32Array);
  for (let i = from; i < values.length; i += every) values[i] = NaN;
  return { ...h, values };
}
